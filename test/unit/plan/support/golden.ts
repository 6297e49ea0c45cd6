/**
 * Golden plans: every fixture repository under test/fixtures (except the broken ones),
 * analyzed and planned for each environment of stacks/, stored as
 * test/golden/<case>/<env>.plan.json. Shared by the golden test and
 * scripts/regenerate-golden.ts.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeRepository } from '../../../../src/analyze';
import type { AppModel } from '../../../../src/model/app';
import { canonicalJson } from '../../../../src/model/canonical';
import type { DeploymentPlan } from '../../../../src/model/plan';
import { loadEnvironment, planDeployment } from '../../../../src/plan';

export const ROOT = join(__dirname, '../../../..');
export const FIXTURES = join(ROOT, 'test/fixtures');
export const GOLDEN = join(ROOT, 'test/golden');
export const STACKS = join(ROOT, 'stacks');
export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;

/** Fixture directories that are whole applications (not the collection of broken inputs). */
export function goldenCases(): string[] {
  if (!existsSync(FIXTURES)) return [];
  return readdirSync(FIXTURES, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'broken')
    .map((d) => d.name)
    .sort();
}

export function goldenFile(name: string, env: string): string {
  return join(GOLDEN, name, `${env}.plan.json`);
}

/** The AppModel of a fixture. */
export function fixtureModel(name: string): Promise<AppModel> {
  return analyzeRepository(join(FIXTURES, name));
}

/** The plan of a fixture in one environment of stacks/. */
export async function fixturePlan(model: AppModel, env: string): Promise<DeploymentPlan> {
  return planDeployment(model, await loadEnvironment(STACKS, env));
}

/** The bytes a golden file holds: canonical JSON, two-space indented, with a final newline. */
export function goldenText(plan: DeploymentPlan): string {
  return `${canonicalJson(plan, 2)}\n`;
}

/**
 * The planted secret values of a fixture (`…canary-<hex>` tokens in its .env files,
 * compose files and settings), which must never reach a plan or a report.
 */
export function fixtureCanaries(name: string): string[] {
  const found = new Set<string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== '.git') walk(p);
      } else if (e.isFile() && statSync(p).size < 1_000_000) {
        for (const m of readFileSync(p, 'utf8').matchAll(/[A-Za-z0-9_]*-?canary-[A-Za-z0-9-]+/g))
          found.add(m[0]);
      }
    }
  };
  walk(join(FIXTURES, name));
  return [...found].sort();
}
