/**
 * Approval binding on the real engine: an up of the gated prod stack needs an approval, by
 * someone else, of a preview of the same plan; approvals are spent once and expire (moved by
 * the Clock seam); rejected previews never deploy; and a stack changed behind the preview's
 * back is refused by the engine's held update plan (409 plan_mismatch).
 */
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../../../src/engine';
import type { DeploymentPlan } from '../../../src/model/plan';
import { loadEnvironment } from '../../../src/plan';
import { ManualClock } from '../../../src/store';
import { engineEnv, startHarness, type Harness } from './support/harness';

describe('server approvals (real engine)', function () {
  this.timeout(600_000);
  let h: Harness;
  const clock = new ManualClock(new Date());
  before(async () => {
    h = await startHarness({ clock });
  });
  after(async () => h?.cleanup());

  const deploy = (planId: string, previewOperationId?: string) =>
    h.as('deployer').post('/v1/stacks/prod/deployments', {
      planId,
      ...(previewOperationId ? { previewOperationId } : {}),
    });
  const preview = async (planId: string, who: 'deployer' | 'approver2' = 'deployer') =>
    String((await h.as(who).run('/v1/stacks/prod/previews', { planId })).id);
  const decide = (
    previewOperationId: string,
    who: 'approver' | 'approver2',
    decision = 'approve',
  ) => h.as(who).post('/v1/approvals', { previewOperationId, decision });

  it('binds an up to an approval by another person of the same plan, spent once, unexpired', async () => {
    const planA = await h.as('deployer').plan('prod');
    const previewA = await preview(planA.id, 'approver2');

    const self = await decide(previewA, 'approver2');
    assert.deepEqual([self.status, self.body.code], [403, 'self_approval']);
    assert.equal(
      (
        await h
          .as('deployer')
          .post('/v1/approvals', { previewOperationId: previewA, decision: 'approve' })
      ).status,
      403,
    );
    assert.equal((await decide(previewA, 'approver')).status, 201);

    // A changed plan is not what was approved.
    const stackFile = join(h.stacksDir, 'Pulumi.prod.yaml');
    writeFileSync(
      stackFile,
      readFileSync(stackFile, 'utf8').replace('maxReplicas: 10', 'maxReplicas: 12'),
    );
    const planB = await h.as('deployer').plan('prod');
    assert.notEqual(planB.hash, planA.hash);
    const changed = await deploy(planB.id, previewA);
    assert.deepEqual([changed.status, changed.body.code], [409, 'plan_changed']);
    assert.match(String(changed.body.detail), /plan changed since preview/);

    const up = await deploy(planA.id, previewA);
    assert.equal(up.status, 202);
    assert.equal((await h.as('viewer').settle(String(up.body.operationId))).status, 'succeeded');

    const reused = await deploy(planA.id, previewA);
    assert.deepEqual([reused.status, reused.body.code], [409, 'approval_used']);

    const previewA2 = await preview(planA.id);
    assert.equal((await decide(previewA2, 'approver')).status, 201);
    clock.advanceMinutes(61); // prod approvals live 60 minutes
    const expired = await deploy(planA.id, previewA2);
    assert.deepEqual([expired.status, expired.body.code], [409, 'approval_expired']);

    const rejected = await preview(planA.id);
    assert.equal((await decide(rejected, 'approver', 'reject')).status, 201);
    const refused = await deploy(planA.id, rejected);
    assert.deepEqual([refused.status, refused.body.code], [409, 'preview_rejected']);
    const record = await h
      .as('viewer')
      .expect(200, 'GET', `/v1/operations/${String(refused.body.operationId)}`);
    assert.deepEqual([record.kind, record.status], ['up', 'rejected']);
  });

  it('refuses an approved up whose stack drifted since the preview, with the engine’s 409 plan_mismatch', async () => {
    // The stack file says maxReplicas 12 since the test above: this is another plan than the deployed one.
    const other = await h.as('deployer').plan('prod');
    const deployed = await h
      .as('viewer')
      .expect(200, 'GET', '/v1/stacks/prod/current?project=fullstack');
    const previewId = await preview(String(deployed.planId));
    assert.equal((await decide(previewId, 'approver')).status, 201);

    // Someone deploys another plan with the engine directly, behind the server's back.
    assert.notEqual(other.hash, deployed.deployedPlanHash);
    const plan = (await h.as('viewer').expect(200, 'GET', `/v1/plans/${other.id}`))
      .plan as DeploymentPlan;
    const outOfBand = new Engine({ stateDir: h.stateDir, env: engineEnv() });
    const up = await outOfBand.up(plan, await loadEnvironment(h.stacksDir, 'prod'), {
      missingSecrets: 'placeholder',
    });
    assert.equal(up.status, 'succeeded', up.error);

    const held = await deploy(String(deployed.planId), previewId);
    assert.equal(held.status, 202, held.text);
    const op = await h.as('viewer').settle(String(held.body.operationId));
    const error = op.error as { status: number; code: string; detail: string };
    assert.deepEqual([op.status, error.status, error.code], ['failed', 409, 'plan_mismatch']);
    assert.match(error.detail, /differs from the approved preview/);
  });
});
