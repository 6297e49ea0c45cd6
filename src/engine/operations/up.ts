/** Up: apply a plan, and re-apply the last good one when the environment asks for it. */
import type { Environment } from '../../model/environment';
import type { UpResult } from '../../model/operations';
import type { DeploymentPlan } from '../../model/plan';
import type { EngineCore } from '../core';
import { apply, type UpOptions } from './apply';

/**
 * Applies `plan`. An engine failure is a result (`failed`), not an exception; when the
 * environment asks for it, the last good plan is then re-applied (`rolled-back`).
 */
export function up(
  core: EngineCore,
  plan: DeploymentPlan,
  env: Environment,
  options: UpOptions = {},
): Promise<UpResult> {
  return core.exclusive(plan.app, env.name, async () => {
    const prepared = await core.prepare(plan, env, 'create-or-select', options, {
      repair: !options.updatePlan,
    });
    const result = await apply(core, prepared, plan, env, 'up', options);
    if (result.status !== 'failed' || !env.autoRollback) return result;
    const lastGood = await core.lastGoodPlan(plan.app, env.name);
    if (!lastGood || lastGood === plan.hash) return result;
    const good = core.archive.get(lastGood);
    const back = await apply(
      core,
      // The release differs from the good plan because this up just failed, not by hand.
      await core.prepare(good, env, 'select', options, { repair: false }),
      good,
      env,
      'rollback',
      {
        ...options,
        updatePlan: undefined,
      },
    );
    return {
      ...result,
      status: back.status === 'succeeded' ? 'rolled-back' : 'failed',
      rollback: {
        planHash: lastGood,
        status: back.status === 'succeeded' ? 'succeeded' : 'failed',
        ...(back.error ? { error: back.error } : {}),
      },
    };
  });
}
