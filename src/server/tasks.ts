/**
 * The engine work of each operation kind, as runner tasks. Engine failures that the engine
 * reports as results (a failed up) end the operation `failed` with the result kept; errors it
 * throws (a locked stack, a drifted stack against a held update plan) end it `failed` with
 * their problem, mapped by `problem.ts` like any other error.
 */
import type { MissingSecretPolicy } from '../engine';
import type { Environment } from '../model/environment';
import { EngineError } from '../model/errors';
import type { UpResult } from '../model/operations';
import type { DeploymentPlan } from '../model/plan';
import type { AppDeps } from './deps';
import { toProblem } from './problem';
import { recoverOutcome } from './recovery-audit';
import type { Task, TaskOutcome } from './runner';

/** The placeholder policy applies to render targets only; real clusters always need values. */
export function secretsPolicy(deps: AppDeps, env: Environment): MissingSecretPolicy {
  return env.target.kind === 'render' ? deps.settings.missingSecrets : 'error';
}

export function previewTask(deps: AppDeps, plan: DeploymentPlan, env: Environment): Task {
  return async (emit, { signal }) => {
    const { updatePlan, ...result } = await deps.engine.preview(plan, env, {
      onEvent: emit,
      signal,
      saveUpdatePlan: true,
      missingSecrets: secretsPolicy(deps, env),
    });
    return { status: 'succeeded', result, ...(updatePlan ? { updatePlan } : {}) };
  };
}

export function upTask(
  deps: AppDeps,
  plan: DeploymentPlan,
  env: Environment,
  updatePlan: string | undefined,
): Task {
  return async (emit, { signal }) =>
    upOutcome(
      await deps.engine.up(plan, env, {
        onEvent: emit,
        signal,
        missingSecrets: secretsPolicy(deps, env),
        ...(updatePlan ? { updatePlan } : {}),
      }),
    );
}

export function rollbackTask(
  deps: AppDeps,
  project: string,
  env: Environment,
  to: string | undefined,
): Task {
  return async (emit, { signal }) =>
    upOutcome(
      await deps.engine.rollback(project, env, {
        onEvent: emit,
        signal,
        missingSecrets: secretsPolicy(deps, env),
        ...(to ? { to } : {}),
      }),
    );
}

export function recoverTask(
  deps: AppDeps,
  project: string,
  environment: string,
  force: boolean,
): Task {
  return async (_emit, { operation }) =>
    recoverOutcome(
      deps,
      operation.id,
      operation.requester,
      await deps.engine.recover(project, environment, { force }),
    );
}

function upOutcome(result: UpResult): TaskOutcome {
  if (result.status === 'succeeded') return { status: 'succeeded', result };
  const detail =
    result.status === 'rolled-back'
      ? `the update failed and was rolled back to ${result.rollback?.planHash ?? 'the last good plan'}: ${result.error ?? ''}`
      : `the update failed: ${result.error ?? 'see the operation events'}`;
  return {
    status: 'failed',
    result,
    error: toProblem(new EngineError(detail.trim(), [], 'update_failed')).problem,
  };
}
