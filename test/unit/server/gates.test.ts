/**
 * Approval gates, the busy policy and operation records over HTTP, with the fake engine
 * (the same flows run against the real engine in test/integration/server/).
 */
import { strict as assert } from 'node:assert';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../../src/server/app';
import type { AppDeps } from '../../../src/server/deps';
import type { ManualClock } from '../../../src/store';
import {
  APP,
  deferred,
  driftError,
  fakeDeps,
  type FakeEngine,
  type fakePipeline,
  type Tokens,
} from './support/fakes';

describe('server: approval gates and operations (fake engine)', () => {
  let deps: AppDeps;
  let tokens: Tokens;
  let engine: FakeEngine;
  let clock: ManualClock;
  let pipeline: ReturnType<typeof fakePipeline>;
  let app: Express;

  function setUp(busy: 'queue' | 'refuse' = 'queue') {
    ({ deps, tokens, engine, clock, pipeline } = fakeDeps({ busy }));
    app = createApp(deps);
  }
  beforeEach(() => setUp());
  afterEach(() => deps.store.close());

  const as = (who: keyof Tokens) => ({ Authorization: `Bearer ${tokens[who]}` });

  async function plan(env: string): Promise<string> {
    const res = await request(app)
      .post('/v1/plans')
      .set(as('deployer'))
      .send({ environment: env, app: APP })
      .expect(201);
    return res.body.id as string;
  }
  async function preview(
    env: string,
    planId: string,
    who: keyof Tokens = 'deployer',
  ): Promise<string> {
    const res = await request(app)
      .post(`/v1/stacks/${env}/previews`)
      .set(as(who))
      .send({ planId })
      .expect(202);
    await deps.runner.idle();
    return res.body.operationId as string;
  }
  const approve = (
    previewOperationId: string,
    who: keyof Tokens = 'approver',
    decision = 'approve',
  ) => request(app).post('/v1/approvals').set(as(who)).send({ previewOperationId, decision });
  const deploy = (env: string, planId: string, previewOperationId?: string) =>
    request(app)
      .post(`/v1/stacks/${env}/deployments`)
      .set(as('deployer'))
      .send({ planId, ...(previewOperationId ? { previewOperationId } : {}) });
  const operation = async (id: string) =>
    (await request(app).get(`/v1/operations/${id}`).set(as('viewer')).expect(200)).body;

  it('deploys prod only after another person approves the preview, held to its update plan', async () => {
    const planId = await plan('prod');
    const previewId = await preview('prod', planId);
    assert.equal((await operation(previewId)).approval.state, 'pending');
    const pending = await request(app)
      .get('/v1/approvals?status=pending')
      .set(as('viewer'))
      .expect(200);
    assert.deepEqual(
      pending.body.items.map((i: { previewOperationId: string }) => i.previewOperationId),
      [previewId],
    );

    assert.equal((await deploy('prod', planId)).body.code, 'approval_required');
    assert.equal((await deploy('prod', planId, previewId)).status, 403);
    await approve(previewId).expect(201);
    assert.equal((await operation(previewId)).approval.state, 'approved');

    const up = await deploy('prod', planId, previewId).expect(202);
    await deps.runner.idle();
    const done = await operation(up.body.operationId);
    assert.equal(done.status, 'succeeded');
    assert.equal(done.previewOperationId, previewId);
    assert.equal((await operation(previewId)).approval.state, 'used');
    const upCall = engine.calls.find((c) => c.op === 'up');
    assert.match(
      upCall?.updatePlan ?? '',
      /^\/state\/update-plans\//,
      'the up is held to the saved update plan',
    );
    assert.ok(
      !JSON.stringify(await operation(previewId)).includes('update-plans'),
      'the server path stays inside',
    );
  });

  it('refuses self-approval (403), a second decision, a reused or expired approval and a changed plan (409)', async () => {
    const planId = await plan('prod');
    const previewId = await preview('prod', planId, 'approver2'); // an approver may request previews too
    assert.equal((await approve(previewId, 'approver2').expect(403)).body.code, 'self_approval');
    await approve(previewId).expect(201);
    assert.equal((await approve(previewId, 'admin').expect(409)).body.code, 'already_decided');

    pipeline.variant = 1;
    const changed = await plan('prod');
    assert.notEqual(changed, planId);
    assert.equal((await deploy('prod', changed, previewId).expect(409)).body.code, 'plan_changed');

    await deploy('prod', planId, previewId).expect(202);
    await deps.runner.idle();
    const reuse = await deploy('prod', planId, previewId).expect(409);
    assert.equal(reuse.body.code, 'approval_used');
    assert.equal(
      (await operation(reuse.body.operationId)).status,
      'rejected',
      'the refusal is on record',
    );

    const second = await preview('prod', planId);
    await approve(second).expect(201);
    clock.advanceMinutes(61);
    assert.equal((await deploy('prod', planId, second).expect(409)).body.code, 'approval_expired');
  });

  it('never deploys a rejected preview, and refuses a preview older than the last change of its stack', async () => {
    const planId = await plan('prod');
    const rejected = await preview('prod', planId);
    await approve(rejected, 'approver', 'reject').expect(201);
    assert.equal((await operation(rejected)).approval.state, 'rejected');
    assert.equal(
      (await deploy('prod', planId, rejected).expect(409)).body.code,
      'preview_rejected',
    );

    const old = await preview('prod', planId);
    const fresh = await preview('prod', planId);
    await approve(old).expect(201);
    await approve(fresh).expect(201);
    await deploy('prod', planId, fresh).expect(202);
    await deps.runner.idle();
    assert.equal((await deploy('prod', planId, old).expect(409)).body.code, 'stack_changed');
  });

  it('ends an up the engine refuses as drifted (plan_mismatch) failed, with a 409 problem', async () => {
    const planId = await plan('prod');
    const previewId = await preview('prod', planId);
    await approve(previewId).expect(201);
    engine.failNextUp = driftError();
    const up = await deploy('prod', planId, previewId).expect(202);
    await deps.runner.idle();
    const done = await operation(up.body.operationId);
    assert.deepEqual(
      [done.status, done.error.status, done.error.code],
      ['failed', 409, 'plan_mismatch'],
    );
  });

  it('refuses a rollback of a gated stack to a plan it never deployed (a previewed, unapproved plan)', async () => {
    const planId = await plan('prod');
    await preview('prod', planId);
    const res = await request(app)
      .post('/v1/stacks/prod/rollbacks')
      .set(as('deployer'))
      .send({ project: 'shop', to: planId })
      .expect(403);
    assert.equal(res.body.code, 'approval_required');
    await deps.runner.idle();
    assert.deepEqual(
      engine.calls.map((c) => c.op),
      ['preview'],
      'the engine was never asked to roll back',
    );
    const refused = await operation(res.body.operationId);
    assert.deepEqual([refused.kind, refused.status], ['rollback', 'rejected']);
  });

  it('deploys ungated environments without a preview', async () => {
    const planId = await plan('dev');
    const up = await deploy('dev', planId).expect(202);
    await deps.runner.idle();
    assert.equal((await operation(up.body.operationId)).status, 'succeeded');
  });

  it('queues a second operation on a busy stack (busy=queue) and runs it after the first', async () => {
    const planId = await plan('dev');
    const hold = deferred();
    engine.hold = hold.promise;
    // Each engine call takes one second of the test's clock, so that start and end times tell
    // whether the second preview waited for the first.
    const preview = engine.preview.bind(engine);
    engine.preview = async (...args) => {
      const result = await preview(...args);
      clock.advance(1000);
      return result;
    };
    const t0 = clock.now().getTime();
    const at = (seconds: number) => new Date(t0 + seconds * 1000).toISOString();
    const first = await request(app)
      .post('/v1/stacks/dev/previews')
      .set(as('deployer'))
      .send({ planId })
      .expect(202);
    const second = await request(app)
      .post('/v1/stacks/dev/previews')
      .set(as('deployer'))
      .send({ planId })
      .expect(202);
    assert.deepEqual([first.body.position, second.body.position], [0, 1]);
    assert.equal((await operation(second.body.operationId)).status, 'queued');
    hold.resolve();
    await deps.runner.idle();
    const [a, b] = [
      await operation(first.body.operationId),
      await operation(second.body.operationId),
    ];
    assert.deepEqual(
      [a.status, a.createdAt, a.startedAt, a.finishedAt],
      ['succeeded', at(0), at(0), at(1)],
    );
    // Queued at 0 with the first, started only when the first had finished, at 1.
    assert.deepEqual(
      [b.status, b.createdAt, b.startedAt, b.finishedAt],
      ['succeeded', at(0), at(1), at(2)],
    );
  });

  it('refuses a second operation on a busy stack with 409 stack_busy (busy=refuse), other stacks unaffected', async () => {
    deps.store.close();
    setUp('refuse');
    const devPlan = await plan('dev');
    const prodPlan = await plan('prod');
    const hold = deferred();
    engine.hold = hold.promise;
    await request(app)
      .post('/v1/stacks/dev/previews')
      .set(as('deployer'))
      .send({ planId: devPlan })
      .expect(202);
    const busy = await request(app)
      .post('/v1/stacks/dev/previews')
      .set(as('deployer'))
      .send({ planId: devPlan })
      .expect(409);
    assert.equal(busy.body.code, 'stack_busy');
    assert.equal((await operation(busy.body.operationId)).status, 'rejected');
    await request(app)
      .post('/v1/stacks/prod/previews')
      .set(as('deployer'))
      .send({ planId: prodPlan })
      .expect(202);
    hold.resolve();
    await deps.runner.idle();
  });

  it('refuses a plan made for another environment with a 400 naming the field', async () => {
    const planId = await plan('dev');
    const res = await request(app)
      .post('/v1/stacks/prod/previews')
      .set(as('deployer'))
      .send({ planId })
      .expect(400);
    assert.equal(res.body.issues[0].field, 'body.planId');
  });

  it('replays stored events as JSON and as SSE from Last-Event-ID, ending with the final status', async () => {
    const planId = await plan('dev');
    const id = await preview('dev', planId);
    const list = await request(app)
      .get(`/v1/operations/${id}/events`)
      .set(as('viewer'))
      .expect(200);
    assert.deepEqual(
      list.body.events.map((e: { seq: number }) => e.seq),
      [1, 2],
    );
    const sse = await request(app)
      .get(`/v1/operations/${id}/events`)
      .set(as('viewer'))
      .set('Accept', 'text/event-stream')
      .set('Last-Event-ID', '1')
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => done(null, text));
      })
      .expect(200);
    assert.match(sse.headers['content-type'] ?? '', /^text\/event-stream/);
    const frames = (sse.body as string).split('\n\n').filter(Boolean);
    assert.deepEqual(
      frames.map((f) => f.split('\n')[0]),
      ['id: 2', 'event: end'],
    );
    assert.equal(frames[1], 'event: end\ndata: {"status":"succeeded"}');
  });

  it('records decisions and refused operations in the audit log', async () => {
    const planId = await plan('prod');
    const previewId = await preview('prod', planId);
    await approve(previewId, 'deployer').expect(403);
    await approve(previewId).expect(201);
    await deploy('prod', planId).expect(403);
    const decisions = deps.store.audit
      .list()
      .filter((e) => !e.action.includes(' '))
      .map((e) => [e.who, e.action, e.outcome.replace(/op_\w+/, 'op')])
      .reverse();
    assert.deepEqual(decisions, [
      ['deployer', 'operation.preview', 'accepted'],
      ['approver', 'approval.approve', 'approved'],
      ['deployer', 'operation.up', 'refused:approval_required'],
    ]);
  });
});
