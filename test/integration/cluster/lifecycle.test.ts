/**
 * The reference app's whole life on the real control plane through the real engine: up until
 * every workload is ready (the migration Job complete before what needs it is created), a
 * second up that changes nothing, a rolling update of the same Deployment, rollback, a release
 * whose pods fail (with and without automatic rollback), drift found field by field and put
 * back by up, and destroy down to the namespace.
 */
import { strict as assert } from 'node:assert';
import type { Environment } from '../../../src/model/environment';
import type { OperationEvent } from '../../../src/model/operations';
import type { DeploymentPlan } from '../../../src/model/plan';
import { failingImage, startCluster, type TestCluster } from '../../support/cluster';
import { tempEngine } from '../support/engine';
import {
  clusterEnvironment,
  FIXTURE_SECRETS,
  fixturePlan,
  liveWorkloads,
  unreadyWorkloads,
} from './support';

const NS = 'life-dev';

/** `env` with one component's image pinned to `image`: a new release of its pods. */
function withImage(env: Environment, component: string, image: string): Environment {
  const over = { ...env.components[component], image };
  return { ...env, components: { ...env.components, [component]: over } };
}

function imageOf(w: Awaited<ReturnType<typeof liveWorkloads>>, name: string): string | undefined {
  return w.get(name)?.spec.template.spec.containers[0]?.image;
}

function plannedImage(plan: DeploymentPlan, component: string): string | undefined {
  return plan.images.find((i) => i.component === component)?.image;
}

