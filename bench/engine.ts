/**
 * Engine figures: preview and up of the reference app through stackpilot's engine layer, and
 * the same for the ejected program run by the plain `pulumi` CLI, so that the engine layer's
 * overhead shows as a ratio measured in one run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalWorkspace, PulumiCommand } from '@pulumi/pulumi/automation';
import { findToolchain, requiredSecretKeys } from '../src/engine';
import { cliRoot, engineEnv } from '../src/engine/toolchain';
import type { Environment } from '../src/model/environment';
import type { DeploymentPlan } from '../src/model/plan';
import { createProgram, ejectProject, writeEjectedProject } from '../src/program';
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
  if (run.status !== 0) {
    const output = `${run.stderr}\n${run.stdout}`.split('\n');
    throw new Error(
      `pulumi ${args[0]}: ${(output.find((l) => /error/i.test(l)) ?? output[0] ?? '').trim()}`,
    );
  }
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function bareAutomation(
  plan: DeploymentPlan,
  env: Environment,
): Promise<{ preview: number; up: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'stackpilot-bare-bench-'));
  try {
    const toolchain = findToolchain();
    const program = createProgram(plan, {
      target: { kind: 'render' },
      renderDirectory: join(dir, 'rendered'),
    });
    const stack = await LocalWorkspace.createOrSelectStack(
      { projectName: plan.app, stackName: env.name, program },
      {
        workDir: dir,
        pulumiCommand: await PulumiCommand.get({ root: cliRoot(toolchain) }),
        envVars: engineEnv(toolchain, {
          PULUMI_BACKEND_URL: `file://${dir}`,
          PULUMI_CONFIG_PASSPHRASE: 'bench',
        }),
        projectSettings: { name: plan.app, runtime: 'nodejs' },
        secretsProvider: 'passphrase',
      },
    );
    for (const key of requiredSecretKeys(plan))
      await stack.setConfig(key, { value: 'bench-value', secret: true });
    const [, preview] = await timed(() => stack.preview());
    const [, up] = await timed(() => stack.up());
    return { preview, up };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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

    // The same program through the bare Automation API: what the engine layer adds on top.
    const bare = await bareAutomation(plan, env);
    console.log('same program, bare Automation API (no archive, secrets sync, history):');
    console.log(`  preview (all creates) ${bare.preview.toFixed(0)} ms`);
    console.log(`  up                    ${bare.up.toFixed(0)} ms`);
    console.log(
      `ratio engine/bare: preview ${(preview / bare.preview).toFixed(2)}, up ${(up / bare.up).toFixed(2)}`,
    );

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
      for (const key of requiredSecretKeys(plan))
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
