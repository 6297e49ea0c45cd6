import type { Command } from 'commander';
import { SECRETS_NAMESPACE } from '../../model/environment';
import { InputError } from '../../model/errors';
import type { CliContext } from '../context';
import { printJson, table } from '../output';
import { projectName } from '../pipeline';
import { ExitCode } from '../exit-codes';
import { formatChanges } from '../progress';
import { printRecovery, recordRecovery } from '../recovery';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** history, recover, secrets set: commands about an existing stack. */
export function registerStack(program: Command, ctx: () => CliContext): void {
  program
    .command('history')
    .description("A stack's updates, newest first, with the plan each one deployed (never secrets)")
    .argument('<app>', 'app name or repository directory')
    .requiredOption('-e, --env <env>', 'environment')
    .option('--json', 'print as JSON')
    .action(async (app: string, opts: { env: string; json?: boolean }) => {
      const c = ctx();
      const entries = await c.engine().history(await projectName(app), opts.env);
      if (opts.json) return printJson(c.out, entries);
      c.out.line(
        table(
          ['version', 'action', 'result', 'plan', 'changes', 'started'],
          entries.map((e) => [
            String(e.version),
            e.action ?? e.kind,
            e.result,
            e.planHash?.slice(0, 19) ?? '',
            formatChanges(e.changes),
            e.startTime,
          ]),
        ),
      );
    });

  program
    .command('recover')
    .description(
      'Clear what a crashed operation left: its engine processes, stale locks, broken state files (restored from Pulumi backups) and pending operations',
    )
    .argument('<app>', 'app name or repository directory')
    .requiredOption('-e, --env <env>', 'environment')
    .option('--force', 'also clear locks whose holder may still be alive')
    .option('--json', 'print as JSON')
    .action(async (app: string, opts: { env: string; force?: boolean; json?: boolean }) => {
      const c = ctx();
      const name = await projectName(app);
      // No inspect before: opening a stack reads its checkpoint, which recover may have to repair.
      const result = await c.engine().recover(name, opts.env, { force: Boolean(opts.force) });
      recordRecovery(c.stateDir, result);
      const unrepairable = result.repairs.filter((r) => r.action === 'unrepairable');
      if (unrepairable.length) process.exitCode = ExitCode.conflict;
      if (opts.json) return printJson(c.out, { result });
      printRecovery(c, result);
    });

  const secrets = program
    .command('secrets')
    .description("Manage an application's secret values (stored encrypted in the stack)");
  secrets
    .command('set')
    .description(
      `Set ${SECRETS_NAMESPACE}:<NAME> from standard input (never from an argument, so it stays out of shell history)`,
    )
    .argument('<app>', 'app name or repository directory')
    .argument('<name>', 'e.g. OPENAI_API_KEY or secrets:OPENAI_API_KEY')
    .requiredOption('-e, --env <env>', 'environment')
    .action(async (app: string, name: string, opts: { env: string }) => {
      const c = ctx();
      const key = name.includes(':') ? name : `${SECRETS_NAMESPACE}:${name}`;
      const value = await readStdin();
      if (!value) throw new InputError(`no value on standard input for ${key}`);
      await c.engine().setSecret(await projectName(app), opts.env, key, value);
      c.out.line(`set ${key} on ${opts.env} (encrypted)`);
    });
}
