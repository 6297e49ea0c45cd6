import { strict as assert } from 'node:assert';
import { ephemeralStorage } from '../../../../src/plan/skills/ephemeral-storage';
import { choices, node, planFor } from '../support/plan';

describe('skill scaling', () => {
  it('sizes requests and limits by tier and kind, chatbots with more memory', async () => {
    const dev = await planFor('dev');
    const prod = await planFor('prod', { rollout: 'rolling' });
    const res = (plan: typeof dev, id: string) =>
      node(plan, id, 'workload').spec.template.containers[0]!.resources;
    assert.deepEqual(res(dev, 'workload/api'), {
      requests: { cpu: '125m', memory: '256Mi', 'ephemeral-storage': '96Mi' },
      limits: { cpu: '500m', memory: '512Mi', 'ephemeral-storage': '384Mi' },
    });
    assert.deepEqual(res(prod, 'workload/api'), {
      requests: { cpu: '500m', memory: '1Gi', 'ephemeral-storage': '288Mi' },
      limits: { cpu: '2', memory: '2Gi', 'ephemeral-storage': '384Mi' },
    });
    assert.equal(res(prod, 'workload/chatbot').requests.memory, '2Gi');
    const override = await planFor('dev', { components: { api: { cpu: '300m', memory: '1Gi' } } });
    assert.deepEqual(res(override, 'workload/api'), {
      requests: { cpu: '300m', memory: '1Gi', 'ephemeral-storage': '96Mi' },
      limits: { cpu: '1200m', memory: '2Gi', 'ephemeral-storage': '384Mi' },
    });
  });

  it('limits ephemeral storage to the scratch volumes plus logs, and requests a share by tier', async () => {
    const staging = await planFor('staging');
    const disk = (id: string, kind: 'workload' | 'job') => {
      const r = node(staging, id, kind).spec.template.containers[0]!.resources;
      return [r.requests['ephemeral-storage'], r.limits['ephemeral-storage']];
    };
    // /tmp (256Mi) + 128Mi of logs, half of it requested in the medium tier.
    assert.deepEqual(disk('workload/api', 'workload'), ['192Mi', '384Mi']);
    // Next.js adds its 1Gi image cache.
    assert.deepEqual(disk('workload/web', 'workload'), ['704Mi', '1408Mi']);
    // The migration Job runs in the same pod shape as its component.
    assert.deepEqual(disk('job/api-migrate', 'job'), ['192Mi', '384Mi']);
    // A per-component tier changes the share, not what the pod may write.
    const large = await planFor('staging', { components: { api: { tier: 'large' } } });
    assert.deepEqual(
      node(large, 'workload/api', 'workload').spec.template.containers[0]!.resources.requests[
        'ephemeral-storage'
      ],
      '288Mi',
    );
    assert.match(
      choices(staging, 'scaling', 'web')['ephemeral storage']!,
      /^request 704Mi, limit 1408Mi$/,
    );
  });

  it('counts only disk-backed emptyDirs, and a writable root filesystem on top', () => {
    assert.deepEqual(
      ephemeralStorage(
        [
          { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
          { name: 'shm', emptyDir: { sizeLimit: '1Gi', medium: 'Memory' } },
          { name: 'data', claim: { claimName: 'data' } },
        ],
        'small',
        true,
      ),
      { request: '96Mi', limit: '384Mi' },
    );
    assert.deepEqual(ephemeralStorage([], 'large', false), { request: '864Mi', limit: '1152Mi' });
  });

  it('spreads replicated staging pods across nodes', async () => {
    const plan = await planFor('staging');
    assert.deepEqual(
      node(plan, 'workload/api', 'workload').spec.template.topologySpread.map((t) => t.topologyKey),
      ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'],
    );
    // One replica has nothing to spread.
    assert.deepEqual(node(plan, 'workload/redis', 'workload').spec.template.topologySpread, []);
    assert.deepEqual(
      node(await planFor('staging', { spread: false }), 'workload/api', 'workload').spec.template
        .topologySpread,
      [],
    );
  });

  it('gives dev one replica and a budget that does not block drains', async () => {
    const plan = await planFor('dev');
    assert.equal(node(plan, 'workload/api', 'workload').spec.replicas, 1);
    assert.deepEqual(node(plan, 'disruption-budget/api', 'disruption-budget').spec, {
      selector: { 'app.kubernetes.io/instance': 'acme-chat-dev', 'app.kubernetes.io/name': 'api' },
      maxUnavailable: 1,
    });
    assert.ok(!plan.nodes.some((n) => n.kind === 'autoscaler'));
  });

  it('autoscales in prod without a fixed replica count, and spreads across nodes', async () => {
    const plan = await planFor('prod', { rollout: 'rolling' });
    const api = node(plan, 'workload/api', 'workload');
    assert.equal(api.spec.replicas, undefined);
    assert.deepEqual(node(plan, 'autoscaler/api', 'autoscaler').spec, {
      target: { kind: 'Deployment', name: 'api' },
      minReplicas: 3,
      maxReplicas: 10,
      cpuUtilization: 70,
      scaleDownStabilizationSeconds: 300,
    });
    assert.equal(node(plan, 'autoscaler/chatbot', 'autoscaler').spec.memoryUtilization, 80);
    assert.equal(node(plan, 'disruption-budget/api', 'disruption-budget').spec.minAvailable, '50%');
    assert.deepEqual(
      api.spec.template.topologySpread.map((t) => [t.topologyKey, t.whenUnsatisfiable]),
      [
        ['kubernetes.io/hostname', 'DoNotSchedule'],
        ['topology.kubernetes.io/zone', 'ScheduleAnyway'],
      ],
    );
    // A single-instance data service is never autoscaled nor spread.
    const redis = node(plan, 'workload/redis', 'workload');
    assert.deepEqual([redis.spec.replicas, redis.spec.template.topologySpread], [1, []]);
    assert.match(choices(plan, 'scaling', 'api').replicas!, /^autoscaled 3-10 at 70% CPU/);
  });

  it('honours a per-component replica override over environment autoscaling', async () => {
    const plan = await planFor('prod', {
      rollout: 'rolling',
      components: { worker: { replicas: 2 } },
    });
    assert.equal(node(plan, 'workload/worker', 'workload').spec.replicas, 2);
    assert.ok(!plan.nodes.some((n) => n.id === 'autoscaler/worker'));
  });
});
