/** Plans for server and store unit tests: the program tests' hand-written reference plan. */
import { contentHash } from '../../../../src/model/canonical';
import type { DeploymentPlan } from '../../../../src/model/plan';
import { referencePlan, type Env } from '../../program/support/reference-plan';

/** The reference plan of `shop` in `env`; `variant` > 0 gives a different plan (and hash). */
export function samplePlan(env: Env = 'dev', variant = 0): DeploymentPlan {
  const plan = referencePlan(env);
  if (variant === 0) return plan;
  const { hash: _hash, ...rest } = plan;
  const changed = { ...rest, warnings: [...rest.warnings, `variant ${variant}`] };
  return { ...changed, hash: contentHash(changed) };
}
