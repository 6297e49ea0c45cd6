/**
 * Server-Sent Events of one operation: every stored event after the client's last one
 * (`Last-Event-ID` or `?after=`), then live events as the runner records them, then an `end`
 * event with the final status. The event id is the event's sequence number, so a client that
 * reconnects resumes exactly where it stopped; joining after the end replays and ends at once.
 */
import type { Response } from 'express';
import { FINAL_STATUSES, type OperationStatus, type StoredEvent } from '../store';
import type { AppDeps } from './deps';
import type { RunnerMessage } from './runner';

/** Streams operation `operationId` to `res` from sequence number `after` (exclusive). */
export function streamOperation(
  deps: AppDeps,
  res: Response,
  operationId: string,
  after: number,
): void {
  res.status(200);
  res.set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();

  let last = after;
  let ended = false;
  let replaying = true;
  const pending: RunnerMessage[] = [];

  const sendEvent = (e: StoredEvent): void => {
    if (ended || e.seq <= last) return;
    last = e.seq;
    res.write(`id: ${e.seq}\ndata: ${JSON.stringify({ seq: e.seq, event: e.event })}\n\n`);
  };
  const end = (status: OperationStatus): void => {
    if (ended) return;
    // Events stored after the last one seen live (none, normally) go out before the end.
    for (const e of deps.store.events.list(operationId, last)) sendEvent(e);
    ended = true;
    res.write(`event: end\ndata: ${JSON.stringify({ status })}\n\n`);
    cleanup();
    res.end();
  };
  const handle = (m: RunnerMessage): void => {
    if (m.type === 'event') sendEvent({ seq: m.seq, event: m.event });
    else end(m.status);
  };

  const unsubscribe = deps.runner.subscribe(operationId, (m) => {
    if (replaying) pending.push(m);
    else handle(m);
  });
  const heartbeat = setInterval(() => {
    if (!ended) res.write(': keep-alive\n\n');
  }, deps.settings.heartbeatMs);
  heartbeat.unref();
  function cleanup(): void {
    clearInterval(heartbeat);
    unsubscribe();
  }
  res.on('close', () => {
    ended = true;
    cleanup();
  });

  for (const e of deps.store.events.list(operationId, after)) sendEvent(e);
  replaying = false;
  for (const m of pending.splice(0)) handle(m);
  const op = deps.store.operations.get(operationId);
  if (op && FINAL_STATUSES.includes(op.status)) end(op.status);
}
