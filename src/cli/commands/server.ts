import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../model/errors';
import { startServer } from '../../server';
import { createToken, openStore, RoleSchema } from '../../store';
import { markCleanShutdown } from '../cancel';
import { GATE_EXIT_HELP, runGate } from '../gate';
import type { CliContext } from '../context';
import { printJson } from '../output';

/** serve, tokens, gate: the HTTP front door and its CI client. */
export function registerServer(program: Command, ctx: () => CliContext): void {
  program
    .command('serve')
    .description(
      'Run the HTTP API (preview/up for CI, approvals, history, SSE events) on 127.0.0.1',
    )
    .option('-p, --port <port>', 'TCP port', '7070')
    .option('--allow-root <dir...>', 'directories under which analyses may read repositories')
    .option('--busy <policy>', 'a request for a busy stack: queue or refuse', 'queue')
    .option(
      '--allow-repo-skills <ids>',
      "comma-separated ids of skills in this server's own skills file (--skills, default " +
        'stackpilot.skills.yaml here) that a repository may ask for; the server runs its own ' +
        'skill of that id, never code from the repository (default none)',
    )
    .addHelpText('after', `\n${SERVE_TRUST_HELP}`)
    .action(
      async (opts: {
        port: string;
        allowRoot?: string[];
        busy: string;
        allowRepoSkills?: string;
      }) => {
        const c = ctx();
        if (opts.busy !== 'queue' && opts.busy !== 'refuse')
          throw new InputError(`--busy must be queue or refuse, not ${opts.busy}`);
        const port = Number(opts.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535)
          throw new InputError(`--port must be a port number, not ${opts.port}`);
        const server = await startServer({
          stateDir: c.stateDir,
          stacksDir: c.stacksDir,
          port,
          busy: opts.busy,
          allowedRoots: opts.allowRoot ?? [],
          ...serverSkillsFile(c),
          allowRepoSkills: skillIds(opts.allowRepoSkills),
          passphrase: 'generate-if-missing',
          missingSecrets: 'placeholder',
        });
        c.out.note(
          `stackpilot server listening on ${server.url} (state ${c.stateDir}); Ctrl-C stops it`,
        );
        // SIGINT/SIGTERM (see cancel.ts): cancel the running operations, wait for them, stop.
        await new Promise<void>((resolve) => {
          if (c.signal.aborted) resolve();
          else c.signal.addEventListener('abort', () => resolve(), { once: true });
        });
        await server.close();
        markCleanShutdown();
      },
    );

  const tokens = program
    .command('tokens')
    .description('Manage API tokens (stored hashed in the state database)');
  tokens
    .command('create')
    .description('Create a token; it is printed once and never stored in clear')
    .argument('<name>', 'who or what uses it, e.g. ci or alice')
    .requiredOption('-r, --role <role>', 'viewer, deployer, approver or admin')
    .option('--json', 'print as JSON')
    .action((name: string, opts: { role: string; json?: boolean }) => {
      const role = RoleSchema.safeParse(opts.role);
      if (!role.success)
        throw new InputError(
          `--role must be viewer, deployer, approver or admin, not ${opts.role}`,
        );
      const c = ctx();
      const store = openStore({ stateDir: c.stateDir });
      try {
        const created = createToken(store, name, role.data);
        if (opts.json) printJson(c.out, created);
        else {
          c.out.line(created.token);
          c.out.note(`token for ${name} (${role.data}) created; it is shown only now`);
        }
      } finally {
        store.close();
      }
    });

  program
    .command('gate')
    .description(
      'CI approval gate: preview on the server, wait for an approval, deploy, follow the events',
    )
    .requiredOption(
      '--server <url>',
      'server base URL (or STACKPILOT_URL)',
      process.env.STACKPILOT_URL,
    )
    .requiredOption('-e, --env <env>', 'environment')
    .option('--plan <id>', 'a plan created earlier on the server')
    .option(
      '--app-dir <dir>',
      'repository directory on this machine (the CI checkout): analyzed here, and its analysis ' +
        'planned by the server with its own stack config and skills',
    )
    .option('--timeout <seconds>', 'how long to wait for a decision', '3600')
    .option('--poll <seconds>', 'status poll interval', '5')
    .addHelpText(
      'after',
      `\nThe token is read from STACKPILOT_TOKEN. With --app-dir the gate sends the AppModel (no ` +
        `secret values) and the ids of the skills the skills file (--skills, default ` +
        `stackpilot.skills.yaml) declares; the server must allow each (serve --allow-repo-skills).` +
        `\n\n${GATE_EXIT_HELP}`,
    )
    .action(
      async (opts: {
        server: string;
        env: string;
        plan?: string;
        appDir?: string;
        timeout: string;
        poll: string;
      }) => {
        const token = process.env.STACKPILOT_TOKEN;
        if (!token) throw new InputError('gate needs a token in STACKPILOT_TOKEN');
        if (!opts.plan && !opts.appDir)
          throw new InputError('gate needs --plan <id> or --app-dir <dir>');
        const c = ctx();
        process.exitCode = await runGate({
          server: opts.server,
          token,
          env: opts.env,
          ...(opts.plan ? { planId: opts.plan } : {}),
          ...(opts.appDir
            ? { appDir: opts.appDir, declaredSkills: () => declaredSkillIds(c) }
            : {}),
          timeoutSeconds: Number(opts.timeout),
          pollSeconds: Number(opts.poll),
          out: (line) => c.out.line(line),
        });
      },
    );
}

const SERVE_TRUST_HELP = `Trust: the server plans with its own stack files (--stacks) and its own skills file
(--skills). An uploaded analysis (stackpilot gate --app-dir) is data: it is checked against the
AppModel schema, its size bounds and for secret values, and the skills it names run only when
listed in --allow-repo-skills, as the server's own skills of those ids.`;

/** The server's own skills file: --skills (must exist), else stackpilot.skills.yaml if present. */
function serverSkillsFile(c: CliContext): { skillsFile?: string } {
  if (c.options.skills !== undefined) return { skillsFile: resolve(c.options.skills) };
  const fallback = resolve('stackpilot.skills.yaml');
  return existsSync(fallback) ? { skillsFile: fallback } : {};
}

/** `a, b,c` → `['a', 'b', 'c']`. */
function skillIds(list: string | undefined): string[] {
  return (list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The ids of the user skills the skills file (the repository's, on a runner) declares. */
function declaredSkillIds(c: CliContext): string[] {
  const { skills, externalSkills } = c.skills();
  return [...skills.map((s) => s.id), ...externalSkills.map((s) => s.id)];
}
