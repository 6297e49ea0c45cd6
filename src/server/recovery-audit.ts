/** Audit entries for what a recover did to a stack beyond locks: repaired files, stopped processes. */
import { ConflictError } from '../model/errors';
import type { RecoverResult } from '../model/operations';
import type { AppDeps } from './deps';
import { audit } from './audit-log';
import { toProblem } from './problem';
import { stackKey, type TaskOutcome } from './runner';

/**
 * Writes one audit entry per repaired (or unrepairable) state file and one per leftover
 * engine process, under the recover operation's id; returns the operation's outcome, `failed`
 * (409 state_unrepairable) when a checkpoint had no intact copy to restore.
 */
export function recoverOutcome(
  deps: AppDeps,
  operationId: string,
  who: string,
  result: RecoverResult,
): TaskOutcome {
  const target = `${operationId} ${stackKey(result.project, result.environment)}`;
  for (const r of result.repairs)
    audit(deps, {
      who,
      action: 'state.repair',
      target,
      outcome: r.action,
      detail: `${r.file} was ${r.problem}${r.source ? `; restored from ${r.source}` : ''}${r.keptAs ? `; broken file kept as quarantine/${r.keptAs}` : ''}`,
    });
  for (const p of result.leftoverProcesses)
    audit(deps, {
      who,
      action: 'process.stop',
      target,
      outcome: p.stopped ? 'stopped' : 'still-running',
      detail: `pid ${p.pid} (${p.role}) left by a dead operation`,
    });
  const broken = result.repairs.filter((r) => r.action === 'unrepairable');
  if (broken.length === 0) return { status: 'succeeded', result };
  const err = new ConflictError(
    `${broken.map((r) => r.file).join(', ')} cannot be read and no intact copy exists; the file was left in place`,
    'state_unrepairable',
  );
  return { status: 'failed', result, error: toProblem(err).problem };
}
