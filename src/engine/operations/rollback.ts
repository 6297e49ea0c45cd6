/** Rollback: re-apply a plan the stack deployed before. */
import type { Environment } from '../../model/environment';
import { ConflictError, NotFoundError } from '../../model/errors';
import type { UpResult } from '../../model/operations';
import type { DeployOptions, EngineCore } from '../core';
import { apply } from './apply';

/** Options of a rollback. */
export interface RollbackOptions extends DeployOptions {
  /**
   * Plan hash to return to; it must be in the stack's successful history. Default: the plan
   * deployed before the current one.
   */
  to?: string;
}

/**
 * Re-applies an earlier deployed plan: `to` is a plan hash, or omitted for the one deployed
 * before the current one. Only a plan of the stack's own successful history is a rollback
 * target: anything else is a new deployment, which has to go through up (and, on a gated
 * environment, an approval), so any other `to` is a ConflictError (`rollback_not_deployed`)
 * before anything runs. Previews first, so a plan that cannot apply fails before changing
 * anything.
 */
export function rollback(
  core: EngineCore,
  project: string,
  env: Environment,
  options: RollbackOptions = {},
): Promise<UpResult> {
  return core.exclusive(project, env.name, async () => {
    const deployed = await core.deployedPlans(project, env.name);
    const target = options.to ?? previousPlan(deployed, project, env.name);
    if (!deployed.includes(target)) throw notDeployed(target, project, env.name);
    const plan = core.archive.get(target);
    if (plan.app !== project || plan.environment !== env.name) {
      throw new ConflictError(
        `plan ${target} belongs to ${plan.app}/${plan.environment}, not ${project}/${env.name}`,
      );
    }
    const prepared = await core.prepare(plan, env, 'select', options);
    await core.call(project, env.name, prepared.secrets.values, () =>
      prepared.stack.preview({ ...(options.signal ? { signal: options.signal } : {}) }),
    );
    return apply(core, prepared, plan, env, 'rollback', options);
  });
}

/** The refusal of a rollback target the stack never deployed successfully. */
export function notDeployed(target: string, project: string, environment: string): ConflictError {
  return new ConflictError(
    `plan ${target} was never deployed successfully on ${project}/${environment}: a rollback returns only to a plan of the stack's own history; deploy other plans with up (and an approval where the environment requires one)`,
    'rollback_not_deployed',
  );
}

function previousPlan(deployed: string[], project: string, environment: string): string {
  const [current, ...older] = deployed;
  const previous = older.find((h) => h !== current);
  if (!previous)
    throw new NotFoundError(
      `${project}/${environment} has no earlier deployed plan to roll back to`,
    );
  return previous;
}
