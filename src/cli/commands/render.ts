import type { Command } from 'commander';
import { renderManifests } from '../../engine';
import type { CliContext } from '../context';
import { planRepository } from '../pipeline';

/** `stackpilot render <dir> --env <env> --out <path>`: the plan's Kubernetes YAML, made by the same program. */
export function registerRender(program: Command, ctx: () => CliContext): void {
  program
    .command('render')
    .description(
      'Write the Kubernetes YAML of the plan (one file per object) by running the same Pulumi program in render mode',
    )
    .argument('<dir>', 'repository directory')
    .requiredOption('-e, --env <env>', 'environment')
    .requiredOption('-o, --out <dir>', 'output directory (replaced whole on success)')
    .action(async (dir: string, opts: { env: string; out: string }) => {
      const c = ctx();
      const { plan, env } = await planRepository(c, dir, opts.env);
      const written = await renderManifests(plan, env, opts.out);
      c.out.line(
        `rendered ${plan.nodes.length} objects of ${plan.app}/${plan.environment} to ${written}`,
      );
    });
}
