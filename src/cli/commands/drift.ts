import type { Command } from 'commander';
import type { DriftResult } from '../../model/operations';
import { loadEnvironment } from '../../plan';
import type { CliContext } from '../context';
import { ExitCode } from '../exit-codes';
import { printJson, styles, table } from '../output';
import { projectName } from '../pipeline';

function printDrift(ctx: CliContext, result: DriftResult): void {
  const s = styles(ctx.out);
  if (!result.drifted) {
    ctx.out.line(`${s.bold('drift')} ${result.project}/${result.environment}: ${s.ok('none')}`);
    return;
  }
  const rows = result.resources.flatMap((r) =>
    r.change === 'deleted'
      ? [[r.name, r.type, '(deleted out of band)', '', '']]
      : r.fields.map((f) => [r.name, r.type, f.path, f.deployed, f.live]),
  );
  ctx.out.line(table(['resource', 'type', 'field', 'deployed', 'live'], rows));
  ctx.out.line(
    `${s.bold('drift')} ${result.project}/${result.environment}: ${s.bad(`${result.resources.length} resource(s) changed out of band`)}; \`stackpilot up\` puts back what the plan says`,
  );
}

/** drift: what changed on the cluster behind the stack's back. */
export function registerDrift(program: Command, ctx: () => CliContext): void {
  program
    .command('drift')
    .description(
      `Compare a cluster stack with the live cluster (a refresh preview; changes nothing). Exits ${ExitCode.drift} when something drifted`,
    )
    .argument('<app>', 'app name or repository directory')
    .requiredOption('-e, --env <env>', 'environment')
    .option('--json', 'print the DriftResult as JSON')
    .action(async (app: string, opts: { env: string; json?: boolean }) => {
      const c = ctx();
      const env = await loadEnvironment(c.stacksDir, opts.env);
      const result = await c.engine().drift(await projectName(app), env, { signal: c.signal });
      if (opts.json) printJson(c.out, result);
      else printDrift(c, result);
      if (result.drifted) process.exitCode = ExitCode.drift;
    });
}
