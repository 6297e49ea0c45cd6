/**
 * The plans every program test runs over: the hand-written reference plan for dev, staging and
 * prod, and — once the analyzer, the planner and the fixtures exist — the real plan of every
 * fixture × environment. Loaded once per test process.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DeploymentPlanSchema, type DeploymentPlan } from '../../../../src/model/plan';
import { ENVS, referencePlan } from './reference-plan';

export interface TestPlan {
  /** `reference/dev`, `fixture:<case>/prod`, … */
  label: string;
  plan: DeploymentPlan;
}

const ROOT = path.resolve(__dirname, '../../../..');

/** The reference plans: one per environment. */
export function referencePlans(): TestPlan[] {
  return ENVS.map((env) => ({ label: `reference/${env}`, plan: referencePlan(env) }));
}

export interface FixturePlans {
  plans: TestPlan[];
  /** Why no fixture plans were produced, when none were. */
  skipped?: string;
}

let fixtureCache: Promise<FixturePlans> | undefined;

/**
 * Real plans of every `test/fixtures/<case>` × dev/staging/prod, produced by the real analyzer
 * and planner with the environments of `stacks/`. While those stages are not there yet, the
 * result says why instead.
 */
export function fixturePlans(): Promise<FixturePlans> {
  fixtureCache ??= loadFixturePlans();
  return fixtureCache;
}

async function loadFixturePlans(): Promise<FixturePlans> {
  const need = ['src/plan/index.ts', 'src/analyze/index.ts', 'src/plan/environment.ts'];
  const missing = need.filter((f) => !fs.existsSync(path.join(ROOT, f)));
  if (missing.length) return { plans: [], skipped: `not written yet: ${missing.join(', ')}` };
  const fixturesDir = path.join(ROOT, 'test/fixtures');
  const cases = fs.existsSync(fixturesDir)
    ? fs
        .readdirSync(fixturesDir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];
  if (!cases.length) return { plans: [], skipped: 'no fixtures in test/fixtures' };
  // Loaded by path so that this file compiles while the other stages are being written.
  const planMod = (await import(path.join(ROOT, 'src/plan/index'))) as Record<string, unknown>;
  const analyzeMod = (await import(path.join(ROOT, 'src/analyze/index'))) as Record<
    string,
    unknown
  >;
  const envMod = (await import(path.join(ROOT, 'src/plan/environment'))) as Record<string, unknown>;
  const planDeployment = planMod.planDeployment as
    ((model: unknown, env: unknown) => unknown) | undefined;
  const analyzeRepository = analyzeMod.analyzeRepository as ((dir: string) => unknown) | undefined;
  const loadEnvironment = envMod.loadEnvironment as
    ((dir: string, env: string) => unknown) | undefined;
  if (!planDeployment || !analyzeRepository || !loadEnvironment) {
    return {
      plans: [],
      skipped: 'planDeployment, analyzeRepository or loadEnvironment not exported yet',
    };
  }
  const plans: TestPlan[] = [];
  for (const c of cases) {
    const model = await analyzeRepository(path.join(fixturesDir, c));
    for (const env of ENVS) {
      const environment = await loadEnvironment(path.join(ROOT, 'stacks'), env);
      const plan = DeploymentPlanSchema.parse(await planDeployment(model, environment));
      plans.push({ label: `fixture:${c}/${env}`, plan });
    }
  }
  return { plans };
}

/** Reference plans and, when available, fixture plans. */
export async function allPlans(): Promise<{ plans: TestPlan[]; skipped?: string }> {
  const fixtures = await fixturePlans();
  return {
    plans: [...referencePlans(), ...fixtures.plans],
    ...(fixtures.skipped ? { skipped: fixtures.skipped } : {}),
  };
}
