/** Recover: clear what a crashed operation left behind. */
import { fileURLToPath } from 'node:url';
import type { RecoverResult, StateRepair } from '../../model/operations';
import { emptyProgram, type EngineCore } from '../core';
import { readLocks, removeLock } from '../locks-on-disk';
import { repairStackState } from '../state-repair';

/**
 * Clears what a crashed operation left, in this order: the engine processes of dead operations
 * on the stack (recorded pids and start times, see `processes.ts`); stale locks (holder gone;
 * any lock with `force`); broken files of a file backend (empty or truncated sidecars and
 * checkpoints, restored from Pulumi's own copies, see `state-repair.ts`), before the stack is
 * opened, since opening reads the checkpoint; and pending operations. Files and pending
 * operations are left alone while a live holder keeps a lock. A checkpoint without an intact
 * copy is reported `unrepairable` and the stack is not opened. Refused while this process
 * itself runs an operation on the stack.
 */
export function recover(
  core: EngineCore,
  project: string,
  environment: string,
  options: { force?: boolean } = {},
): Promise<RecoverResult> {
  return core.exclusive(project, environment, async () => {
    const leftoverProcesses = await core.processes.stopLeftovers(project, environment);
    const files = readLocks(core.lockDir(project, environment));
    const clear = files.filter((f) => f.lock.stale || options.force);
    clear.forEach(removeLock);
    const kept = files.filter((f) => !clear.includes(f)).map((f) => f.lock);
    const base = {
      project,
      environment,
      clearedLocks: clear.length,
      keptLocks: kept,
      leftoverProcesses,
    };
    if (kept.length > 0) return { ...base, clearedPendingOperations: 0, repairs: [] };
    const repairs = repairFiles(core, project, environment);
    if (repairs.some((r) => r.action === 'unrepairable'))
      return { ...base, clearedPendingOperations: 0, repairs };
    const stack = await core.open(project, environment, emptyProgram, 'select');
    const state = await core.call(project, environment, [], () => stack.exportStack());
    const deployment = state.deployment as { pending_operations?: unknown[] };
    const clearedPendingOperations = deployment.pending_operations?.length ?? 0;
    if (clearedPendingOperations > 0) {
      await core.call(project, environment, [], () =>
        stack.importStack({ ...state, deployment: { ...deployment, pending_operations: [] } }),
      );
    }
    return { ...base, clearedPendingOperations, repairs };
  });
}

/** Repairs the stack's files when the backend is a local file backend; none otherwise. */
function repairFiles(core: EngineCore, project: string, environment: string): StateRepair[] {
  const url = core.workspace().ws.backendUrl;
  if (!url.startsWith('file://')) return [];
  return repairStackState({
    backendDir: fileURLToPath(url),
    project,
    stack: environment,
    quarantineDir: core.layout.quarantineDir,
  });
}
