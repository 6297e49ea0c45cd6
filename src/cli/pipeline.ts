/**
 * The steps most commands share: a repository directory and an environment name become an
 * AppModel, an Environment and a DeploymentPlan, and plans are written to disk atomically.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeRepository } from '../analyze';
import type { AppModel } from '../model/app';
import { canonicalJson } from '../model/canonical';
import type { Environment } from '../model/environment';
import { InputError } from '../model/errors';
import { DeploymentPlanSchema, type DeploymentPlan } from '../model/plan';
import { loadEnvironment, planDeployment, renderReport } from '../plan';
import { writeFileAtomic } from '../engine/write-file-atomic';
import type { CliContext } from './context';

/** An analyzed and planned repository. */
export interface Planned {
  app: AppModel;
  env: Environment;
  plan: DeploymentPlan;
}

/**
 * Analyzes `dir` and plans it for `envName`, with the user skills of the skills file and, when
 * `deployed` is set, the plan the stack runs now (blue-green releases onto the other colour).
 */
export async function planRepository(
  ctx: CliContext,
  dir: string,
  envName: string,
  { deployed = false }: { deployed?: boolean } = {},
): Promise<Planned> {
  const env = await loadEnvironment(ctx.stacksDir, envName);
  const app = await analyzeRepository(dir);
  const previous = deployed ? await ctx.engine().deployedPlan(app.name, env.name) : undefined;
  return { app, env, plan: await planWithSkills(ctx, app, env, previous) };
}

/**
 * Analyzes `dir` once and plans it for each of `envNames`, in that order, with the same user
 * skills as {@link planRepository}. Every environment is loaded before the analysis, so an
 * unknown or invalid one fails before any work is done.
 */
export async function planEnvironments(
  ctx: CliContext,
  dir: string,
  envNames: readonly string[],
): Promise<Planned[]> {
  const envs: Environment[] = [];
  for (const name of envNames) envs.push(await loadEnvironment(ctx.stacksDir, name));
  const app = await analyzeRepository(dir);
  const planned: Planned[] = [];
  for (const env of envs) planned.push({ app, env, plan: await planWithSkills(ctx, app, env) });
  return planned;
}

async function planWithSkills(
  ctx: CliContext,
  app: AppModel,
  env: Environment,
  previous?: DeploymentPlan,
): Promise<DeploymentPlan> {
  return planDeployment(app, env, { ...ctx.skills(), ...(previous ? { previous } : {}) });
}

/** The project (app) name: a repository directory is analyzed for it, anything else is taken as the name. */
export async function projectName(target: string): Promise<string> {
  if (existsSync(target) && statSync(target).isDirectory())
    return (await analyzeRepository(target)).name;
  return target;
}

/** Where a plan's files go by default: `<state>/out/<app>/<env>/`. */
export function defaultPlanDir(ctx: CliContext, plan: DeploymentPlan): string {
  return join(ctx.stateDir, 'out', plan.app, plan.environment);
}

/** Writes `plan.json` and `report.md` into `dir`, each via a temporary file and a rename. */
export function writePlanFiles(
  plan: DeploymentPlan,
  dir: string,
): { planFile: string; reportFile: string } {
  const planFile = join(dir, 'plan.json');
  const reportFile = join(dir, 'report.md');
  writeFileAtomic(planFile, `${canonicalJson(plan, 2)}\n`);
  writeFileAtomic(reportFile, renderReport(plan));
  return { planFile, reportFile };
}

/** Reads and validates a plan JSON file, naming the file in every issue. */
export function readPlanFile(file: string): DeploymentPlan {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError(`cannot read plan ${file}`, [{ file, message: (err as Error).message }]);
  }
  const parsed = DeploymentPlanSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InputError(
      `${file} is not a valid plan`,
      parsed.error.issues.map((i) => ({ file, field: i.path.join('.'), message: i.message })),
    );
  }
  return parsed.data;
}
