import type { Command } from 'commander';
import { InputError } from '../../model/errors';
import { diffPlans, formatPlanDiff } from '../../plan';
import type { CliContext } from '../context';
import { printJson, styles, table, type Output } from '../output';
import { defaultPlanDir, planRepository, readPlanFile, writePlanFiles } from '../pipeline';

/** `stackpilot plan <dir> --env <env>` and `stackpilot plan diff <before> <after>`. */
export function registerPlan(program: Command, ctx: () => CliContext): void {
  const plan = program
    .command('plan')
    .description(
      'Plan a repository for one environment: writes plan.json and report.md and prints a summary',
    )
    .argument('<dir>', 'repository directory')
    // Not a required option: commander would then demand it of `plan diff` too.
    .option('-e, --env <env>', 'environment (stacks/Pulumi.<env>.yaml); required')
    .option(
      '-o, --out <dir>',
      'where to write plan.json and report.md (default: <state>/out/<app>/<env>)',
    )
    .option('--json', 'print the plan as JSON')
    .action(async (dir: string, opts: { env?: string; out?: string; json?: boolean }) => {
      if (!opts.env) throw new InputError('plan needs --env <env> (e.g. --env dev)');
      const c = ctx();
      const { plan } = await planRepository(c, dir, opts.env);
      const files = writePlanFiles(plan, opts.out ?? defaultPlanDir(c, plan));
      if (opts.json) return printJson(c.out, plan);
      const s = styles(c.out);
      c.out.line(
        `${s.bold(plan.app)} in ${s.bold(plan.environment)} (namespace ${plan.namespace}), plan ${plan.hash.slice(0, 19)}`,
      );
      const workloads = plan.nodes.filter(
        (n) => n.kind === 'workload' || n.kind === 'job' || n.kind === 'cron-job',
      );
      c.out.line(
        table(
          ['node', 'component', 'depends on'],
          workloads.map((n) => [
            n.id,
            n.component ?? '',
            n.dependsOn.filter((d) => d !== 'namespace').join(', '),
          ]),
        ),
      );
      c.out.line(
        `${plan.nodes.length} resources in ${plan.waves.length} waves, ${plan.decisions.length} decisions`,
      );
      c.out.line(
        `estimated cost: ${plan.cost.totalMonthly.toFixed(2)} ${plan.cost.currency}/month`,
      );
      for (const w of plan.warnings) c.out.line(s.warn(`warning: ${w}`));
      c.out.line(`plan:   ${files.planFile}\nreport: ${files.reportFile}`);
    });

  plan
    .command('diff')
    .description('Compare two plan files')
    .argument('<before>', 'plan.json')
    .argument('<after>', 'plan.json')
    .option('--json', 'print the diff as JSON')
    .action((before: string, after: string, opts: { json?: boolean }) => {
      const diff = diffPlans(readPlanFile(before), readPlanFile(after));
      if (opts.json) printJson(ctx().out, diff);
      else ctx().out.line(colourDiff(ctx().out, formatPlanDiff(diff)));
    });
}

/** Added lines green, removed red, changed yellow; unchanged when colour is off. */
function colourDiff(out: Output, text: string): string {
  const s = styles(out);
  return text
    .split('\n')
    .map((l) =>
      /^\s*\+ /.test(l)
        ? s.add(l)
        : /^\s*- /.test(l)
          ? s.remove(l)
          : /^\s*~ /.test(l)
            ? s.change(l)
            : l,
    )
    .join('\n');
}
