/**
 * Blue-green on a live Service: the first release runs on blue; the next goes to green, and
 * the Service's selector moves to green only once green is ready; switching back is one
 * update. The prod environment as the repo's stack file has it (ServiceMonitors included, the
 * cluster serving their CRD).
 */
import { strict as assert } from 'node:assert';
import type { Environment } from '../../../src/model/environment';
import type { OperationEvent } from '../../../src/model/operations';
import type { DeploymentPlan } from '../../../src/model/plan';
import { planDeployment } from '../../../src/plan';
import { startCluster, type TestCluster } from '../../support/cluster';
import { tempEngine } from '../support/engine';
import { clusterEnvironment, FIXTURE_SECRETS, fixtureModel, unreadyWorkloads } from './support';

const NS = 'bg-prod';

async function selectorColor(cluster: TestCluster, service: string): Promise<string | undefined> {
  const svc = await cluster.api.get<{ spec: { selector: Record<string, string> } }>(
    `/api/v1/namespaces/${NS}/services/${service}`,
  );
  return svc.spec.selector['stackpilot.dev/color'];
}

describe('blue-green on a live Service (real control plane, real engine)', function () {
  this.timeout(600_000);
  let cluster: TestCluster;
  let t: ReturnType<typeof tempEngine>;
  let env: Environment;
  let blue: DeploymentPlan;

  before(async () => {
    cluster = await startCluster();
    await cluster.situation({ storage: 'default', ingress: 'controller', prometheusCrds: true });
    t = tempEngine({ env: FIXTURE_SECRETS });
    env = await clusterEnvironment(cluster, 'prod', NS);
  });
  after(async () => {
    t?.cleanup();
    await cluster?.stop();
  });

  it('deploys the first release on blue, ServiceMonitors included', async () => {
    blue = await planDeployment(await fixtureModel('fullstack'), env);
    const result = await t.engine.up(blue, env);
    assert.equal(result.status, 'succeeded', result.error);
    assert.equal(await selectorColor(cluster, 'api'), 'blue');
    assert.deepEqual(await unreadyWorkloads(cluster, NS), []);
    const monitors = await cluster.api.list(
      `/apis/monitoring.coreos.com/v1/namespaces/${NS}/servicemonitors`,
    );
    assert.equal(monitors.length, blue.nodes.filter((n) => n.kind === 'service-monitor').length);
  });

  it('releases to green and switches the selector only once green is ready', async () => {
    const next = {
      ...env,
      components: { ...env.components, api: { image: 'example.org/fullstack/api:2.0.0' } },
    };
    const green = await planDeployment(await fixtureModel('fullstack'), next, { previous: blue });
    assert.equal(green.rollout.activeColor, 'green');
    const events: OperationEvent[] = [];
    const result = await t.engine.up(green, next, { onEvent: (e) => events.push(e) });
    assert.equal(result.status, 'succeeded', result.error);
    // The update's own steps: an up on a cluster first reports a refresh step of every resource.
    const at = (kind: OperationEvent['kind'], name: string) =>
      events.findIndex((e) => e.kind === kind && e.name === name && e.op === 'update');
    const greenReady = at('step-done', 'workload-api-green');
    const switched = at('step-start', 'service-api');
    assert.ok(
      greenReady >= 0 && switched > greenReady,
      `the Service changed after green was ready: ${JSON.stringify(
        events.filter(
          (e) => /workload-api-green|service-api/.test(e.name ?? '') && e.kind !== 'progress',
        ),
      )}`,
    );
    assert.equal(await selectorColor(cluster, 'api'), 'green');
    assert.deepEqual(await unreadyWorkloads(cluster, NS), []);

    const back = await t.engine.rollback(blue.app, next);
    assert.equal(back.status, 'succeeded', back.error);
    assert.equal(await selectorColor(cluster, 'api'), 'blue', 'switching back is one update');
    const remade = back.steps.filter(
      (s) => /Deployment|Service$/.test(s.type) && (s.op === 'replace' || s.op === 'create'),
    );
    assert.deepEqual(remade, [], 'no workload or Service is remade: the selector moves back');
  });
});
