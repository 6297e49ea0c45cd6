import { strict as assert } from 'node:assert';
import { planFor } from '../support/plan';

describe('skill cost', () => {
  it('prices requests × replicas and claims at the environment rates, plus the load balancer', async () => {
    const plan = await planFor('dev', {
      cost: { cpuCoreMonth: 20, memoryGiBMonth: 4, storageGiBMonth: 0.5, loadBalancerMonth: 10 },
    });
    const api = plan.cost.lines.find((l) => l.component === 'api')!;
    // dev: api requests 125m / 256Mi, one replica.
    assert.deepEqual(api, {
      component: 'api',
      cpuCores: 0.125,
      memoryGiB: 0.25,
      storageGiB: 0,
      monthly: 3.5,
    });
    const redis = plan.cost.lines.find((l) => l.component === 'redis')!;
    // 1Gi data claim + 2Gi backup claim.
    assert.equal(redis.storageGiB, 3);
    assert.deepEqual(plan.cost.fixed, [
      { item: 'ingress load balancer (shared by 3 routes)', monthly: 10 },
    ]);
    const sum = plan.cost.lines.reduce((s, l) => s + l.monthly, 0) + 10;
    assert.equal(plan.cost.totalMonthly, Math.round(sum * 100) / 100);
    assert.ok(plan.cost.assumptions.some((a) => a.includes('neon, openai')));
  });

  it('counts autoscaled workloads at their minimum and says what the maximum adds', async () => {
    const plan = await planFor('prod', { rollout: 'rolling' });
    assert.equal(plan.cost.lines.find((l) => l.component === 'api')!.cpuCores, 1.5);
    assert.ok(
      plan.cost.assumptions.some((a) =>
        /counted at their minimum replicas; at maximum they add up to/.test(a),
      ),
    );
  });
});
