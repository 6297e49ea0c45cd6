/**
 * Test set-up for integration tests against the real Pulumi engine: a temporary state
 * directory (file:// backend, render targets inside it) and the reference app's plans.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { analyzeRepository } from '../../../src/analyze';
import { Engine, type EngineOptions } from '../../../src/engine';
import type { AppModel } from '../../../src/model/app';
import type { Environment } from '../../../src/model/environment';
import type { DeploymentPlan } from '../../../src/model/plan';
import { loadEnvironment, planDeployment } from '../../../src/plan';

export const REPO_ROOT = join(__dirname, '..', '..', '..');
export const FULLSTACK = join(REPO_ROOT, 'test', 'fixtures', 'fullstack');
export const STACKS = join(REPO_ROOT, 'stacks');
export const PASSPHRASE = 'integration-test-passphrase';

/** A fresh engine over a temporary state directory. */
export function tempEngine(options: Partial<EngineOptions> = {}): {
  engine: Engine;
  stateDir: string;
  cleanup: () => void;
} {
  const stateDir = mkdtempSync(join(tmpdir(), 'stackpilot-it-'));
  const engine = new Engine({
    stateDir,
    ...options,
    env: { ...process.env, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, ...(options.env ?? {}) },
  });
  return { engine, stateDir, cleanup: () => rmSync(stateDir, { recursive: true, force: true }) };
}

let model: Promise<AppModel> | undefined;
/** The reference app's AppModel, analyzed once per test run. */
export function referenceModel(): Promise<AppModel> {
  model ??= analyzeRepository(FULLSTACK);
  return model;
}

/** The reference app's plan in `envName`, after `tweak` edits the environment. */
export async function referencePlan(
  envName: string,
  tweak: (env: Environment) => Environment = (e) => e,
): Promise<{ plan: DeploymentPlan; env: Environment }> {
  const env = tweak(await loadEnvironment(STACKS, envName));
  return { plan: await planDeployment(await referenceModel(), env), env };
}

/** Every file under `dir` with its bytes, by relative path. */
export function snapshotDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** Copies the fullstack fixture to a temp dir so a test can edit it. */
export function copyFixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stackpilot-app-'));
  cpSync(FULLSTACK, dir, { recursive: true });
  return dir;
}
