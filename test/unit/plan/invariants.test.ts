import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import type { AppModel } from '../../../src/model/app';
import {
  loadEnvironment,
  planDeployment,
  renderReport,
  resolveEnvironment,
} from '../../../src/plan';
import { appModelArb, envConfigArb } from './support/arbitrary';
import { checkInvariants } from './support/invariants';
import { postgresApp, referenceApp } from './support/reference-app';

const SENTINEL = 'SENTINEL-secret-value-7f3a';

/** The app with a secret value planted where a careless analyzer or stack might put one. */
function withPlantedSecrets(app: AppModel): {
  app: AppModel;
  overrides: Record<string, { env: Record<string, string> }>;
} {
  const copy = structuredClone(app);
  const overrides: Record<string, { env: Record<string, string> }> = {};
  for (const c of copy.components)
    for (const v of c.env)
      if (v.classification === 'secret') {
        v.defaultValue = `postgres://user:${SENTINEL}@host/db`;
        (overrides[c.name] ??= { env: {} }).env[v.name] = SENTINEL;
      }
  return { app: copy, overrides };
}

describe('plan invariants', () => {
  for (const [name, make] of [
    ['reference app', referenceApp],
    ['reference app with in-cluster Postgres', postgresApp],
  ] as const)
    for (const envName of ['dev', 'staging', 'prod']) {
      it(`hold for the ${name} in ${envName} (repository stack)`, async () => {
        const { app, overrides } = withPlantedSecrets(make());
        const stack = await loadEnvironment(`${__dirname}/../../../stacks`, envName);
        const env = { ...stack, components: overrides };
        const plan = await planDeployment(app, env);
        checkInvariants(app, plan, renderReport(plan), [SENTINEL]);
        const again = await planDeployment(app, env);
        assert.equal(JSON.stringify(again), JSON.stringify(plan));
        assert.equal(renderReport(again), renderReport(plan));
      });
    }

  it('hold for random small apps in random environments', async () => {
    await fc.assert(
      fc.asyncProperty(
        appModelArb,
        envConfigArb,
        fc.option(fc.nat()),
        async (model, { name, config }, off) => {
          const { app, overrides } = withPlantedSecrets(model);
          // Sometimes one component is disabled in the environment.
          const disabled =
            off === null ? undefined : app.components[off % app.components.length]!.name;
          const components: Record<string, { env?: Record<string, string>; disabled?: boolean }> = {
            ...overrides,
          };
          if (disabled) components[disabled] = { ...components[disabled], disabled: true };
          const env = resolveEnvironment(name, { ...config, components });
          const plan = await planDeployment(app, env);
          checkInvariants(app, plan, renderReport(plan), [SENTINEL]);
          assert.equal((await planDeployment(app, env)).hash, plan.hash);
        },
      ),
      { numRuns: 60, seed: 20241125 },
    );
  });
});
