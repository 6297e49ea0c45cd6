/** Inspect and outputs: read-only looks at a stack's state. */
import type { Stack } from '@pulumi/pulumi/automation';
import { EngineError, NotFoundError } from '../../model/errors';
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

/**
 * What state the stack is in: locks (and whether their holders are gone), pending operations.
 * A state the engine cannot read (a checkpoint a killed update left half-written) is reported
 * as `damaged`, with the locks read from disk, rather than thrown: this is what a user looks at
 * after a crash, before `recover`.
 */
export async function inspect(
  core: EngineCore,
  project: string,
  environment: string,
): Promise<StackHealth> {
  const locks = readLocks(core.lockDir(project, environment)).map((l) => l.lock);
  let stack: Stack;
  let deployment: {
    pending_operations?: { type: string; resource: { urn: string; type: string } }[];
  };
  try {
    stack = await core.open(project, environment, emptyProgram, 'select');
    deployment = (await core.call(project, environment, [], () => stack.exportStack()))
      .deployment as typeof deployment;
  } catch (err) {
    if (err instanceof NotFoundError)
      return { project, environment, exists: false, locks, pendingOperations: [] };
    if (!(err instanceof EngineError)) throw err;
    return {
      project,
      environment,
      exists: true,
      locks,
      pendingOperations: [],
      damaged: `the stack's state cannot be read (${err.message}); \`stackpilot recover\` repairs what a killed update leaves`,
    };
  }
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
