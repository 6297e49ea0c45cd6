import type { Command } from 'commander';
import { ejectProject, writeEjectedProject } from '../../program';
import type { CliContext } from '../context';
import { planRepository } from '../pipeline';

/** `stackpilot eject <dir> --env <env> --out <path>`: a standalone Pulumi TypeScript project. */
export function registerEject(program: Command, ctx: () => CliContext): void {
  program
    .command('eject')
    .description(
      'Write a standalone, readable Pulumi TypeScript project with the same resources and dependsOn',
    )
    .argument('<dir>', 'repository directory')
    .requiredOption('-e, --env <env>', 'environment')
    .requiredOption('-o, --out <dir>', 'output directory (must not exist or be empty)')
    .action(async (dir: string, opts: { env: string; out: string }) => {
      const c = ctx();
      const { plan, env } = await planRepository(c, dir, opts.env);
      const files = ejectProject(plan, { env: env.name, target: env.target });
      writeEjectedProject(files, opts.out);
      c.out.line(
        `ejected ${Object.keys(files).length} files to ${opts.out}: cd there, npm install, pulumi preview -s ${env.name}`,
      );
    });
}
