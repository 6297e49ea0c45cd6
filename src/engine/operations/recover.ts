/** Recover: clear what a crashed operation left behind. */
import type { RecoverResult } from '../../model/operations';
import { emptyProgram, type EngineCore } from '../core';
import { readLocks, removeLock } from '../locks-on-disk';

/**
 * Clears what a crashed operation left: stale locks (holder gone; any lock with `force`) and
 * pending operations. Refused while this process itself runs an operation on the stack.
 */
export function recover(
  core: EngineCore,
  project: string,
  environment: string,
  options: { force?: boolean } = {},
): Promise<RecoverResult> {
  return core.exclusive(project, environment, async () => {
    const files = readLocks(core.lockDir(project, environment));
    const clear = files.filter((f) => f.lock.stale || options.force);
    clear.forEach(removeLock);
    const kept = files.filter((f) => !clear.includes(f)).map((f) => f.lock);
    let clearedPendingOperations = 0;
    if (kept.length === 0) {
      const stack = await core.open(project, environment, emptyProgram, 'select');
      const state = await core.call(project, environment, [], () => stack.exportStack());
      const deployment = state.deployment as { pending_operations?: unknown[] };
      clearedPendingOperations = deployment.pending_operations?.length ?? 0;
      if (clearedPendingOperations > 0) {
        await core.call(project, environment, [], () =>
          stack.importStack({ ...state, deployment: { ...deployment, pending_operations: [] } }),
        );
      }
    }
    return {
      project,
      environment,
      clearedLocks: clear.length,
      clearedPendingOperations,
      keptLocks: kept,
    };
  });
}
