import { strict as assert } from 'node:assert';
import type { DeploymentPlan } from '../../../../src/model/plan';
import { node, planFor } from '../support/plan';
import { referenceApp } from '../support/reference-app';

const BG = { rollout: 'blue-green' as const };
const image = (plan: DeploymentPlan, id: string): string =>
  node(plan, id, 'workload').spec.template.containers[0]!.image;

describe('skill rollout', () => {
  it('rolls without losing capacity and keeps revisions per environment', async () => {
    const plan = await planFor('staging');
    const api = node(plan, 'workload/api', 'workload').spec;
    assert.deepEqual(
      [api.strategy, api.minReadySeconds, api.revisionHistoryLimit, api.progressDeadlineSeconds],
      [{ type: 'rolling', maxSurge: '25%', maxUnavailable: 0 }, 5, 5, 600],
    );
    assert.equal(
      node(plan, 'workload/chatbot', 'workload').spec.template.terminationGracePeriodSeconds,
      120,
    );
    assert.deepEqual(node(plan, 'workload/redis', 'workload').spec.strategy, {
      type: 'rolling',
      maxSurge: 0,
      maxUnavailable: 1,
    });
    assert.equal(plan.rollout.strategy, 'rolling');
    assert.ok(
      plan.rollout.rollbackSteps.some((s) => s.includes('stackpilot rollback --env staging')),
    );
  });

  it('runs two colours under blue-green, the Service selecting the active one', async () => {
    const plan = await planFor('prod', BG);
    assert.equal(plan.rollout.activeColor, 'blue');
    const blue = node(plan, 'workload/api-blue', 'workload');
    const green = node(plan, 'workload/api-green', 'workload');
    assert.deepEqual(
      [blue.spec.color, blue.spec.replicas, green.spec.color, green.spec.replicas],
      ['blue', undefined, 'green', 0],
    );
    assert.equal(blue.spec.selector['stackpilot.dev/color'], 'blue');
    assert.equal(
      node(plan, 'service/api', 'service').spec.selector['stackpilot.dev/color'],
      'blue',
    );
    assert.equal(node(plan, 'autoscaler/api', 'autoscaler').spec.target.name, 'api-blue');
    assert.deepEqual(
      node(plan, 'route/api', 'route').after.map((a) => a.node),
      ['workload/api-blue'],
    );
    // Workers take no traffic: they roll.
    assert.equal(node(plan, 'workload/worker', 'workload').spec.color, undefined);
  });

  it('puts the next release on the other colour and keeps the previous one warm for an instant switch-back', async () => {
    const first = await planFor('prod', BG);
    const app = referenceApp();
    app.components.find((c) => c.name === 'api')!.sourceDigest = `sha256:${'ab'.repeat(32)}`;
    const second = await planFor('prod', BG, app, { previous: first });
    assert.equal(second.rollout.activeColor, 'green');
    assert.equal(
      image(second, 'workload/api-green'),
      `localhost:5000/acme-chat-api:src-${'ab'.repeat(6)}`,
    );
    assert.equal(image(second, 'workload/api-blue'), image(first, 'workload/api-blue'));
    assert.equal(
      node(second, 'workload/api-blue', 'workload').spec.replicas,
      3,
      'standby runs at the minimum replicas',
    );
    assert.equal(
      node(second, 'service/api', 'service').spec.selector['stackpilot.dev/color'],
      'green',
    );
    assert.match(
      second.rollout.rollbackSteps[0]!,
      /at the blue colour, which still runs the previous images/,
    );
    // Planning the same release again changes nothing.
    const again = await planFor('prod', BG, app, { previous: second });
    assert.equal(again.hash, second.hash);
  });
});
