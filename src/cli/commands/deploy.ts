import type { Command } from 'commander';
import type { MissingSecretPolicy } from '../../engine';
import type { Environment } from '../../model/environment';
import type { PreviewResult, UpResult } from '../../model/operations';
import { confirmGated } from '../confirm';
import type { CliContext } from '../context';
import { printJson, styles, table } from '../output';
import { defaultPlanDir, planRepository, projectName, writePlanFiles } from '../pipeline';
import { loadEnvironment } from '../../plan';
import { formatChanges, progressPrinter } from '../progress';
import { ExitCode } from '../exit-codes';
import { findingBlock, indent } from './diagnose';
import { renderDirectory } from '../../engine/state';

/** Render targets are throwaway: secrets without a value get labelled placeholders there. */
function secretPolicy(env: Environment): MissingSecretPolicy {
  return env.target.kind === 'render' ? 'placeholder' : 'error';
}

function printPreview(ctx: CliContext, result: PreviewResult): void {
  const s = styles(ctx.out);
  const changed = result.steps
    .filter((st) => st.op !== 'same')
    .sort((a, b) => a.name.localeCompare(b.name));
  if (changed.length) {
    ctx.out.line(
      table(
        ['op', 'type', 'name', 'changed'],
        changed.map((st) => [st.op, st.type, st.name, st.diffs.join(', ')]),
      ),
    );
  }
  ctx.out.line(
    `${s.bold('preview')} ${result.project}/${result.environment}: ${formatChanges(result.changes)}`,
  );
  for (const w of result.warnings) ctx.out.note(s.warn(`warning: ${w}`));
}

function printUp(ctx: CliContext, result: UpResult): void {
  const s = styles(ctx.out);
  const status = result.status === 'succeeded' ? s.ok(result.status) : s.bad(result.status);
  ctx.out.line(
    `${s.bold('up')} ${result.project}/${result.environment}: ${status} (${formatChanges(result.changes)})`,
  );
  if (result.error) ctx.out.line(s.bad(`error: ${result.error}`));
  if (result.diagnosis?.findings.length) {
    ctx.out.line('');
    ctx.out.line(s.bold('diagnosis:'));
    for (const f of result.diagnosis.findings) ctx.out.line(indent(findingBlock(f, s), 2));
    for (const n of result.diagnosis.notes) ctx.out.line(s.dim(`  note: ${n}`));
    ctx.out.line(
      s.dim(
        `  (\`stackpilot diagnose <dir> --env ${result.environment} --fix\` merges the config fixes into the stack file)`,
      ),
    );
  }
  if (result.rollback)
    ctx.out.line(
      `rolled back to ${result.rollback.planHash.slice(0, 19)}: ${result.rollback.status}`,
    );
  for (const w of result.warnings) ctx.out.note(s.warn(`warning: ${w}`));
}

/** preview, up, rollback, history, recover, secrets. */
export function registerDeploy(program: Command, ctx: () => CliContext): void {
  program
    .command('preview')
    .description('Analyze, plan and preview a repository on one environment: what up would change')
    .argument('<dir>', 'repository directory')
    .requiredOption('-e, --env <env>', 'environment')
    .option('--json', 'print the PreviewResult as JSON')
    .action(async (dir: string, opts: { env: string; json?: boolean }) => {
      const c = ctx();
      const { plan, env } = await planRepository(c, dir, opts.env, { deployed: true });
      writePlanFiles(plan, defaultPlanDir(c, plan));
      const result = await c.engine().preview(plan, env, {
        missingSecrets: secretPolicy(env),
        signal: c.signal,
        ...(opts.json ? {} : { onEvent: progressPrinter(c.out, plan.nodes.length) }),
      });
      if (opts.json) printJson(c.out, result);
      else printPreview(c, result);
    });

  program
    .command('up')
    .description('Analyze, plan, preview and apply a repository on one environment (the main job)')
    .argument('<dir>', 'repository directory')
    .requiredOption('-e, --env <env>', 'environment')
    .option('-y, --yes', 'do not ask for confirmation on gated environments')
    .option('--json', 'print the UpResult as JSON')
    .action(async (dir: string, opts: { env: string; yes?: boolean; json?: boolean }) => {
      const c = ctx();
      const s = styles(c.out);
      const { plan, env } = await planRepository(c, dir, opts.env, { deployed: true });
      const files = writePlanFiles(plan, defaultPlanDir(c, plan));
      const engine = c.engine();
      const preview = await engine.preview(plan, env, {
        missingSecrets: secretPolicy(env),
        signal: c.signal,
      });
      if (!opts.json) printPreview(c, preview);
      await confirmGated(env, 'apply', opts.yes);
      c.throwIfCancelled();
      const result = await engine.up(plan, env, {
        missingSecrets: secretPolicy(env),
        signal: c.signal,
        ...(opts.json ? {} : { onEvent: progressPrinter(c.out, plan.nodes.length) }),
      });
      if (opts.json) printJson(c.out, result);
      else {
        printUp(c, result);
        c.out.line('');
        c.out.line(`plan report:   ${files.reportFile}`);
        if (env.target.kind === 'render') {
          c.out.line(
            `manifests:     ${renderDirectory(engine.layout, env.name, env.target.directory)}/1-manifest/`,
          );
        }
        c.out.line(`stack state:   ${engine.layout.backendDir} (stack ${plan.app}/${env.name})`);
        if (env.target.kind === 'render') {
          c.out.line(
            s.dim(
              `To deploy to a real cluster, set in ${c.stacksDir}/Pulumi.${env.name}.yaml:\n  stackpilot:target:\n    kind: cluster\n    context: <your kube context>`,
            ),
          );
        }
      }
      if (result.status !== 'succeeded') process.exitCode = ExitCode.failed;
    });

  program
    .command('rollback')
    .description('Re-apply the plan deployed before the current one (or --to <hash>)')
    .argument('<app>', 'app name or repository directory')
    .requiredOption('-e, --env <env>', 'environment')
    .option('--to <hash>', 'plan hash to roll back to (see history)')
    .option('-y, --yes', 'do not ask for confirmation on gated environments')
    .option('--json', 'print the UpResult as JSON')
    .action(
      async (app: string, opts: { env: string; to?: string; yes?: boolean; json?: boolean }) => {
        const c = ctx();
        const env = await loadEnvironment(c.stacksDir, opts.env);
        await confirmGated(env, 'roll back', opts.yes);
        c.throwIfCancelled();
        const result = await c.engine().rollback(await projectName(app), env, {
          missingSecrets: secretPolicy(env),
          signal: c.signal,
          ...(opts.to ? { to: opts.to } : {}),
          ...(opts.json ? {} : { onEvent: progressPrinter(c.out, 0) }),
        });
        if (opts.json) printJson(c.out, result);
        else printUp(c, result);
        if (result.status !== 'succeeded') process.exitCode = ExitCode.failed;
      },
    );
}
