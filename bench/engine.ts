/**
 * Engine figures: preview and up of the reference app through stackpilot's engine layer, and
 * the same for the ejected program run by the plain `pulumi` CLI, so that the engine layer's
 * overhead shows as a ratio measured in one run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findToolchain } from '../src/engine';
import { engineEnv } from '../src/engine/toolchain';
import { ejectProject, writeEjectedProject } from '../src/program';
import { REPO_ROOT, referencePlan, tempEngine } from '../test/integration/support/engine';

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return [value, Number(process.hrtime.bigint() - start) / 1e6];
}

function plainPulumi(dir: string, args: string[], env: Record<string, string>): number {
  const start = process.hrtime.bigint();
  const run = spawnSync(findToolchain().cli, args, {
    cwd: dir,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  if (run.status !== 0)
    throw new Error(`pulumi ${args.join(' ')} failed:\n${run.stderr || run.stdout}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function main(): Promise<void> {
  const { plan, env } = await referencePlan('dev');
  const t = tempEngine();
  try {
    const [, preview] = await timed(() =>
      t.engine.preview(plan, env, { missingSecrets: 'placeholder' }),
    );
    const [, up] = await timed(() => t.engine.up(plan, env, { missingSecrets: 'placeholder' }));
    const [, noop] = await timed(() =>
      t.engine.preview(plan, env, { missingSecrets: 'placeholder' }),
    );
    console.log(`reference app (${plan.nodes.length} resources), stackpilot engine:`);
    console.log(`  preview (all creates) ${preview.toFixed(0)} ms`);
    console.log(`  up                    ${up.toFixed(0)} ms`);
    console.log(`  preview (no changes)  ${noop.toFixed(0)} ms`);

    const dir = mkdtempSync(join(tmpdir(), 'stackpilot-eject-bench-'));
    try {
      writeEjectedProject(
        ejectProject(plan, {
          env: 'dev',
          target: { kind: 'render', directory: join(dir, 'rendered') },
        }),
        join(dir, 'p'),
      );
      const project = join(dir, 'p');
      symlinkSync(join(REPO_ROOT, 'node_modules'), join(project, 'node_modules'));
      const toolchain = findToolchain();
      const penv = engineEnv(toolchain, {
        PULUMI_BACKEND_URL: `file://${dir}`,
        PULUMI_CONFIG_PASSPHRASE: 'bench',
      });
      plainPulumi(project, ['stack', 'init', 'dev', '--secrets-provider', 'passphrase'], penv);
      const secretKeys = plan.nodes.flatMap((n) =>
        n.kind === 'secret'
          ? n.spec.entries.flatMap((e) => e.parts.flatMap((p) => ('config' in p ? [p.config] : [])))
          : [],
      );
      for (const key of [...new Set(secretKeys)])
        plainPulumi(project, ['config', 'set', '--secret', key, 'bench-value', '-s', 'dev'], penv);
      const plainPreview = plainPulumi(
        project,
        ['preview', '-s', 'dev', '--non-interactive'],
        penv,
      );
      const plainUp = plainPulumi(
        project,
        ['up', '-s', 'dev', '--yes', '--non-interactive', '--skip-preview'],
        penv,
      );
      console.log('ejected program, plain pulumi CLI:');
      console.log(`  preview (all creates) ${plainPreview.toFixed(0)} ms`);
      console.log(`  up                    ${plainUp.toFixed(0)} ms`);
      console.log(
        `ratio engine/plain: preview ${(preview / plainPreview).toFixed(2)}, up ${(up / plainUp).toFixed(2)}`,
      );
    } catch (err) {
      console.log(
        `ejected program via plain CLI: skipped (${(err as Error).message.split('\n')[0]})`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    t.cleanup();
  }
}

void main();
