/**
 * `render`: the Kubernetes YAML of a plan, produced by running the same program through the
 * real engine on a throwaway stack whose provider renders to a directory. The output appears
 * whole or not at all: it is rendered into a temporary directory and renamed into place.
 */
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Environment } from '../model/environment';
import { EngineError } from '../model/errors';
import type { DeploymentPlan } from '../model/plan';
import { Engine } from './engine';
import type { MissingSecretPolicy } from './secrets';
import type { Toolchain } from './toolchain';

/** Options of {@link renderManifests}. */
export interface RenderOptions {
  /** Secrets without a value: placeholders (default) or an error. */
  missingSecrets?: MissingSecretPolicy;
  toolchain?: Toolchain;
  env?: NodeJS.ProcessEnv;
}

/**
 * Renders `plan` to `outDir` (`1-manifest/*.yaml`, `0-crd/` for CRDs). Replaces `outDir` only
 * when rendering succeeded. Returns the absolute output directory.
 */
export async function renderManifests(
  plan: DeploymentPlan,
  env: Environment,
  outDir: string,
  options: RenderOptions = {},
): Promise<string> {
  const target = resolve(outDir);
  mkdirSync(dirname(target), { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'stackpilot-render-'));
  const staging = mkdtempSync(join(dirname(target), '.render-'));
  try {
    const engine = new Engine({
      stateDir: join(scratch, 'state'),
      passphrase: 'generate-if-missing',
      env: { ...(options.env ?? process.env), PULUMI_CONFIG_PASSPHRASE: '' },
      ...(options.toolchain ? { toolchain: options.toolchain } : {}),
    });
    // A Helm release cannot be rendered; the manifests are the same objects the chart holds.
    const renderEnv: Environment = {
      ...env,
      delivery: 'manifests',
      target: { kind: 'render', directory: staging },
    };
    const result = await engine.up(
      plan,
      { ...renderEnv, autoRollback: false },
      { missingSecrets: options.missingSecrets ?? 'placeholder' },
    );
    if (result.status !== 'succeeded')
      throw new EngineError(`rendering failed: ${result.error ?? 'unknown error'}`);
    if (existsSync(target)) rmSync(target, { recursive: true });
    renameSync(staging, target);
    return target;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    rmSync(staging, { recursive: true, force: true });
  }
}
