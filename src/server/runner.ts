/**
 * The operation runner: one operation per stack at a time, first come first served, and
 * different stacks in parallel. Events are persisted as they arrive and passed to live
 * subscribers (SSE); the outcome is written when the task ends, whatever happens.
 */
import type { Logger } from 'pino';
import { ConflictError } from '../model/errors';
import type { OperationEvent } from '../model/operations';
import type { OperationRecord, OperationStatus, Store } from '../store';
import { toProblem, type Problem } from './problem';

/** How a task ended. Failures the engine reports as results are `failed` with their result. */
export interface TaskOutcome {
  status: 'succeeded' | 'failed';
  result?: unknown;
  error?: Problem;
  /** A preview's saved Pulumi update plan (server-side path). */
  updatePlan?: string;
}

/** What a task gets besides `emit`: its operation, and a signal that fires when it is cancelled. */
export interface TaskContext {
  operation: OperationRecord;
  /** Aborted by {@link OperationRunner.cancelAll} (server shutdown): pass it to the engine. */
  signal: AbortSignal;
}

/** The work of one operation; `emit` records an event. Thrown errors make the operation fail. */
export type Task = (
  emit: (event: OperationEvent) => void,
  context: TaskContext,
) => Promise<TaskOutcome>;

/** What a subscriber to an operation hears. */
export type RunnerMessage =
  { type: 'event'; seq: number; event: OperationEvent } | { type: 'end'; status: OperationStatus };

type Listener = (message: RunnerMessage) => void;

interface Job {
  op: OperationRecord;
  task: Task;
  abort: AbortController;
}

/** The stack an operation works on. */
export function stackKey(project: string, environment: string): string {
  return `${project}/${environment}`;
}

export class OperationRunner {
  private readonly waiting = new Map<string, Job[]>();
  private readonly active = new Map<string, Job>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly deps: {
      store: Store;
      logger: Logger;
      /** Called after an operation's outcome is stored. */
      onFinished?: (op: OperationRecord) => void;
    },
  ) {}

  /** Operations running or waiting on the stack. */
  load(project: string, environment: string): number {
    const key = stackKey(project, environment);
    return (this.active.has(key) ? 1 : 0) + (this.waiting.get(key)?.length ?? 0);
  }

  /** Operations waiting for their stack, over all stacks. */
  queueDepth(): number {
    let n = 0;
    for (const q of this.waiting.values()) n += q.length;
    return n;
  }

  running(): number {
    return this.active.size;
  }

  /**
   * Puts a queued operation in line for its stack. Returns how many operations are ahead
   * of it (0: it starts now).
   */
  submit(op: OperationRecord, task: Task): number {
    const key = stackKey(op.project, op.environment);
    const ahead = this.load(op.project, op.environment);
    const queue = this.waiting.get(key) ?? [];
    queue.push({ op, task, abort: new AbortController() });
    this.waiting.set(key, queue);
    this.pump(key);
    return ahead;
  }

  /** Listens to an operation's new events and its end. Returns the unsubscribe function. */
  subscribe(operationId: string, listener: Listener): () => void {
    const set = this.listeners.get(operationId) ?? new Set();
    set.add(listener);
    this.listeners.set(operationId, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(operationId);
    };
  }

  /**
   * Cancels every running operation (their engine calls get the abort signal: the pulumi CLI
   * is interrupted and stops cleanly) and drops the waiting ones, which end `failed` with a
   * `cancelled` problem. For shutdown: resolves once nothing runs.
   */
  cancelAll(): Promise<void> {
    for (const [key, queue] of this.waiting) {
      this.waiting.delete(key);
      for (const job of queue) {
        job.abort.abort();
        void this.run(job);
      }
    }
    for (const job of this.active.values()) job.abort.abort();
    return this.idle();
  }

  /** Resolves once no operation runs or waits. */
  idle(): Promise<void> {
    if (this.active.size === 0 && this.queueDepth() === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(key: string): void {
    if (this.active.has(key)) return;
    const queue = this.waiting.get(key);
    const job = queue?.shift();
    if (queue && queue.length === 0) this.waiting.delete(key);
    if (!job) {
      this.checkIdle();
      return;
    }
    this.active.set(key, job);
    void this.run(job).finally(() => {
      this.active.delete(key);
      this.pump(key);
    });
  }

  private async run({ op, task, abort }: Job): Promise<void> {
    const { store, logger } = this.deps;
    let outcome: TaskOutcome;
    try {
      const base =
        op.kind === 'preview' ? store.operations.lastChange(op.project, op.environment) : undefined;
      store.operations.start(op.id, base?.id);
      if (abort.signal.aborted)
        throw new ConflictError('the server shut down before this operation started', 'cancelled');
      outcome = await task((event) => this.record(op.id, event), {
        operation: op,
        signal: abort.signal,
      });
    } catch (err) {
      const mapped = toProblem(err, { instance: `/v1/operations/${op.id}` });
      if (mapped.unexpected)
        logger.error(
          { errorId: mapped.unexpected.errorId, err: mapped.unexpected.error, operationId: op.id },
          'operation failed unexpectedly',
        );
      outcome = { status: 'failed', error: mapped.problem };
    }
    let final: OperationRecord | undefined;
    try {
      final = store.operations.finish(op.id, {
        status: outcome.status,
        ...(outcome.result !== undefined ? { result: outcome.result } : {}),
        ...(outcome.error ? { error: { ...outcome.error } } : {}),
        ...(outcome.updatePlan ? { updatePlan: outcome.updatePlan } : {}),
      });
    } catch (err) {
      logger.error({ err, operationId: op.id }, 'could not store the outcome of an operation');
    }
    this.notify(op.id, { type: 'end', status: final?.status ?? outcome.status });
    if (final) this.deps.onFinished?.(final);
  }

  private record(operationId: string, event: OperationEvent): void {
    try {
      const stored = this.deps.store.events.append(operationId, event);
      this.notify(operationId, { type: 'event', seq: stored.seq, event });
    } catch (err) {
      this.deps.logger.error({ err, operationId }, 'could not store an operation event');
    }
  }

  private notify(operationId: string, message: RunnerMessage): void {
    for (const listener of [...(this.listeners.get(operationId) ?? [])]) {
      try {
        listener(message);
      } catch (err) {
        this.deps.logger.warn({ err, operationId }, 'an operation listener failed');
      }
    }
  }

  private checkIdle(): void {
    if (this.active.size > 0 || this.queueDepth() > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
