import { strict as assert } from 'node:assert';
import type { ClusterFacts } from '../../../src/cluster/facts';
import { preflight } from '../../../src/cluster/preflight';
import { resolveEnvironment } from '../../../src/plan/environment';
import { planFor } from '../plan/support/plan';
import { referencePlan } from '../program/support/reference-plan';

/** A cluster that has everything the reference plans need. */
function complete(over: Partial<ClusterFacts> = {}): ClusterFacts {
  return {
    serverVersion: 'v1.34.2',
    serverMinor: 34,
    apiGroupVersions: ['apps/v1', 'monitoring.coreos.com/v1', 'networking.k8s.io/v1'],
    storageClasses: [{ name: 'standard', isDefault: true, bindingMode: 'Immediate' }],
    ingressClasses: [{ name: 'nginx', isDefault: false }],
    nodes: { count: 3, cpuMillis: 24_000, memoryBytes: 96 * 2 ** 30 },
    ...over,
  };
}

const prod = referencePlan('prod');
const env = resolveEnvironment('prod', {});

describe('cluster/preflight', () => {
  it('passes a cluster that has everything, leaving nothing out', () => {
    assert.deepEqual(preflight(prod, env, complete()), {
      failures: [],
      warnings: [],
      omit: undefined,
    });
  });

  it('names every missing piece at once, each with what to do', () => {
    const r = preflight(
      prod,
      env,
      complete({
        storageClasses: [],
        ingressClasses: [],
        serverVersion: 'v1.22.0',
        serverMinor: 22,
      }),
    );
    assert.deepEqual(
      r.failures.map((f) => f.check),
      ['server-version', 'storage', 'ingress-class'],
    );
    const storage = r.failures.find((f) => f.check === 'storage');
    assert.match(storage?.message ?? '', /need a default StorageClass and the cluster has none/);
    assert.match(storage?.fix ?? '', /is-default-class/);
    const ingress = r.failures.find((f) => f.check === 'ingress-class');
    assert.match(ingress?.message ?? '', /IngressClass nginx does not exist/);
    assert.match(ingress?.fix ?? '', /install an ingress controller/);
  });

  it('offers the existing IngressClasses when the planned one is missing', () => {
    const r = preflight(
      prod,
      env,
      complete({ ingressClasses: [{ name: 'traefik', isDefault: true }] }),
    );
    assert.equal(r.failures.length, 1);
    assert.match(r.failures[0]?.fix ?? '', /stackpilot:ingressClass to one of: traefik/);
  });

  it('leaves out ServiceMonitors without the Prometheus CRDs, with a decision and a warning', () => {
    const monitors = prod.nodes
      .filter((n) => n.kind === 'service-monitor')
      .map((n) => n.id)
      .sort();
    assert.ok(monitors.length > 0, 'the prod reference plan has ServiceMonitors');
    const r = preflight(prod, env, complete({ apiGroupVersions: ['apps/v1'] }));
    assert.deepEqual(r.failures, []);
    assert.deepEqual(r.omit?.ids, monitors);
    assert.equal(r.omit?.decision.topic, 'missing CRDs');
    assert.match(r.warnings[0] ?? '', /monitoring\.coreos\.com\/v1.*left out/);
  });

  it('refuses instead when the environment says so', () => {
    const strict = resolveEnvironment('prod', { cluster: { missingCrds: 'refuse' } });
    const r = preflight(prod, strict, complete({ apiGroupVersions: ['apps/v1'] }));
    assert.equal(r.omit, undefined);
    assert.deepEqual(
      r.failures.map((f) => f.check),
      ['crds'],
    );
  });

  describe('with stackpilot:storageClass', () => {
    const named = resolveEnvironment('prod', { storageClass: 'fast-ssd' });
    const claims = [
      'volume/rabbitmq-backup',
      'volume/redis-backup',
      'workload/rabbitmq (data)',
      'workload/redis (data)',
    ];

    it('passes when the named class exists, even with no default class', async () => {
      const plan = await planFor('prod', { storageClass: 'fast-ssd' });
      const r = preflight(
        plan,
        named,
        complete({
          storageClasses: [
            { name: 'fast-ssd', isDefault: false, bindingMode: 'WaitForFirstConsumer' },
          ],
        }),
      );
      assert.deepEqual(r.failures, []);
    });

    it('refuses a named class the cluster does not have, naming it, its claims and the classes that exist', async () => {
      const plan = await planFor('prod', { storageClass: 'fast-ssd' });
      const r = preflight(
        plan,
        named,
        complete({
          storageClasses: [
            { name: 'local-path', isDefault: false, bindingMode: 'WaitForFirstConsumer' },
            { name: 'standard', isDefault: true, bindingMode: 'Immediate' },
          ],
        }),
      );
      assert.deepEqual(r.failures, [
        {
          check: 'storage',
          message: `StorageClass fast-ssd (stackpilot:storageClass) does not exist (the cluster has: local-path, standard), so 4 volume claim(s) (${claims.join(', ')}) would stay Pending`,
          fix: "set stackpilot:storageClass to one of: local-path, standard, or create StorageClass fast-ssd, or remove stackpilot:storageClass to use the cluster's default class (standard)",
        },
      ]);
    });

    it('says to create it when the cluster has no StorageClass at all', async () => {
      const plan = await planFor('prod', { storageClass: 'fast-ssd' });
      const r = preflight(plan, named, complete({ storageClasses: [] }));
      assert.deepEqual(
        r.failures.map((f) => [f.check, f.message.split(', so')[0], f.fix]),
        [
          [
            'storage',
            'StorageClass fast-ssd (stackpilot:storageClass) does not exist (the cluster has: none)',
            'create StorageClass fast-ssd (install a provisioner), or use managed data services (stackpilot:managed)',
          ],
        ],
      );
    });
  });

  it('refuses a namespace that enforces a stricter Pod Security level than planned', () => {
    const baseline = {
      ...prod,
      nodes: prod.nodes.map((n) =>
        n.kind === 'namespace'
          ? {
              ...n,
              spec: {
                labels: { ...n.spec.labels, 'pod-security.kubernetes.io/enforce': 'baseline' },
              },
            }
          : n,
      ),
    };
    const enforcing = (level: string) =>
      complete({
        namespace: {
          name: prod.namespace,
          labels: { 'pod-security.kubernetes.io/enforce': level },
        },
      });
    const r = preflight(baseline, env, enforcing('restricted'));
    assert.deepEqual(
      r.failures.map((f) => f.check),
      ['pod-security'],
    );
    assert.match(
      r.failures[0]?.message ?? '',
      /already enforces Pod Security "restricted", stricter than the plan's "baseline"/,
    );
    assert.deepEqual(preflight(baseline, env, enforcing('baseline')).failures, []);
  });

  it('refuses a plan that requests more than the nodes have', () => {
    const r = preflight(
      prod,
      env,
      complete({ nodes: { count: 1, cpuMillis: 100, memoryBytes: 2 ** 28 } }),
    );
    assert.deepEqual(
      r.failures.map((f) => f.check),
      ['capacity'],
    );
    assert.match(r.failures[0]?.message ?? '', /the 1 schedulable node\(s\) have 100m/);
    const none = preflight(
      prod,
      env,
      complete({ nodes: { count: 0, cpuMillis: 0, memoryBytes: 0 } }),
    );
    assert.match(none.failures[0]?.message ?? '', /no schedulable nodes/);
  });
});
