/**
 * Progress of a long operation: each resource as the engine reports it, with counts and
 * elapsed time, and the engine's warnings and errors.
 */
import type { EventSink } from '../engine';
import type { OperationEvent } from '../model/operations';
import { styles, type Output } from './output';

const SIGN: Record<string, string> = {
  create: '+',
  update: '~',
  replace: '+-',
  delete: '-',
  same: ' ',
  refresh: '~',
  read: '>',
};

/** A sink that prints step completions as `+ create  kubernetes:apps/v1:Deployment workload-api  (3/40, 2.1s)`. */
export function progressPrinter(
  out: Output,
  total: number,
  now: () => number = Date.now,
): EventSink {
  const s = styles(out);
  const started = now();
  let done = 0;
  const waiting = new Map<string, string>();
  return (event: OperationEvent) => {
    const elapsed = `${((now() - started) / 1000).toFixed(1)}s`;
    if (event.kind === 'step-done' && event.op !== 'same') {
      done += 1;
      const colour = event.op === 'create' ? s.add : event.op === 'delete' ? s.remove : s.change;
      out.note(
        `${colour(`${SIGN[event.op ?? ''] ?? '~'} ${event.op}`)}  ${event.type} ${event.name}  ${s.dim(`(${done}/${total}, ${elapsed})`)}`,
      );
    } else if (event.kind === 'progress' && event.name) {
      // What a resource waits for, printed when it changes: `1/2 Pods available`.
      if (waiting.get(event.name) === event.message) return;
      waiting.set(event.name, event.message ?? '');
      out.note(s.dim(`… ${event.name}: ${event.message ?? ''}  (${elapsed})`));
    } else if (event.kind === 'step-failed') {
      out.note(s.bad(`✗ ${event.op} failed  ${event.type} ${event.name}  (${elapsed})`));
    } else if (
      event.kind === 'diagnostic' &&
      (event.severity === 'error' || event.severity === 'warning')
    ) {
      const colour = event.severity === 'error' ? s.bad : s.warn;
      out.note(
        colour(`${event.severity}: ${event.message ?? ''}${event.name ? ` (${event.name})` : ''}`),
      );
    }
  };
}

/** `create 12, update 1, same 30` */
export function formatChanges(changes: Record<string, number>): string {
  const parts = Object.entries(changes)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([op, n]) => `${op} ${n}`);
  return parts.length ? parts.join(', ') : 'no changes';
}
