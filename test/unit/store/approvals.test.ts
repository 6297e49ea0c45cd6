import { strict as assert } from 'node:assert';
import { ConflictError } from '../../../src/model/errors';
import { ManualClock, openStore, type Store } from '../../../src/store';

describe('store: approvals and audit', () => {
  let store: Store;
  beforeEach(() => {
    store = openStore({ file: ':memory:', clock: new ManualClock() });
  });
  afterEach(() => store.close());

  function preview(status: 'succeeded' | 'failed', approvalRequired = true) {
    const op = store.operations.create({
      kind: 'preview',
      project: 'shop',
      environment: 'prod',
      requester: 'dev-1',
      planHash: 'sha256:aa',
      approvalRequired,
    });
    store.operations.start(op.id);
    return store.operations.finish(op.id, { status });
  }

  const decision = (previewOperationId: string, decision: 'approve' | 'reject' = 'approve') => ({
    previewOperationId,
    planHash: 'sha256:aa',
    project: 'shop',
    environment: 'prod',
    approver: 'boss',
    decision,
    expiresAt: '2030-01-01T01:00:00.000Z',
  });

  it('lists succeeded previews that need a decision as pending until decided', () => {
    const p1 = preview('succeeded');
    preview('failed');
    preview('succeeded', false);
    const p2 = preview('succeeded');
    assert.deepEqual(store.approvals.pendingPreviewIds(), [p2.id, p1.id]);
    store.approvals.create(decision(p1.id));
    assert.deepEqual(store.approvals.pendingPreviewIds(), [p2.id]);
    assert.deepEqual(
      store.approvals.list('approve').map((a) => a.previewOperationId),
      [p1.id],
    );
  });

  it('takes one decision per preview, and an approval is spent once', () => {
    const p = preview('succeeded');
    const approval = store.approvals.create(decision(p.id));
    assert.throws(() => store.approvals.create(decision(p.id, 'reject')), ConflictError);
    const up1 = store.operations.create({
      kind: 'up',
      project: 'shop',
      environment: 'prod',
      requester: 'x',
    });
    const up2 = store.operations.create({
      kind: 'up',
      project: 'shop',
      environment: 'prod',
      requester: 'x',
    });
    assert.equal(store.approvals.markUsed(approval.id, up1.id), true);
    assert.equal(store.approvals.markUsed(approval.id, up2.id), false);
    assert.equal(store.approvals.forPreview(p.id)?.usedByOperation, up1.id);
  });

  it('never spends a rejection', () => {
    const p = preview('succeeded');
    const rejection = store.approvals.create(decision(p.id, 'reject'));
    const up = store.operations.create({
      kind: 'up',
      project: 'shop',
      environment: 'prod',
      requester: 'x',
    });
    assert.equal(store.approvals.markUsed(rejection.id, up.id), false);
  });

  it('appends audit entries and lists them newest first, paging back by id', () => {
    for (const n of [1, 2, 3])
      store.audit.record({ who: `u${n}`, action: 'GET /x', target: '/x', outcome: '200' });
    const all = store.audit.list();
    assert.deepEqual(
      all.map((e) => e.who),
      ['u3', 'u2', 'u1'],
    );
    assert.deepEqual(
      store.audit.list({ before: all[0]?.id, limit: 1 }).map((e) => e.who),
      ['u2'],
    );
  });
});
