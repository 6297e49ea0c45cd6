/**
 * Start-up recovery. Operations a dead process left `queued` or `running` are marked
 * `interrupted` (in one transaction); each stack that had one running gets a recover
 * operation through the runner, which clears the locks and pending operations the dead
 * process left — stale ones only, never a lock whose holder still lives — and, before it opens
 * the stack, stops the engine processes the dead server left and repairs the backend files a
 * killed engine broke (each repair and stopped process has an audit entry).
 */
import { NotFoundError } from '../model/errors';
import type { AppDeps } from './deps';
import { audit } from './audit-log';
import { recoverOutcome } from './recovery-audit';
import { stackKey } from './runner';

/** What start-up recovery found and scheduled. */
export interface StartupReport {
  interrupted: string[];
  /** Recover operations scheduled, one per stack that had a running operation. */
  recoveries: string[];
}

export function recoverInterrupted(deps: AppDeps): StartupReport {
  const { store } = deps;
  const left = store.operations.unfinished();
  if (left.length === 0) return { interrupted: [], recoveries: [] };
  store.operations.markInterrupted(
    left.map((o) => o.id),
    {
      type: 'urn:stackpilot:problem:interrupted',
      title: 'Interrupted',
      status: 409,
      code: 'interrupted',
      detail: 'the server stopped while this operation was queued or running',
    },
  );
  for (const op of left)
    audit(deps, {
      who: 'system',
      action: `operation.${op.kind}`,
      target: `${op.id} ${stackKey(op.project, op.environment)}`,
      outcome: 'interrupted',
    });

  const stacks = new Map<string, { project: string; environment: string }>();
  for (const op of left)
    if (op.status === 'running')
      stacks.set(stackKey(op.project, op.environment), {
        project: op.project,
        environment: op.environment,
      });
  const recoveries: string[] = [];
  for (const [key, { project, environment }] of stacks) {
    const op = store.operations.create({
      kind: 'recover',
      project,
      environment,
      requester: 'system',
      params: { force: false, reason: 'startup' },
    });
    recoveries.push(op.id);
    audit(deps, {
      who: 'system',
      action: 'operation.recover',
      target: `${op.id} ${key}`,
      outcome: 'accepted',
    });
    deps.runner.submit(op, async () => {
      try {
        return recoverOutcome(
          deps,
          op.id,
          'system',
          await deps.engine.recover(project, environment),
        );
      } catch (err) {
        // A stack the dead process never got to create has nothing to recover.
        if (err instanceof NotFoundError)
          return {
            status: 'succeeded',
            result: {
              project,
              environment,
              clearedLocks: 0,
              clearedPendingOperations: 0,
              keptLocks: [],
              repairs: [],
              leftoverProcesses: [],
            },
          };
        throw err;
      }
    });
  }
  return { interrupted: left.map((o) => o.id), recoveries };
}
