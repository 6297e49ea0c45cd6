/**
 * Every fixture app deploys to the test cluster on dev and on prod, and its workloads become
 * ready: real analysis, real plans, the real engine and a real control plane.
 */
import { strict as assert } from 'node:assert';
import { requiredSecretKeys, secretEnvVar } from '../../../src/engine';
import { startCluster, type TestCluster } from '../../support/cluster';
import { tempEngine } from '../support/engine';
import { clusterEnvironment, fixturePlan, unreadyWorkloads } from './support';

const FIXTURES = ['fullstack', 'compose-microservices', 'django-celery', 'nextjs-chatbot'];

describe('every fixture app on the test cluster (real control plane, real engine)', function () {
  this.timeout(900_000);
  let cluster: TestCluster;
  const cleanups: (() => void)[] = [];

  before(async () => {
    cluster = await startCluster();
    await cluster.situation({ storage: 'default', ingress: 'controller', prometheusCrds: true });
  });
  after(async () => {
    cleanups.forEach((c) => c());
    await cluster?.stop();
  });

  for (const fixture of FIXTURES) {
    for (const envName of ['dev', 'prod']) {
      it(`${fixture} on ${envName}: every workload ready`, async () => {
        const ns = `${fixture}-${envName}`.slice(0, 63);
        const env = await clusterEnvironment(cluster, envName, ns);
        const plan = await fixturePlan(fixture, env);
        // A value for every secret the app's code reads, as an operator would set them.
        const secrets = Object.fromEntries(
          requiredSecretKeys(plan).map((k) => [secretEnvVar(k), `value-of-${k}`]),
        );
        const t = tempEngine({ env: secrets });
        cleanups.push(t.cleanup);
        const result = await t.engine.up(plan, env);
        assert.equal(result.status, 'succeeded', result.error);
        assert.deepEqual(await unreadyWorkloads(cluster, ns), []);
        const workloads = plan.nodes.filter((n) => n.kind === 'workload').length;
        assert.ok(workloads > 0);
      });
    }
  }
});
