/**
 * The whole flow on the real engine over HTTP: analyze → plan → preview → approve → up →
 * history → (a changed plan, approved and deployed) → rollback, on the gated prod stack, with
 * live SSE events joined during the up and resumed with Last-Event-ID.
 */
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  FULLSTACK_PATH,
  readSse,
  startHarness,
  type Harness,
  type SseFrame,
} from './support/harness';

describe('server flow (real engine, render targets)', function () {
  this.timeout(600_000);
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h?.cleanup());

  it('analyzes, plans, previews, approves, deploys, lists history and rolls back on prod', async () => {
    const deployer = h.as('deployer');
    const approver = h.as('approver');
    const viewer = h.as('viewer');

    const analysis = await deployer.expect(201, 'POST', '/v1/analyses', { path: FULLSTACK_PATH });
    assert.equal(analysis.app, 'fullstack');
    const planA = await deployer.expect(201, 'POST', '/v1/plans', {
      analysisId: analysis.id,
      environment: 'prod',
    });
    const report = await viewer.get(`/v1/plans/${String(planA.id)}/report`);
    assert.equal(report.status, 200);
    assert.match(report.text, /fullstack/);

    // Preview, held for an approval that its own requester may not give.
    const previewA = await deployer.run('/v1/stacks/prod/previews', { planId: planA.id });
    const previewResult = previewA.result as { changes: Record<string, number>; planHash: string };
    assert.equal(previewResult.planHash, planA.hash);
    assert.ok((previewResult.changes.create ?? 0) > 0);
    assert.deepEqual(previewA.approval, { required: true, state: 'pending' });
    assert.equal(
      (await deployer.post('/v1/stacks/prod/deployments', { planId: planA.id })).status,
      403,
    );
    await approver.expect(201, 'POST', '/v1/approvals', {
      previewOperationId: previewA.id,
      decision: 'approve',
      comment: 'looks right',
    });

    const upA = await deployer.run('/v1/stacks/prod/deployments', {
      planId: planA.id,
      previewOperationId: previewA.id,
    });
    assert.equal((upA.result as { status: string }).status, 'succeeded');

    const history1 = await viewer.expect(200, 'GET', '/v1/stacks/prod/history?project=fullstack');
    const entries1 = history1.history as { planHash?: string; result: string; action?: string }[];
    assert.deepEqual(
      entries1.map((e) => [e.action, e.result, e.planHash]),
      [['up', 'succeeded', planA.hash]],
    );

    // A changed environment gives a changed plan: preview, approve and deploy it, watching live.
    const stackFile = join(h.stacksDir, 'Pulumi.prod.yaml');
    writeFileSync(
      stackFile,
      readFileSync(stackFile, 'utf8').replace('maxReplicas: 10', 'maxReplicas: 12'),
    );
    const planB = await deployer.expect(201, 'POST', '/v1/plans', {
      analysisId: analysis.id,
      environment: 'prod',
    });
    assert.notEqual(planB.hash, planA.hash);
    const diff = await viewer.expect(
      200,
      'GET',
      `/v1/plans/${String(planA.id)}/diff/${String(planB.id)}`,
    );
    // What changed: prod's maxReplicas 10 → 12, on each autoscaler and in each scaling decision.
    const autoscaled = ['api', 'chat', 'web', 'worker'];
    assert.deepEqual(
      [diff.before, diff.after, diff.identical, diff.added, diff.removed, diff.images],
      [
        { environment: 'prod', hash: planA.hash },
        { environment: 'prod', hash: planB.hash },
        false,
        [],
        [],
        [],
      ],
    );
    assert.deepEqual(
      diff.changed,
      autoscaled.map((c) => ({
        id: `autoscaler/${c}`,
        kind: 'autoscaler',
        fields: ['spec.maxReplicas'],
      })),
    );
    const decisions = diff.decisions as {
      subject: string;
      topic: string;
      before: string;
      after: string;
    }[];
    assert.deepEqual(
      decisions.map((d) => [d.subject, d.topic, /3-10 /.test(d.before), /3-12 /.test(d.after)]),
      autoscaled.map((c) => [c, 'replicas', true, true]),
    );
    const previewB = await deployer.run('/v1/stacks/prod/previews', { planId: planB.id });
    await h.as('approver2').expect(201, 'POST', '/v1/approvals', {
      previewOperationId: previewB.id,
      decision: 'approve',
    });
    const upB = await deployer.expect(202, 'POST', '/v1/stacks/prod/deployments', {
      planId: planB.id,
      previewOperationId: previewB.id,
    });
    const upId = String(upB.operationId);

    // Join live, drop after three events, resume from the last id: together exactly the stored events.
    const first = await readSse(viewer, upId, { stopAfter: 3 });
    assert.match(first.contentType, /^text\/event-stream/);
    const lastSeen = first.frames.at(-1)?.id ?? 0;
    const rest = await readSse(viewer, upId, { lastEventId: lastSeen });
    assert.equal(rest.ended, true);
    assert.deepEqual(rest.frames.at(-1), { event: 'end', data: { status: 'succeeded' } });
    const streamed = [...first.frames, ...rest.frames].filter((f: SseFrame) => f.id !== undefined);
    const stored = await viewer.expect(200, 'GET', `/v1/operations/${upId}/events`);
    const storedEvents = stored.events as { seq: number }[];
    assert.deepEqual(
      streamed.map((f) => f.id),
      storedEvents.map((e) => e.seq),
    );
    assert.deepEqual(
      streamed.map((f) => f.data),
      storedEvents,
    );
    // A client joining after the end gets the whole replay and the end at once.
    const late = await readSse(viewer, upId);
    assert.equal(late.frames.length, storedEvents.length + 1);

    const current = await viewer.expect(200, 'GET', '/v1/stacks/prod/current?project=fullstack');
    assert.deepEqual([current.deployedPlanHash, current.planId], [planB.hash, planB.id]);

    // A rollback returns only to the stack's own history: on gated prod, a plan never deployed
    // there is refused (403 approval_required, as checkRollbackTarget has it) and never runs.
    writeFileSync(
      stackFile,
      readFileSync(stackFile, 'utf8').replace('maxReplicas: 12', 'maxReplicas: 14'),
    );
    const planC = await deployer.expect(201, 'POST', '/v1/plans', {
      analysisId: analysis.id,
      environment: 'prod',
    });
    const refused = await deployer.post('/v1/stacks/prod/rollbacks', {
      project: 'fullstack',
      to: planC.hash,
    });
    assert.deepEqual([refused.status, refused.body.code], [403, 'approval_required']);
    const refusedOp = await viewer.expect(
      200,
      'GET',
      `/v1/operations/${String(refused.body.operationId)}`,
    );
    assert.deepEqual([refusedOp.kind, refusedOp.status], ['rollback', 'rejected']);

    // Roll back to the previous plan: it is in prod's history, so no approval is asked for.
    const back = await deployer.run('/v1/stacks/prod/rollbacks', { project: 'fullstack' });
    assert.equal((back.result as { planHash: string }).planHash, planA.hash);
    const history3 = await viewer.expect(200, 'GET', '/v1/stacks/prod/history?project=fullstack');
    assert.deepEqual(
      (history3.history as { planHash?: string; action?: string; result: string }[]).map((e) => [
        e.action,
        e.result,
        e.planHash,
      ]),
      [
        ['rollback', 'succeeded', planA.hash],
        ['up', 'succeeded', planB.hash],
        ['up', 'succeeded', planA.hash],
      ],
    );
    const after = await viewer.expect(200, 'GET', '/v1/stacks/prod/current?project=fullstack');
    assert.equal(after.deployedPlanHash, planA.hash);

    // Every step is on record.
    const audit = await h.as('admin').expect(200, 'GET', '/v1/audit?limit=1000');
    const actions = (audit.entries as { action: string; outcome: string }[])
      .filter((e) => !e.action.includes(' '))
      .map((e) => `${e.action} ${e.outcome}`);
    for (const expected of [
      'approval.approve approved',
      'approval.use used-by',
      'operation.up accepted',
      'operation.rollback accepted',
    ])
      assert.ok(
        actions.some((a) => a.startsWith(expected)),
        `${expected} in ${actions.join(', ')}`,
      );
  });
});
