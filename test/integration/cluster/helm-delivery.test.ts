/**
 * `stackpilot:delivery: helm` on the real control plane through the real engine: up installs
 * the app's chart as one Helm release beside the Namespace and Secrets Pulumi creates, waits
 * until it is ready, and leaves objects with the plan's names and labels; an unchanged plan
 * changes nothing; a changed plan upgrades the same release in place; rollback puts the
 * previous plan's chart back; drift sees a hand change inside the release, and up puts it back;
 * diagnose explains a failure of the release's objects like any others; destroy uninstalls it
 * down to the namespace.
 *
 * The fixture has no PersistentVolumeClaim on purpose: the Release waits with Helm's own
 * `--wait`, which holds a claim of a WaitForFirstConsumer class that no pod mounts yet (a
 * backup volume before its CronJob first runs) as not ready until the timeout. A plan with such
 * claims needs an Immediate class under helm delivery (the harness's `storage: 'immediate'`).
 */
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Environment } from '../../../src/model/environment';
import type { Diagnosis } from '../../../src/model/diagnosis';
import type { DeploymentPlan } from '../../../src/model/plan';
import { declareResources } from '../../../src/program';
import { failingImage, startCluster, type TestCluster } from '../../support/cluster';
import { tempEngine } from '../support/engine';
import {
  clusterEnvironment,
  FIXTURE_SECRETS,
  fixturePlan,
  liveWorkloads,
  unreadyWorkloads,
} from './support';

const NS = 'helm-dev';
const FIXTURE = 'scratch-image';
const RELEASE_TYPE = 'kubernetes:helm.sh/v3:Release';

