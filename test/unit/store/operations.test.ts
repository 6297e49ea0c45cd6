import { strict as assert } from 'node:assert';
import { ManualClock, openStore, type Store } from '../../../src/store';
import { samplePlan } from '../server/support/plans';

describe('store: operations, events, plans, analyses', () => {
  let store: Store;
  let clock: ManualClock;
  beforeEach(() => {
    clock = new ManualClock('2030-01-01T00:00:00Z');
    store = openStore({ file: ':memory:', clock });
  });
  afterEach(() => store.close());

  it('moves an operation queued → running → succeeded with the clock’s timestamps', () => {
    const op = store.operations.create({
      kind: 'up',
      project: 'shop',
      environment: 'dev',
      requester: 'ci',
    });
    assert.equal(op.status, 'queued');
    clock.advance(1000);
    assert.equal(store.operations.start(op.id).status, 'running');
    clock.advance(1000);
    const done = store.operations.finish(op.id, { status: 'succeeded', result: { ok: 1 } });
    assert.deepEqual(
      {
        status: done.status,
        result: done.result,
        createdAt: done.createdAt,
        startedAt: done.startedAt,
        finishedAt: done.finishedAt,
      },
      {
        status: 'succeeded',
        result: { ok: 1 },
        createdAt: '2030-01-01T00:00:00.000Z',
        startedAt: '2030-01-01T00:00:01.000Z',
        finishedAt: '2030-01-01T00:00:02.000Z',
      },
    );
  });

  it('lists unfinished operations and marks them interrupted in one go', () => {
    const a = store.operations.create({
      kind: 'up',
      project: 'shop',
      environment: 'dev',
      requester: 'x',
    });
    const b = store.operations.create({
      kind: 'preview',
      project: 'shop',
      environment: 'prod',
      requester: 'x',
    });
    const c = store.operations.create({
      kind: 'preview',
      project: 'shop',
      environment: 'prod',
      requester: 'x',
    });
    store.operations.start(a.id);
    store.operations.start(c.id);
    store.operations.finish(c.id, { status: 'failed' });
    assert.deepEqual(
      store.operations.unfinished().map((o) => o.id),
      [a.id, b.id],
    );
    store.operations.markInterrupted([a.id, b.id], { code: 'interrupted' });
    assert.deepEqual(
      [a.id, b.id, c.id].map((id) => store.operations.get(id)?.status),
      ['interrupted', 'interrupted', 'failed'],
    );
    assert.deepEqual(store.operations.unfinished(), []);
  });

  it('knows the last up or rollback that ran on a stack, whatever its outcome', () => {
    const mk = (kind: 'up' | 'rollback' | 'preview', status: 'succeeded' | 'failed') => {
      const op = store.operations.create({
        kind,
        project: 'shop',
        environment: 'dev',
        requester: 'x',
      });
      store.operations.start(op.id);
      clock.advance(10);
      return store.operations.finish(op.id, { status });
    };
    assert.equal(store.operations.lastChange('shop', 'dev'), undefined);
    mk('up', 'succeeded');
    const failed = mk('up', 'failed');
    mk('preview', 'succeeded');
    store.operations.create({ kind: 'up', project: 'shop', environment: 'dev', requester: 'x' });
    assert.equal(
      store.operations.lastChange('shop', 'dev')?.id,
      failed.id,
      'queued ops changed nothing yet',
    );
    const back = mk('rollback', 'succeeded');
    assert.equal(store.operations.lastChange('shop', 'dev')?.id, back.id);
    assert.equal(store.operations.lastChange('shop', 'prod'), undefined);
  });

  it('numbers events 1, 2, … per operation and lists those after a sequence number', () => {
    const a = store.operations.create({
      kind: 'up',
      project: 'shop',
      environment: 'dev',
      requester: 'x',
    });
    const b = store.operations.create({
      kind: 'up',
      project: 'shop',
      environment: 'qa',
      requester: 'x',
    });
    const seqs = [
      store.events.append(a.id, { sequence: 10, kind: 'step-start', name: 'one' }).seq,
      store.events.append(b.id, { sequence: 3, kind: 'summary' }).seq,
      store.events.append(a.id, { sequence: 11, kind: 'step-done', name: 'one' }).seq,
    ];
    assert.deepEqual(seqs, [1, 1, 2]);
    assert.deepEqual(store.events.list(a.id, 1), [
      { seq: 2, event: { sequence: 11, kind: 'step-done', name: 'one' } },
    ]);
  });

  it('keeps one plan per content hash, found by id or by hash', () => {
    const plan = samplePlan('dev');
    const first = store.plans.put(plan, 'alice');
    const second = store.plans.put(plan, 'bob');
    assert.equal(second.id, first.id);
    assert.equal(store.plans.find(plan.hash)?.id, first.id);
    assert.deepEqual(store.plans.find(first.id)?.plan, plan);
    const other = store.plans.put(samplePlan('dev', 1), 'alice');
    assert.notEqual(other.id, first.id);
    assert.equal(store.plans.find('pl_aaaaaaaaaaaaaaaaaaaa'), undefined);
  });
});
