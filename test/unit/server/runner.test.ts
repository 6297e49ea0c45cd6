import { strict as assert } from 'node:assert';
import { EngineError } from '../../../src/model/errors';
import { createLogger } from '../../../src/server/logger';
import { OperationRunner, type RunnerMessage } from '../../../src/server/runner';
import { ManualClock, openStore, type OperationRecord, type Store } from '../../../src/store';
import { deferred } from './support/fakes';

describe('server: operation runner', () => {
  let store: Store;
  let runner: OperationRunner;
  let log: string[];
  beforeEach(() => {
    store = openStore({ file: ':memory:', clock: new ManualClock() });
    runner = new OperationRunner({ store, logger: createLogger({ level: 'silent' }) });
    log = [];
  });
  afterEach(() => store.close());

  const op = (environment: string): OperationRecord =>
    store.operations.create({ kind: 'preview', project: 'shop', environment, requester: 'x' });

  /** A task that logs its start and end and waits for `gate`. */
  const task = (name: string, gate: Promise<void>) => async () => {
    log.push(`start ${name}`);
    await gate;
    log.push(`end ${name}`);
    return { status: 'succeeded' as const };
  };

  it('runs one operation per stack at a time, in arrival order, and stacks in parallel', async () => {
    const gates = [deferred(), deferred(), deferred()];
    const [a1, a2, b1] = [op('dev'), op('dev'), op('staging')];
    assert.deepEqual(
      [
        runner.submit(a1, task('a1', gates[0]!.promise)),
        runner.submit(a2, task('a2', gates[1]!.promise)),
        runner.submit(b1, task('b1', gates[2]!.promise)),
      ],
      [0, 1, 0],
    );
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(log, ['start a1', 'start b1'], 'b1 runs beside a1; a2 waits');
    assert.deepEqual([runner.queueDepth(), runner.running()], [1, 2]);
    assert.equal(store.operations.get(a2.id)?.status, 'queued');
    gates[1]!.resolve(); // a2's own gate opening changes nothing while a1 runs
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(log, ['start a1', 'start b1']);
    gates[0]!.resolve();
    gates[2]!.resolve();
    await runner.idle();
    assert.ok(log.indexOf('end a1') < log.indexOf('start a2'), log.join(', '));
    assert.deepEqual(
      [a1, a2, b1].map((o) => store.operations.get(o.id)?.status),
      ['succeeded', 'succeeded', 'succeeded'],
    );
  });

  it('cancels the running operations through their signal and the queued ones at shutdown', async () => {
    const [a1, a2] = [op('dev'), op('dev')];
    let sawAbort = false;
    runner.submit(a1, async (_emit, { signal }) => {
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
      sawAbort = true;
      return { status: 'failed' as const };
    });
    runner.submit(a2, task('a2', Promise.resolve()));
    await new Promise((r) => setImmediate(r));
    await runner.cancelAll();
    assert.ok(sawAbort, 'the running task heard the abort');
    assert.deepEqual(log, [], 'the queued one never started');
    const queued = store.operations.get(a2.id);
    assert.deepEqual(
      [store.operations.get(a1.id)?.status, queued?.status, queued?.error?.code],
      ['failed', 'failed', 'cancelled'],
    );
  });

  it('stores events as they arrive, tells subscribers, and ends with the final status', async () => {
    const a = op('dev');
    const heard: RunnerMessage[] = [];
    runner.subscribe(a.id, (m) => heard.push(m));
    runner.submit(a, async (emit) => {
      emit({ sequence: 5, kind: 'step-start', name: 'ns' });
      emit({ sequence: 6, kind: 'step-done', name: 'ns' });
      return { status: 'succeeded', result: { done: true } };
    });
    await runner.idle();
    assert.deepEqual(heard, [
      { type: 'event', seq: 1, event: { sequence: 5, kind: 'step-start', name: 'ns' } },
      { type: 'event', seq: 2, event: { sequence: 6, kind: 'step-done', name: 'ns' } },
      { type: 'end', status: 'succeeded' },
    ]);
    assert.deepEqual(
      store.events.list(a.id).map((e) => e.seq),
      [1, 2],
    );
    assert.deepEqual(store.operations.get(a.id)?.result, { done: true });
  });

  it('fails an operation whose task throws, with the mapped problem, and carries on with the next', async () => {
    const [a, b] = [op('dev'), op('dev')];
    runner.submit(a, async () => {
      throw new EngineError('dev: provider crashed', ['provider crashed']);
    });
    runner.submit(b, async () => ({ status: 'succeeded' }));
    await runner.idle();
    const failed = store.operations.get(a.id);
    assert.deepEqual(
      [
        failed?.status,
        failed?.error?.status,
        failed?.error?.code,
        store.operations.get(b.id)?.status,
      ],
      ['failed', 502, 'engine_failed', 'succeeded'],
    );
  });

  it('records the stack’s last change when a preview starts, for the stale-preview check', async () => {
    const up = store.operations.create({
      kind: 'up',
      project: 'shop',
      environment: 'dev',
      requester: 'x',
    });
    runner.submit(up, async () => ({ status: 'succeeded' }));
    const p = op('dev');
    runner.submit(p, async () => ({ status: 'succeeded' }));
    await runner.idle();
    assert.equal(store.operations.get(p.id)?.baseOperationId, up.id);
  });
});
