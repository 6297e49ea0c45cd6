import { strict as assert } from 'node:assert';
import { explainUnready } from '../../../src/diagnose/unready';
import type { ClusterSnapshot, PodSnapshot } from '../../../src/model/snapshot';

const notReady = [
  { type: 'PodScheduled', status: 'True' },
  { type: 'Ready', status: 'False' },
];

function snapshot(over: Partial<ClusterSnapshot>): ClusterSnapshot {
  return {
    namespace: 'shop-dev',
    workloads: [],
    replicaSets: [],
    pods: [],
    jobs: [],
    claims: [],
    ingresses: [],
    events: [],
    ...over,
  };
}

function pod(name: string, owner: PodSnapshot['owner'], over: Partial<PodSnapshot>): PodSnapshot {
  return {
    name,
    owner,
    phase: 'Running',
    conditions: notReady,
    containers: [],
    deleting: false,
    ...over,
  };
}

const api = {
  kind: 'Deployment' as const,
  name: 'api',
  desired: 2,
  total: 2,
  ready: 0,
  available: 0,
  updated: 2,
  conditions: [],
};

describe('diagnose/unready', () => {
  it('says nothing about a namespace where everything is ready', () => {
    const s = snapshot({
      workloads: [{ ...api, ready: 2, available: 2 }],
      claims: [{ name: 'data', phase: 'Bound' }],
      ingresses: [{ name: 'web', hasAddress: true }],
      jobs: [
        {
          name: 'migrate',
          active: 0,
          succeeded: 1,
          failed: 0,
          conditions: [{ type: 'Complete', status: 'True' }],
        },
      ],
    });
    assert.deepEqual(explainUnready(s), []);
  });

  it('names a crash-looping Deployment with its exit code, the pods counted once', () => {
    const crash = {
      name: 'api',
      ready: false,
      restartCount: 3,
      waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' },
      lastTerminated: { exitCode: 1, reason: 'Error' },
    };
    const s = snapshot({
      workloads: [api],
      replicaSets: [{ name: 'api-7d9', owner: 'api', desired: 2 }],
      pods: [
        pod('api-7d9-a', { kind: 'ReplicaSet', name: 'api-7d9' }, { containers: [crash] }),
        pod('api-7d9-b', { kind: 'ReplicaSet', name: 'api-7d9' }, { containers: [crash] }),
      ],
    });
    assert.deepEqual(explainUnready(s), [
      {
        object: 'Deployment shop-dev/api',
        cause:
          '2 pods (api-7d9-a, api-7d9-b): container api: CrashLoopBackOff: back-off 40s, last exit code 1 (Error), 3 restarts',
      },
    ]);
  });

  it('names a rollout whose new pods fail while the old ones still serve', () => {
    const s = snapshot({
      workloads: [{ ...api, desired: 1, total: 2, ready: 1, available: 1, updated: 1 }],
      replicaSets: [
        { name: 'api-old', owner: 'api', desired: 1 },
        { name: 'api-new', owner: 'api', desired: 1 },
      ],
      pods: [
        pod(
          'api-old-a',
          { kind: 'ReplicaSet', name: 'api-old' },
          {
            conditions: [{ type: 'Ready', status: 'True' }],
          },
        ),
        pod(
          'api-new-a',
          { kind: 'ReplicaSet', name: 'api-new' },
          {
            containers: [
              {
                name: 'api',
                ready: false,
                restartCount: 1,
                waiting: { reason: 'CrashLoopBackOff' },
                lastTerminated: { exitCode: 2 },
              },
            ],
          },
        ),
      ],
    });
    assert.deepEqual(explainUnready(s), [
      {
        object: 'Deployment shop-dev/api',
        cause: 'pod api-new-a: container api: CrashLoopBackOff, last exit code 2, 1 restarts',
      },
    ]);
  });

  it('tells OOMKilled, image pull failures and unschedulable pods apart', () => {
    const s = snapshot({
      workloads: [
        { ...api, name: 'worker', desired: 1 },
        { ...api, name: 'web', desired: 1 },
        { ...api, kind: 'StatefulSet', name: 'redis', desired: 1 },
      ],
      replicaSets: [
        { name: 'worker-1', owner: 'worker', desired: 1 },
        { name: 'web-1', owner: 'web', desired: 1 },
      ],
      pods: [
        pod(
          'worker-1-a',
          { kind: 'ReplicaSet', name: 'worker-1' },
          {
            containers: [
              {
                name: 'worker',
                ready: false,
                restartCount: 2,
                waiting: { reason: 'CrashLoopBackOff' },
                lastTerminated: { exitCode: 137, reason: 'OOMKilled' },
              },
            ],
          },
        ),
        pod(
          'web-1-a',
          { kind: 'ReplicaSet', name: 'web-1' },
          {
            phase: 'Pending',
            containers: [
              {
                name: 'web',
                ready: false,
                restartCount: 0,
                waiting: {
                  reason: 'ImagePullBackOff',
                  message: 'Back-off pulling image "ghcr.io/x/web:1"',
                },
              },
            ],
          },
        ),
        pod(
          'redis-0',
          { kind: 'StatefulSet', name: 'redis' },
          {
            phase: 'Pending',
            conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }],
          },
        ),
      ],
      events: [
        {
          kind: 'Pod',
          name: 'redis-0',
          type: 'Warning',
          reason: 'FailedScheduling',
          count: 3,
          message: '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.',
          last: '2026-12-01T10:00:00Z',
        },
      ],
    });
    const causes = Object.fromEntries(explainUnready(s).map((f) => [f.object, f.cause]));
    assert.match(causes['Deployment shop-dev/worker'] ?? '', /last exit code 137 \(OOMKilled\)/);
    assert.match(
      causes['Deployment shop-dev/web'] ?? '',
      /ImagePullBackOff: Back-off pulling image "ghcr.io\/x\/web:1"/,
    );
    assert.equal(
      causes['StatefulSet shop-dev/redis'],
      'pod redis-0: not scheduled: 0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.',
    );
  });

  it('falls back to the ReplicaSet events when no pod could be created', () => {
    const s = snapshot({
      workloads: [api],
      replicaSets: [{ name: 'api-7d9', owner: 'api', desired: 2 }],
      events: [
        {
          kind: 'ReplicaSet',
          name: 'api-7d9',
          type: 'Warning',
          reason: 'FailedCreate',
          count: 5,
          message: 'pods "api-7d9-x" is forbidden: violates PodSecurity "restricted:latest"',
          last: '2026-12-01T10:00:00Z',
        },
      ],
    });
    assert.match(explainUnready(s)[0]?.cause ?? '', /^FailedCreate: .*violates PodSecurity/);
  });

  it('explains pending claims, incomplete Jobs and Ingresses nothing admitted', () => {
    const s = snapshot({
      claims: [{ name: 'backup', phase: 'Pending' }],
      jobs: [
        {
          name: 'migrate',
          active: 0,
          succeeded: 0,
          failed: 6,
          conditions: [
            {
              type: 'Failed',
              status: 'True',
              reason: 'BackoffLimitExceeded',
              message: 'Job has reached the specified backoff limit',
            },
          ],
        },
      ],
      ingresses: [{ name: 'web', className: 'nginx', hasAddress: false }],
      events: [
        {
          kind: 'PersistentVolumeClaim',
          name: 'backup',
          type: 'Warning',
          reason: 'FailedBinding',
          count: 9,
          message: 'no persistent volumes available for this claim and no storage class is set',
          last: '2026-12-01T10:00:00Z',
        },
      ],
    });
    assert.deepEqual(explainUnready(s), [
      {
        object: 'Ingress shop-dev/web',
        cause: 'no load-balancer address: no ingress controller has admitted it (class nginx)',
      },
      {
        object: 'Job shop-dev/migrate',
        cause: 'failed: BackoffLimitExceeded Job has reached the specified backoff limit',
      },
      {
        object: 'PersistentVolumeClaim shop-dev/backup',
        cause:
          'Pending: FailedBinding: no persistent volumes available for this claim and no storage class is set',
      },
    ]);
  });

  it('leaves alone a claim that waits for its first consumer, until a pod mounts it', () => {
    const waiting = {
      kind: 'PersistentVolumeClaim',
      name: 'backup',
      type: 'Normal',
      reason: 'WaitForFirstConsumer',
      count: 3,
      message: 'waiting for first consumer to be created before binding',
      last: '2026-12-01T10:00:00Z',
    };
    const unused = snapshot({ claims: [{ name: 'backup', phase: 'Pending' }], events: [waiting] });
    assert.deepEqual(explainUnready(unused), []);
    const consumer = pod('backup-1', { kind: 'Job', name: 'backup' }, { claims: ['backup'] });
    const used = { ...unused, pods: [consumer] };
    assert.deepEqual(
      explainUnready(used).map((f) => f.object),
      ['PersistentVolumeClaim shop-dev/backup'],
    );
  });
});
