/** Inspect and outputs: read-only looks at a stack's state. */
import type { Stack } from '@pulumi/pulumi/automation';
import { NotFoundError } from '../../model/errors';
import type { StackHealth } from '../../model/operations';
import { emptyProgram, type EngineCore } from '../core';
import { maskOutputs } from '../history-entry';
import { readLocks } from '../locks-on-disk';

/** The stack outputs, secret values masked. */
export async function outputs(
  core: EngineCore,
  project: string,
  environment: string,
): Promise<Record<string, unknown>> {
  const stack = await core.open(project, environment, emptyProgram, 'select');
  return maskOutputs(await core.call(project, environment, [], () => stack.outputs()));
}

/** What state the stack is in: locks (and whether their holders are gone), pending operations. */
export async function inspect(
  core: EngineCore,
  project: string,
  environment: string,
): Promise<StackHealth> {
  const locks = readLocks(core.lockDir(project, environment)).map((l) => l.lock);
  let stack: Stack;
  try {
    stack = await core.open(project, environment, emptyProgram, 'select');
  } catch (err) {
    if (err instanceof NotFoundError)
      return { project, environment, exists: false, locks, pendingOperations: [] };
    throw err;
  }
  const deployment = (await core.call(project, environment, [], () => stack.exportStack()))
    .deployment as {
    pending_operations?: { type: string; resource: { urn: string; type: string } }[];
  };
  const deployedPlanHash = await core.lastGoodPlan(project, environment);
  return {
    project,
    environment,
    exists: true,
    locks,
    pendingOperations: (deployment.pending_operations ?? []).map((p) => ({
      type: p.resource.type,
      urn: p.resource.urn,
      op: p.type,
    })),
    ...(deployedPlanHash ? { deployedPlanHash } : {}),
  };
}
