import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import type { AppModel } from '../../../src/model/app';
import { DeploymentPlanSchema } from '../../../src/model/plan';
import { renderReport } from '../../../src/plan';
import { changedPaths } from '../../../src/plan/diff';
import {
  ENVIRONMENTS,
  fixtureCanaries,
  fixtureModel,
  fixturePlan,
  goldenCases,
  goldenFile,
} from './support/golden';
import { checkInvariants } from './support/invariants';

describe('plan golden files (fixtures × environments)', () => {
  const cases = goldenCases();

  it('has a golden plan for every fixture and environment', () => {
    assert.ok(cases.length > 0, 'fixtures exist');
    const missing = cases
      .flatMap((c) => ENVIRONMENTS.map((e) => goldenFile(c, e)))
      .filter((f) => !existsSync(f));
    assert.deepEqual(missing, [], 'run npx tsx scripts/regenerate-golden.ts');
  });

  for (const name of cases) {
    describe(name, () => {
      let model: AppModel;
      const canaries = fixtureCanaries(name);
      before(async () => {
        model = await fixtureModel(name);
      });
      it('finds the secret values planted in the fixture, to look for them in plans', () => {
        assert.ok(canaries.length > 0);
      });
      for (const env of ENVIRONMENTS) {
        it(`plans ${env} as the golden file says, and keeps every invariant`, async function () {
          const file = goldenFile(name, env);
          if (!existsSync(file)) this.skip();
          const plan = await fixturePlan(model, env);
          const golden = DeploymentPlanSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
          const paths = changedPaths(golden, plan);
          assert.deepEqual(
            paths,
            [],
            `plan differs from ${file} at: ${paths.slice(0, 20).join(', ')} (review, then regenerate)`,
          );
          checkInvariants(model, plan, renderReport(plan), canaries);
        });
      }
    });
  }
});
