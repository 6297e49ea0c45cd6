import { join } from 'node:path';
import type { Command } from 'commander';
import { buildImages } from '../../images/build';
import type { BuildEvent, BuildResult } from '../../model/images';
import type { CliContext } from '../context';
import { ExitCode } from '../exit-codes';
import { printJson, styles, table } from '../output';
import { planRepository } from '../pipeline';

const VERB = { build: 'building', push: 'pushing', verify: 'verifying' } as const;

/** One progress line per phase of each image, on stderr; builder output only when verbose. */
function progress(ctx: CliContext, verbose: boolean): (e: BuildEvent) => void {
  return (e) => {
    if (e.state === 'output') {
      if (verbose) ctx.out.note(`  ${e.component} | ${e.message ?? ''}`);
      return;
    }
    if (e.state === 'start') ctx.out.note(`${VERB[e.phase]} ${e.image} (${e.component}) …`);
    else if (e.state === 'done' && e.phase !== 'push')
      ctx.out.note(
        `${e.phase === 'build' ? 'built' : 'in registry'} ${e.image}${e.message ? ` ${e.message}` : ''}`,
      );
  };
}

function printBuild(ctx: CliContext, result: BuildResult): void {
  const s = styles(ctx.out);
  if (!result.images.length) {
    ctx.out.line(
      `${result.project}/${result.environment} builds no image: every image is published`,
    );
    return;
  }
  ctx.out.line(
    table(
      ['component', 'image', 'status', 'digest'],
      result.images.map((i) => [i.component, i.image, i.status, i.digest ?? '']),
    ),
  );
  for (const i of result.images) if (i.error) ctx.out.line(s.bad(i.error));
  const what = result.push ? 'built and pushed' : 'built';
  ctx.out.line(
    result.status === 'succeeded'
      ? `${s.ok(what)} ${result.images.length} image(s) of ${result.project}/${result.environment} with ${result.builder}`
      : `${s.bad('build failed')}: nothing${result.push ? ' more' : ''} was pushed`,
  );
}

/** build: the images the plan builds from source, with its tags; `--push` sends them to the registry. */
export function registerBuild(program: Command, ctx: () => CliContext): void {
  program
    .command('build')
    .description(
      "Build every image the plan builds from source (its Dockerfile or the generated one, with the plan's tag and build args) using docker buildx, podman or buildah (STACKPILOT_BUILDER picks one); --push pushes them and checks each digest in the registry",
    )
    .argument('<dir>', 'repository directory')
    .requiredOption('-e, --env <env>', 'environment')
    .option('--push', 'push each image and verify it in its registry')
    .option('--verbose', "print the builder's output")
    .option('--json', 'print the BuildResult as JSON')
    .action(
      async (
        dir: string,
        opts: { env: string; push?: boolean; verbose?: boolean; json?: boolean },
      ) => {
        const c = ctx();
        // Image names and tags do not depend on what the stack runs: no engine is needed to build.
        const { plan, env } = await planRepository(c, dir, opts.env);
        const result = await buildImages(plan, dir, {
          push: opts.push ?? false,
          buildDir: join(c.stateDir, 'build', plan.app, plan.environment),
          onEvent: progress(c, opts.verbose ?? false),
          signal: c.signal,
          // With no builder here, a cluster target builds in the cluster.
          ...(env.target.kind === 'cluster' ? { cluster: { target: env.target } } : {}),
        });
        if (opts.json) printJson(c.out, result);
        else printBuild(c, result);
        if (result.status === 'failed') process.exitCode = ExitCode.failed;
      },
    );
}
