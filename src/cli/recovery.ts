/** What `stackpilot recover` prints, and the audit entries it leaves in the state database. */
import type { RecoverResult } from '../model/operations';
import { openStore } from '../store';
import type { CliContext } from './context';
import { styles } from './output';

/** One line per cleared thing, a warning per kept lock or unrepairable file. */
export function printRecovery(c: CliContext, result: RecoverResult): void {
  const s = styles(c.out);
  const stack = `${result.project}/${result.environment}`;
  for (const p of result.leftoverProcesses)
    c.out.line(
      `${stack}: ${p.stopped ? 'stopped' : s.warn('could not stop')} leftover ${p.role === 'cli' ? 'pulumi CLI' : 'engine plugin'} pid ${p.pid}`,
    );
  for (const r of result.repairs) {
    if (r.action === 'unrepairable')
      c.out.line(
        s.bad(
          `${stack}: ${r.file} is ${r.problem} and no intact copy exists to restore it from; left in place`,
        ),
      );
    else
      c.out.line(
        `${stack}: ${r.file} was ${r.problem}: ${r.action === 'restored' ? `restored from ${r.source ?? '?'}` : 'moved aside'}${r.keptAs ? ` (kept as quarantine/${r.keptAs})` : ''}`,
      );
  }
  c.out.line(
    `${stack}: cleared ${result.clearedLocks} lock(s) and ${result.clearedPendingOperations} pending operation(s)`,
  );
  for (const l of result.keptLocks)
    c.out.line(
      s.warn(
        `kept lock of ${l.user ?? '?'}@${l.host ?? '?'} pid ${l.pid ?? '?'}: its holder may be alive (use --force if you know it is not)`,
      ),
    );
}

/**
 * Records each repaired file and stopped process in the state directory's audit log (the one
 * the server keeps too), as `cli`. Nothing is written when there was nothing to repair.
 */
export function recordRecovery(stateDir: string, result: RecoverResult): void {
  if (result.repairs.length === 0 && result.leftoverProcesses.length === 0) return;
  const store = openStore({ stateDir });
  try {
    const target = `${result.project}/${result.environment}`;
    for (const r of result.repairs)
      store.audit.record({
        who: 'cli',
        action: 'state.repair',
        target,
        outcome: r.action,
        detail: `${r.file} was ${r.problem}${r.source ? `; restored from ${r.source}` : ''}${r.keptAs ? `; broken file kept as quarantine/${r.keptAs}` : ''}`,
      });
    for (const p of result.leftoverProcesses)
      store.audit.record({
        who: 'cli',
        action: 'process.stop',
        target,
        outcome: p.stopped ? 'stopped' : 'still-running',
        detail: `pid ${p.pid} (${p.role}) left by a dead operation`,
      });
  } finally {
    store.close();
  }
}
