/** Rollback: re-apply a plan the stack deployed before. */
import type { Environment } from '../../model/environment';
import { ConflictError, NotFoundError } from '../../model/errors';
import type { UpResult } from '../../model/operations';
import type { DeployOptions, EngineCore } from '../core';
import { apply } from './apply';

/** Options of a rollback. */
export interface RollbackOptions extends DeployOptions {
  /** Plan hash to return to. Default: the plan deployed before the current one. */
  to?: string;
}

/**
 * Re-applies an earlier deployed plan: `to` is a plan hash, or omitted for the one deployed
 * before the current one. Previews first, so a plan that cannot apply fails before changing anything.
 */
export function rollback(
  core: EngineCore,
  project: string,
  env: Environment,
  options: RollbackOptions = {},
): Promise<UpResult> {
  return core.exclusive(project, env.name, async () => {
    const target = options.to ?? (await previousPlan(core, project, env.name));
    const plan = core.archive.get(target);
    if (plan.app !== project || plan.environment !== env.name) {
      throw new ConflictError(
        `plan ${target} belongs to ${plan.app}/${plan.environment}, not ${project}/${env.name}`,
      );
    }
    const prepared = await core.prepare(plan, env, 'select', options);
    await core.call(project, env.name, prepared.secrets.values, () => prepared.stack.preview({}));
    return apply(core, prepared, plan, env, 'rollback', options);
  });
}

async function previousPlan(
  core: EngineCore,
  project: string,
  environment: string,
): Promise<string> {
  const [current, ...older] = await core.deployedPlans(project, environment);
  const previous = older.find((h) => h !== current);
  if (!previous)
    throw new NotFoundError(
      `${project}/${environment} has no earlier deployed plan to roll back to`,
    );
  return previous;
}
