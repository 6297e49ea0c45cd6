/**
 * The plans every program test runs over: the hand-written reference plan for dev, staging and
 * prod, the real planner's plans of its reference AppModel, and the real plan of every
 * fixture × environment. Loaded once per test process. A fixture that cannot be planned fails
 * the suite; the tests compare the labels they got with {@link expectedPlanLabels}.
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
  /** Why no planner plans were produced, when none were (fixture plans never skip: they throw). */
  skipped?: string;
}

let fixtureCache: Promise<FixturePlans> | undefined;

/**
 * The directories of `test/fixtures` that are not fixtures of a deployable app. `broken/` holds
 * one malformed repository per case, each meant to fail analysis; test/unit/analyze/broken.test.ts
 * owns them. Excluded by name: any other fixture must analyze and plan, or the suite fails.
 */
export const NOT_PLANNED_FIXTURES: readonly string[] = ['broken'];

/**
 * The fixtures expected to be planned, written out rather than read from the directory: a fixture
 * that disappears, or a new one nobody listed, makes the program tests fail instead of silently
 * testing fewer (or other) plans.
 */
export const PLANNED_FIXTURES: readonly string[] = [
  'compose-microservices',
  'django-celery',
  'fullstack',
  'nextjs-chatbot',
  'published-images',
  'scratch-image',
];

/** The label of every plan {@link allPlans} must return, sorted. */
export function expectedPlanLabels(): string[] {
  return [
    ...ENVS.map((env) => `reference/${env}`),
    ...ENVS.map((env) => `planner:reference-app/${env}`),
    ...PLANNED_FIXTURES.flatMap((c) => ENVS.map((env) => `fixture:${c}/${env}`)),
  ].sort();
}

/**
 * Real plans of every `test/fixtures/<case>` × dev/staging/prod, produced by the real analyzer
 * and planner with the environments of `stacks/`. A fixture that fails to analyze or plan
 * rejects with every such fixture/environment and its error: the program tests then fail in
 * their `before` hook, naming it, rather than run on the plans that happened to work.
 */
export function fixturePlans(): Promise<FixturePlans> {
  fixtureCache ??= loadFixturePlans();
  return fixtureCache;
}

async function loadFixturePlans(): Promise<FixturePlans> {
  const fixturesDir = path.join(ROOT, 'test/fixtures');
  const cases = fs
    .readdirSync(fixturesDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !NOT_PLANNED_FIXTURES.includes(d.name))
    .map((d) => d.name)
    .sort();
  const planMod = load(path.join(ROOT, 'src/plan/index')) as Record<string, unknown>;
  const analyzeMod = load(path.join(ROOT, 'src/analyze/index')) as Record<string, unknown>;
  const envMod = load(path.join(ROOT, 'src/plan/environment')) as Record<string, unknown>;
  const planDeployment = planMod.planDeployment as
    ((model: unknown, env: unknown) => unknown) | undefined;
  const analyzeRepository = analyzeMod.analyzeRepository as ((dir: string) => unknown) | undefined;
  const loadEnvironment = envMod.loadEnvironment as
    ((dir: string, env: string) => unknown) | undefined;
  if (!planDeployment || !analyzeRepository || !loadEnvironment) {
    throw new Error(
      'fixture plans: planDeployment, analyzeRepository or loadEnvironment is not exported',
    );
  }
  const plans: TestPlan[] = [];
  const failed: string[] = [];
  for (const c of cases) {
    for (const env of ENVS) {
      try {
        const model = await analyzeRepository(path.join(fixturesDir, c));
        const environment = await loadEnvironment(path.join(ROOT, 'stacks'), env);
        const plan = DeploymentPlanSchema.parse(await planDeployment(model, environment));
        plans.push({ label: `fixture:${c}/${env}`, plan });
      } catch (err) {
        failed.push(`  test/fixtures/${c} (${env}): ${(err as Error).message.split('\n')[0]}`);
      }
    }
  }
  if (failed.length) {
    throw new Error(
      `fixtures that failed to analyze or plan (a fixture meant to fail belongs under test/fixtures/broken/):\n${failed.join('\n')}`,
    );
  }
  return { plans };
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
