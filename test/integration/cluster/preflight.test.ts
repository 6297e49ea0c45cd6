/**
 * Preflight against the real control plane: a bare cluster (no StorageClass, no IngressClass,
 * no Prometheus CRDs) is refused within seconds with one line per missing piece, and nothing
 * is applied; once the pieces exist, the same plan passes.
 */
import { strict as assert } from 'node:assert';
import { PreflightError } from '../../../src/model/errors';
import { startCluster, type TestCluster } from '../../support/cluster';
import { tempEngine } from '../support/engine';
import { clusterEnvironment, FIXTURE_SECRETS, fixturePlan } from './support';

describe('cluster preflight (real control plane, real engine)', function () {
  this.timeout(240_000);
  let cluster: TestCluster;
  let t: ReturnType<typeof tempEngine>;
  before(async () => {
    cluster = await startCluster();
    t = tempEngine({ env: FIXTURE_SECRETS });
  });
  after(async () => {
    t?.cleanup();
    await cluster?.stop();
  });

  it('refuses a bare cluster before applying anything, naming storage and the IngressClass', async () => {
    const env = await clusterEnvironment(cluster, 'dev', 'pf-bare');
    const plan = await fixturePlan('fullstack', env);
    const started = Date.now();
    await assert.rejects(t.engine.up(plan, env), (err: unknown) => {
      assert.ok(err instanceof PreflightError, String(err));
      assert.deepEqual(err.failures.map((f) => f.check).sort(), ['ingress-class', 'storage']);
      assert.match(err.message, /need a default StorageClass and the cluster has none/);
      assert.match(
        err.message,
        /IngressClass nginx does not exist.*install an ingress controller/s,
      );
      return true;
    });
    assert.ok(Date.now() - started < 30_000, 'preflight answers in seconds, not after timeouts');
    const ns = await cluster.api.call('GET', '/api/v1/namespaces/pf-bare');
    assert.equal(ns.status, 404, 'nothing was applied');
    await assert.rejects(t.engine.history(plan.app, env.name), /does not exist/);
  });

  it('refuses a missing Prometheus CRD when the environment says refuse, and leaves it out by default', async () => {
    await cluster.situation({ storage: 'default', ingress: 'controller' });
    const strict = await clusterEnvironment(cluster, 'prod', 'pf-prod', (e) => ({
      ...e,
      cluster: { ...e.cluster, missingCrds: 'refuse' },
    }));
    const plan = await fixturePlan('fullstack', strict);
    await assert.rejects(t.engine.preview(plan, strict), (err: unknown) => {
      assert.ok(err instanceof PreflightError);
      assert.deepEqual(
        err.failures.map((f) => f.check),
        ['crds'],
      );
      return true;
    });
    const lenient = await clusterEnvironment(cluster, 'prod', 'pf-prod');
    const preview = await t.engine.preview(await fixturePlan('fullstack', lenient), lenient);
    assert.match(preview.warnings.join('\n'), /monitoring\.coreos\.com\/v1.*left out/);
    assert.ok(
      preview.steps.every((s) => !s.type.includes('monitoring.coreos.com')),
      'no ServiceMonitor is previewed on a cluster without its CRD',
    );
  });

  it('explains pods that no node has room for, within the readiness bound', async () => {
    await cluster.fillNodes();
    const env = await clusterEnvironment(cluster, 'dev', 'pf-full', (e) => ({
      ...e,
      cluster: { ...e.cluster, readinessTimeoutSeconds: 10 },
    }));
    const result = await t.engine.up(await fixturePlan('nextjs-chatbot', env), env);
    assert.equal(result.status, 'failed');
    assert.match(
      (result.causes ?? []).join('\n'),
      // The migration Job is the first to need a node.
      /Job pf-full\/acme-chatbot-migrate: pod [^:]+: not scheduled: 0\/3 nodes are available: 3 Insufficient cpu/,
      result.error,
    );
  });

  it('names an unknown kube context and the contexts that exist', async () => {
    const env = await clusterEnvironment(cluster, 'dev', 'pf-ctx', (e) => ({
      ...e,
      target: { kind: 'cluster', context: 'nope', kubeconfig: cluster.kubeconfig },
    }));
    await assert.rejects(
      t.engine.preview(await fixturePlan('fullstack', env), env),
      /kube context nope is not in the kubeconfig[^]*stackpilot-test/,
    );
  });
});