interface LiveMeta {
  metadata: {
    name: string;
    uid: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: { selector?: Record<string, string> & { matchLabels?: Record<string, string> } };
}

/** The labels the program declares on a plan node's object, and its selector when it has one. */
function declared(plan: DeploymentPlan, nodeId: string) {
  const decl = declareResources(plan).find((d) => d.nodeId === nodeId)!;
  const args = decl.args as unknown as {
    metadata: { name: string; labels: Record<string, string> };
    spec: { selector?: Record<string, string> & { matchLabels?: Record<string, string> } };
  };
  return { name: args.metadata.name, labels: args.metadata.labels, selector: args.spec.selector };
}

function plannedImage(plan: DeploymentPlan): string | undefined {
  return plan.images.find((i) => i.component === 'api')?.image;
}

/** `labels` without Helm's own ownership label, which Helm sets on every object it installs. */
function withoutHelmLabel(labels: Record<string, string> = {}): Record<string, string> {
  const { 'app.kubernetes.io/managed-by': _helm, ...rest } = labels;
  return rest;
}

describe('helm delivery on the real control plane (real engine, real Helm release)', function () {
  this.timeout(600_000);
  let cluster: TestCluster;
  let t: ReturnType<typeof tempEngine>;
  let env: Environment;
  let first: DeploymentPlan;
  let uid: string | undefined;

  before(async () => {
    cluster = await startCluster();
    t = tempEngine({ env: FIXTURE_SECRETS });
    env = await clusterEnvironment(cluster, 'dev', NS, (e) => ({ ...e, delivery: 'helm' }));
    first = await fixturePlan(FIXTURE, env);
    assert.deepEqual(
      first.nodes.filter((n) => n.kind === 'volume'),
      [],
      'the fixture has no volume claim (see above)',
    );
  });
  after(async () => {
    t?.cleanup();
    await cluster?.stop();
  });

  it('comes up ready as one Release beside the Namespace, Secrets and generated passwords', async () => {
    const result = await t.engine.up(first, env);
    assert.equal(result.status, 'succeeded', result.error);
    const types = result.steps.map((s) => s.type);
    assert.equal(types.filter((x) => x === RELEASE_TYPE).length, 1, JSON.stringify(types));
    assert.deepEqual(
      types.filter((x) => /Deployment|Service$|NetworkPolicy|PodDisruptionBudget/.test(x)),
      [],
      'no chart object is a Pulumi resource',
    );
    assert.ok(types.includes('kubernetes:core/v1:Namespace'));
    assert.ok(types.includes('kubernetes:core/v1:Secret'));
    assert.ok(types.includes('random:index/randomPassword:RandomPassword'));
    assert.ok(existsSync(join(t.stateDir, 'charts', first.app, 'dev', 'Chart.yaml')));
    assert.deepEqual(await unreadyWorkloads(cluster, NS), []);
  });

  it('leaves the Deployment and Service with the plan names and labels, installed by the release', async () => {
    for (const [path, nodeId] of [
      [`/apis/apps/v1/namespaces/${NS}/deployments`, 'workload/api'],
      [`/api/v1/namespaces/${NS}/services`, 'service/api'],
    ] as const) {
      const want = declared(first, nodeId);
      const live = await cluster.api.get<LiveMeta>(`${path}/${want.name}`);
      assert.deepEqual(withoutHelmLabel(live.metadata.labels), withoutHelmLabel(want.labels));
      assert.deepEqual(live.spec.selector, want.selector, `${nodeId} selector`);
      assert.equal(live.metadata.annotations?.['meta.helm.sh/release-name'], `${first.app}-dev`);
      assert.equal(live.metadata.annotations?.['meta.helm.sh/release-namespace'], NS);
    }
    const secret = first.nodes.find((n) => n.kind === 'secret')!;
    const live = await cluster.api.get<LiveMeta>(`/api/v1/namespaces/${NS}/secrets/${secret.name}`);
    assert.equal(live.metadata.annotations?.['meta.helm.sh/release-name'], undefined);
    uid = (await liveWorkloads(cluster, NS)).get('api')?.metadata.uid;
  });

  it('changes nothing on a second up with the same plan', async () => {
    const result = await t.engine.up(first, env);
    assert.equal(result.status, 'succeeded', result.error);
    assert.deepEqual(Object.keys(result.changes), ['same'], JSON.stringify(result.changes));
  });

  it('upgrades the same release in place for a changed plan', async () => {
    const two = { ...env, replicas: 2 };
    const plan = await fixturePlan(FIXTURE, two);
    assert.notEqual(plan.hash, first.hash);
    const result = await t.engine.up(plan, two);
    assert.equal(result.status, 'succeeded', result.error);
    const release = result.steps.find((s) => s.type === RELEASE_TYPE);
    assert.equal(release?.op, 'update');
    const api = (await liveWorkloads(cluster, NS)).get('api');
    assert.equal(api?.spec.replicas, 2);
    assert.equal(api?.metadata.uid, uid, 'the same Deployment, not a new one');
    assert.deepEqual(await unreadyWorkloads(cluster, NS), []);
  });

  it('rolls back to the previous plan: the old chart, one replica again', async () => {
    const result = await t.engine.rollback(first.app, env);
    assert.equal(result.status, 'succeeded', result.error);
    assert.equal(result.planHash, first.hash);
    assert.equal(result.steps.find((s) => s.type === RELEASE_TYPE)?.op, 'update');
    const api = (await liveWorkloads(cluster, NS)).get('api');
    assert.equal(api?.spec.replicas, 1);
    assert.equal(api?.metadata.uid, uid);
    assert.deepEqual(await unreadyWorkloads(cluster, NS), []);
  });

  it('finds a hand change inside the release as drift of the object, field by field', async () => {
    assert.deepEqual((await t.engine.drift(first.app, env)).resources, []);
    await cluster.api.mergePatch(`/apis/apps/v1/namespaces/${NS}/deployments/api`, {
      spec: { replicas: 3 },
    });
    const drift = await t.engine.drift(first.app, env);
    assert.equal(drift.drifted, true);
    assert.deepEqual(drift.resources, [
      {
        change: 'changed',
        type: 'kubernetes:apps/v1:Deployment',
        name: 'workload-api',
        fields: [{ path: 'spec.replicas', deployed: '1', live: '3' }],
      },
    ]);
  });

  it('puts the hand change back on up, by upgrading the same chart, and the next up changes nothing', async () => {
    const result = await t.engine.up(first, env);
    assert.equal(result.status, 'succeeded', result.error);
    assert.equal(result.steps.find((s) => s.type === RELEASE_TYPE)?.op, 'update');
    assert.match(result.warnings.join('\n'), /put back .*workload-api \(spec\.replicas\)/);
    const api = (await liveWorkloads(cluster, NS)).get('api');
    assert.equal(api?.spec.replicas, 1);
    assert.equal(api?.metadata.uid, uid);
    assert.deepEqual((await t.engine.drift(first.app, env)).resources, []);
    const again = await t.engine.up(first, env);
    assert.equal(again.status, 'succeeded', again.error);
    assert.deepEqual(Object.keys(again.changes), ['same'], JSON.stringify(again.changes));
  });

  it('diagnoses a failure inside the release against the plan, as under manifest delivery', async () => {
    await cluster.api.call(
      'PATCH',
      `/apis/apps/v1/namespaces/${NS}/deployments/api`,
      [
        {
          op: 'replace',
          path: '/spec/template/spec/containers/0/image',
          value: failingImage('exit'),
        },
      ],
      'application/json-patch+json',
    );
    let findings: Diagnosis['findings'] = [];
    for (let i = 0; i < 60 && !findings.some((f) => f.class === 'crash-loop'); i++) {
      await new Promise((r) => setTimeout(r, 1000));
      findings = (await t.engine.diagnose(first.app, env)).findings;
    }
    const crash = findings.find((f) => f.class === 'crash-loop');
    assert.equal(crash?.object, `Deployment ${NS}/api`, JSON.stringify(findings, null, 2));
    const fixed = await t.engine.up(first, env);
    assert.equal(fixed.status, 'succeeded', fixed.error);
    const api = (await liveWorkloads(cluster, NS)).get('api');
    assert.equal(api?.spec.template.spec.containers[0]?.image, plannedImage(first));
    assert.deepEqual(await unreadyWorkloads(cluster, NS), []);
  });

  it('destroys the release and everything beside it, the namespace included', async () => {
    await t.engine.destroy(first.app, env);
    const ns = await cluster.api.call('GET', `/api/v1/namespaces/${NS}`);
    assert.equal(ns.status, 404, 'the namespace is gone');
  });
});
