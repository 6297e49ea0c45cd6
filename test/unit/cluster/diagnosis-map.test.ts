import { strict as assert } from 'node:assert';
import type { V1Secret } from '@kubernetes/client-node';
import {
  autoscalerOf,
  endpointsOf,
  networkPolicyOf,
  secretKeysOf,
} from '../../../src/cluster/diagnosis-map';
import { planLogReads } from '../../../src/cluster/logs';
import type { PodSnapshot } from '../../../src/model/snapshot';
import { MANAGED_BY } from '../../../src/plan/skills/common';

describe('cluster/diagnosis-map', () => {
  it('keeps a Secret key names, sorted, and not one byte of its values', () => {
    const secret: V1Secret = {
      metadata: { name: 's' },
      data: { B: Buffer.from('value-one').toString('base64'), A: 'dmFsdWUtdHdv' },
      stringData: { C: 'value-three' },
    };
    const keys = secretKeysOf(secret);
    assert.deepEqual(keys, { kind: 'Secret', name: 's', keys: ['A', 'B', 'C'] });
    assert.doesNotMatch(JSON.stringify(keys), /value|dmFs/);
  });

  it('counts an endpoint without a ready condition as ready, and gives a Service without slices zero', () => {
    const slice = (service: string, ready: (boolean | undefined)[]) => ({
      addressType: 'IPv4',
      metadata: { labels: { 'kubernetes.io/service-name': service } },
      endpoints: ready.map((r) => ({ addresses: ['10.0.0.2'], conditions: { ready: r } })),
    });
    assert.deepEqual(
      endpointsOf([slice('web', [true, undefined, false]), slice('web', [false])], ['api', 'web']),
      [
        { service: 'api', ready: 0, notReady: 0 },
        { service: 'web', ready: 2, notReady: 2 },
      ],
    );
  });

  it('does not count the typeless entries the HPA controller lists for metrics it could not fetch', () => {
    const hpa = (currentMetrics: unknown[]) =>
      autoscalerOf({
        metadata: { name: 'web' },
        spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 4 },
        status: { desiredReplicas: 1, currentMetrics } as never,
      });
    assert.equal(hpa([{ type: '' }]).hasMetrics, false);
    assert.equal(hpa([]).hasMetrics, false);
    assert.equal(
      hpa([{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 12 } } }])
        .hasMetrics,
      true,
    );
    assert.equal(hpa([]).min, 1, "Kubernetes' default minReplicas");
  });

  it('reads a policy as stackpilot-managed by its managed-by label and names selectors it did not evaluate', () => {
    const { policy, unreadable } = networkPolicyOf({
      metadata: { name: 'p', labels: { 'app.kubernetes.io/managed-by': MANAGED_BY } },
      spec: {
        podSelector: { matchLabels: { app: 'redis' } },
        ingress: [
          {
            _from: [
              {
                podSelector: {
                  matchLabels: { app: 'api' },
                  matchExpressions: [{ key: 'tier', operator: 'Exists' }],
                },
              },
            ],
            ports: [{ port: 6379 }],
          },
        ],
      },
    });
    assert.equal(policy.managed, true);
    assert.deepEqual(policy.policyTypes, ['Ingress'], 'filled from the rules as the API does');
    assert.deepEqual(policy.ingress, [
      { peers: [{ podSelector: { app: 'api' } }], ports: [{ port: 6379, protocol: 'TCP' }] },
    ]);
    assert.deepEqual(unreadable, [
      'NetworkPolicy p: the matchExpressions of its ingress rule 1 peer 1 podSelector were not evaluated (matchLabels only)',
    ]);
  });
});

describe('cluster/logs planLogReads', () => {
  const pod = (name: string, nodeName: string, c: Partial<PodSnapshot['containers'][number]>) =>
    ({
      name,
      nodeName,
      phase: 'Running',
      conditions: [],
      deleting: false,
      containers: [{ name: 'main', ready: false, restartCount: 0, ...c }],
    }) satisfies PodSnapshot;

  it('reads restarted containers previous logs, skips ready and never-started ones, and notes fake nodes once each', () => {
    const plan = planLogReads(
      [
        pod('a', 'real-1', { restartCount: 2 }),
        pod('b', 'real-1', {}),
        pod('c', 'real-1', { ready: true }),
        pod('d', 'real-1', { waiting: { reason: 'ImagePullBackOff' } }),
        pod('e', 'kwok-0', { restartCount: 1 }),
        pod('f', 'kwok-0', {}),
      ],
      new Set(['kwok-0']),
    );
    assert.deepEqual(plan.reads, [
      { pod: 'a', container: 'main', previous: true },
      { pod: 'b', container: 'main', previous: false },
    ]);
    assert.deepEqual(plan.notes, ['logs: not served by kwok fake node kwok-0 (pods e, f)']);
  });

  it('caps the pods it reads and says how many it left out', () => {
    const pods = Array.from({ length: 12 }, (_, i) => pod(`p${i}`, 'n', { restartCount: 1 }));
    const plan = planLogReads(pods, new Set(), 10);
    assert.equal(plan.reads.length, 10);
    assert.deepEqual(plan.notes, [
      'logs: read for 10 of the 12 pods with failing containers; the others were not read',
    ]);
  });
});
