import type { Command } from 'commander';
import { loadEnvironment } from '../../plan';
import { confirmGated } from '../confirm';
import type { CliContext } from '../context';
import { printJson, styles } from '../output';
import { projectName } from '../pipeline';
import { formatChanges, progressPrinter } from '../progress';

/** destroy: delete every object a stack created (its history stays). */
export function registerDestroy(program: Command, ctx: () => CliContext): void {
  program
    .command('destroy')
    .description(
      "Delete every object the environment's stack created, the namespace included (the stack and its history stay)",
    )
    .argument('<app>', 'app name or repository directory')
    .requiredOption('-e, --env <env>', 'environment')
    .option('-y, --yes', 'do not ask for confirmation on gated environments')
    .option('--json', 'print the changes as JSON')
    .action(async (app: string, opts: { env: string; yes?: boolean; json?: boolean }) => {
      const c = ctx();
      const env = await loadEnvironment(c.stacksDir, opts.env);
      await confirmGated(env, 'destroy', opts.yes);
      c.throwIfCancelled();
      const result = await c.engine().destroy(await projectName(app), env, {
        signal: c.signal,
        ...(opts.json ? {} : { onEvent: progressPrinter(c.out, 0) }),
      });
      if (opts.json) return printJson(c.out, result);
      c.out.line(
        `${styles(c.out).bold('destroy')} ${await projectName(app)}/${env.name}: ${formatChanges(result.changes)}`,
      );
    });
}