function revision(w: Awaited<ReturnType<typeof liveWorkloads>>, name: string): number {
  return Number(w.get(name)?.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
}

describe('cluster lifecycle of the reference app (real control plane, real engine)', function () {
  this.timeout(600_000);
  let cluster: TestCluster;
  let t: ReturnType<typeof tempEngine>;
  let env: Environment;
  let first: DeploymentPlan;

  before(async () => {
    cluster = await startCluster();
    await cluster.situation({ storage: 'default', ingress: 'controller' });
    t = tempEngine({ env: FIXTURE_SECRETS });
    env = await clusterEnvironment(cluster, 'dev', NS);
    first = await fixturePlan('fullstack', env);
  });
  after(async () => {
    t?.cleanup();
    await cluster?.stop();
  });

  it('comes up with every workload ready, the migration Job complete before its dependents exist', async () => {
    const events: OperationEvent[] = [];
    const result = await t.engine.up(first, env, { onEvent: (e) => events.push(e) });
    assert.equal(result.status, 'succeeded', result.error);
    assert.equal(result.version, 1, 'the first update of the stack');
    assert.deepEqual(await unreadyWorkloads(cluster, NS), []);
    const workloads = await liveWorkloads(cluster, NS);
    assert.deepEqual(
      [...workloads.keys()].sort(),
      first.nodes
        .filter((n) => n.kind === 'workload')
        .map((n) => n.name)
        .sort(),
    );

    const job = await cluster.api.get<{ status: { completionTime?: string } }>(
      `/apis/batch/v1/namespaces/${NS}/jobs/api-migrate`,
    );
    assert.ok(job.status.completionTime, 'the migration Job completed');
    const needers = first.nodes.filter((n) => n.dependsOn.includes('job/api-migrate'));
    assert.ok(needers.length >= 2);
    for (const n of needers) {
      const live = await cluster.api.get<{ metadata: { creationTimestamp: string } }>(
        `/apis/apps/v1/namespaces/${NS}/deployments/${n.name}`,
      );
      assert.ok(
        Date.parse(live.metadata.creationTimestamp) >= Date.parse(job.status.completionTime),
        `${n.id} was created after the Job completed`,
      );
    }
    assert.ok(
      events.some((e) => e.kind === 'progress' && e.name),
      'per-resource progress was streamed while waiting',
    );
  });

  it('changes nothing on a second up with the same plan', async () => {
    const result = await t.engine.up(first, env);
    assert.equal(result.status, 'succeeded');
    assert.equal(result.version, 2);
    assert.deepEqual(Object.keys(result.changes), ['same'], JSON.stringify(result.changes));
  });

  it('rolls a changed plan out as an update of the same Deployment, in a new ReplicaSet revision', async () => {
    const before = await liveWorkloads(cluster, NS);
    const changed = withImage(env, 'api', 'example.org/fullstack/api:2.0.0');
    const plan = await fixturePlan('fullstack', changed);
    const result = await t.engine.up(plan, changed);
    assert.equal(result.status, 'succeeded', result.error);
    const api = result.steps.find((s) => s.name === 'workload-api');
    assert.equal(api?.op, 'update');
    assert.deepEqual(
      result.steps.filter((s) => s.op === 'replace' && /Deployment|StatefulSet/.test(s.type)),
      [],
      'no workload is replaced',
    );
    const after = await liveWorkloads(cluster, NS);
    assert.equal(after.get('api')?.metadata.uid, before.get('api')?.metadata.uid);
    assert.equal(revision(after, 'api'), revision(before, 'api') + 1);
    assert.equal(imageOf(after, 'api'), 'example.org/fullstack/api:2.0.0');
    assert.deepEqual(await unreadyWorkloads(cluster, NS), []);
  });

  it('rolls back to the previous release, its pod template back and ready', async () => {
    const result = await t.engine.rollback(first.app, env);
    assert.equal(result.status, 'succeeded', result.error);
    assert.equal(result.planHash, first.hash);
    const live = await liveWorkloads(cluster, NS);
    assert.equal(imageOf(live, 'api'), plannedImage(first, 'api'));
    assert.deepEqual(await unreadyWorkloads(cluster, NS), []);
  });

  it('fails a release whose pods crash within the bound, naming the Deployment and the cause', async () => {
    const failing = withImage(
      { ...env, cluster: { ...env.cluster, readinessTimeoutSeconds: 15 } },
      'chat',
      failingImage('exit'),
    );
    const started = Date.now();
    const result = await t.engine.up(await fixturePlan('fullstack', failing), failing);
    assert.equal(result.status, 'failed');
    assert.ok(Date.now() - started < 120_000, 'bounded by the readiness setting');
    const cause = (result.causes ?? []).find((c) => c.startsWith(`Deployment ${NS}/chat:`));
    assert.match(
      cause ?? '',
      /container chat: CrashLoopBackOff.*last exit code 1 \(Error\)/,
      result.error,
    );
    assert.match(result.error ?? '', /CrashLoopBackOff/);
  });

  it('with autoRollback, restores the last good release and leaves the stack usable', async () => {
    const failing = withImage(
      { ...env, autoRollback: true, cluster: { ...env.cluster, readinessTimeoutSeconds: 15 } },
      'chat',
      failingImage('image-pull'),
    );
    const result = await t.engine.up(await fixturePlan('fullstack', failing), failing);
    assert.equal(result.status, 'rolled-back', result.error);
    assert.equal(result.rollback?.status, 'succeeded');
    assert.match((result.causes ?? []).join('\n'), /ImagePullBackOff/, result.error);
    const live = await liveWorkloads(cluster, NS);
    assert.equal(imageOf(live, 'chat'), plannedImage(first, 'chat'));
    assert.deepEqual(await unreadyWorkloads(cluster, NS), []);
    const again = await t.engine.up(first, env);
    assert.equal(again.status, 'succeeded', again.error);
  });

  it('reports out-of-band changes field by field, and up puts the plan back', async () => {
    assert.equal((await t.engine.drift(first.app, env)).drifted, false);
    await cluster.api.mergePatch(`/apis/apps/v1/namespaces/${NS}/deployments/web`, {
      spec: { replicas: 3 },
    });
    const web = (await liveWorkloads(cluster, NS)).get('web');
    const container = web?.spec.template.spec.containers[0];
    await cluster.api.call(
      'PATCH',
      `/apis/apps/v1/namespaces/${NS}/deployments/web`,
      [
        {
          op: 'replace',
          path: '/spec/template/spec/containers/0/image',
          value: 'example.org/hotfix:1',
        },
      ],
      'application/json-patch+json',
    );
    const drift = await t.engine.drift(first.app, env);
    assert.equal(drift.drifted, true);
    const fields = drift.resources.find((r) => r.name === 'workload-web')?.fields ?? [];
    assert.deepEqual(
      fields.filter((f) => f.path === 'spec.replicas' || f.path.endsWith('containers[0].image')),
      [
        { path: 'spec.replicas', deployed: '1', live: '3' },
        {
          path: 'spec.template.spec.containers[0].image',
          deployed: container?.image ?? '',
          live: 'example.org/hotfix:1',
        },
      ].sort((a, b) => a.path.localeCompare(b.path)),
    );
    const fixed = await t.engine.up(first, env);
    assert.equal(fixed.status, 'succeeded', fixed.error);
    const back = (await liveWorkloads(cluster, NS)).get('web');
    assert.equal(back?.spec.replicas, 1);
    assert.equal(back?.spec.template.spec.containers[0]?.image, container?.image);
  });

  it('destroys everything it created, the namespace included', async () => {
    await t.engine.destroy(first.app, env);
    const ns = await cluster.api.call('GET', `/api/v1/namespaces/${NS}`);
    assert.equal(ns.status, 404, 'the namespace is gone, no finalizer stuck');
  });
});
