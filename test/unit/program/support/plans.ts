/**
 * The plans every program test runs over: the hand-written reference plan for dev, staging and
 * prod, and — once the analyzer, the planner and the fixtures exist — the real plan of every
 * fixture × environment. Loaded once per test process.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { DeploymentPlanSchema, type DeploymentPlan } from '../../../../src/model/plan';
import { ENVS, referencePlan } from './reference-plan';

export interface TestPlan {
  /** `reference/dev`, `fixture:<case>/prod`, … */
  label: string;
  plan: DeploymentPlan;
}

const ROOT = path.resolve(__dirname, '../../../..');
/** Other stages are loaded by path (through the test runner's TypeScript hook), so this file
 * compiles while they are being written. */
const load = createRequire(__filename);

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
  const planMod = load(path.join(ROOT, 'src/plan/index')) as Record<string, unknown>;
  const analyzeMod = load(path.join(ROOT, 'src/analyze/index')) as Record<string, unknown>;
  const envMod = load(path.join(ROOT, 'src/plan/environment')) as Record<string, unknown>;
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
  // A fixture the analyzer or planner cannot turn into a plan is their tests' concern: it is
  // left out here with its reason, and the program is tested on every plan that exists.
  const failed: string[] = [];
  for (const c of cases) {
    for (const env of ENVS) {
      try {
        const model = await analyzeRepository(path.join(fixturesDir, c));
        const environment = await loadEnvironment(path.join(ROOT, 'stacks'), env);
        const plan = DeploymentPlanSchema.parse(await planDeployment(model, environment));
        plans.push({ label: `fixture:${c}/${env}`, plan });
      } catch (err) {
        failed.push(`${c}/${env} (${(err as Error).message.split('\n')[0]})`);
      }
    }
  }
  return { plans, ...(failed.length ? { skipped: `no plan for ${failed.join(', ')}` } : {}) };
}

let plannerCache: Promise<FixturePlans> | undefined;

/**
 * The real planner's plans of its own hand-built reference AppModel
 * (`test/unit/plan/support/reference-app.ts`) for dev/staging/prod: real planner output before
 * the analyzer and the fixtures exist.
 */
export function plannerPlans(): Promise<FixturePlans> {
  plannerCache ??= loadPlannerPlans();
  return plannerCache;
}

async function loadPlannerPlans(): Promise<FixturePlans> {
  const need = ['src/plan/index.ts', 'test/unit/plan/support/reference-app.ts'];
  const missing = need.filter((f) => !fs.existsSync(path.join(ROOT, f)));
  if (missing.length) return { plans: [], skipped: `not there: ${missing.join(', ')}` };
  const planMod = load(path.join(ROOT, 'src/plan/index')) as Record<string, unknown>;
  const appMod = load(path.join(ROOT, 'test/unit/plan/support/reference-app')) as Record<
    string,
    unknown
  >;
  const planDeployment = planMod.planDeployment as
    ((model: unknown, env: unknown) => unknown) | undefined;
  const loadEnvironment = planMod.loadEnvironment as
    ((dir: string, env: string) => unknown) | undefined;
  const referenceApp = appMod.referenceApp as (() => unknown) | undefined;
  if (!planDeployment || !loadEnvironment || !referenceApp) {
    return { plans: [], skipped: 'planDeployment, loadEnvironment or referenceApp not exported' };
  }
  const plans: TestPlan[] = [];
  for (const env of ENVS) {
    const environment = await loadEnvironment(path.join(ROOT, 'stacks'), env);
    const plan = DeploymentPlanSchema.parse(await planDeployment(referenceApp(), environment));
    plans.push({ label: `planner:reference-app/${env}`, plan });
  }
  return { plans };
}

/** Reference plans and, when available, the real planner's plans and the fixture plans. */
export async function allPlans(): Promise<{ plans: TestPlan[]; skipped?: string }> {
  const [planner, fixtures] = [await plannerPlans(), await fixturePlans()];
  const skipped = [
    planner.skipped && `planner plans: ${planner.skipped}`,
    fixtures.skipped && `fixture plans: ${fixtures.skipped}`,
  ]
    .filter(Boolean)
    .join('; ');
  return {
    plans: [...referencePlans(), ...planner.plans, ...fixtures.plans],
    ...(skipped ? { skipped } : {}),
  };
}
