/**
 * Regenerates test/golden/<case>/<env>.plan.json from the fixtures and stacks/:
 * `npx tsx scripts/regenerate-golden.ts` (or `npm run golden`). Prints which files changed
 * and how, so that the diff can be reviewed before it is committed.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { DeploymentPlanSchema } from '../src/model/plan';
import { diffPlans, formatPlanDiff } from '../src/plan';
import {
  ENVIRONMENTS,
  fixtureModel,
  fixturePlan,
  goldenCases,
  goldenFile,
  goldenText,
  ROOT,
} from '../test/unit/plan/support/golden';

async function main(): Promise<void> {
  const cases = goldenCases();
  if (!cases.length) throw new Error('no fixtures under test/fixtures');
  let changed = 0;
  for (const name of cases) {
    const model = await fixtureModel(name);
    for (const env of ENVIRONMENTS) {
      const plan = await fixturePlan(model, env);
      const file = goldenFile(name, env);
      const text = goldenText(plan);
      const old = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
      const rel = relative(ROOT, file);
      if (old === text) {
        console.log(`unchanged ${rel}`);
        continue;
      }
      changed++;
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      if (old === undefined) console.log(`created   ${rel}`);
      else {
        console.log(`updated   ${rel}`);
        const before = DeploymentPlanSchema.parse(JSON.parse(old));
        process.stdout.write(formatPlanDiff(diffPlans(before, plan)).replace(/^/gm, '    '));
      }
    }
  }
  console.log(`${changed} golden file(s) written; review them with git diff test/golden`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
