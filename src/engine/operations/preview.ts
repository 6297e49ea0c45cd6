/** Preview: what an up of a plan would change, optionally saved as a Pulumi update plan. */
import type { Environment } from '../../model/environment';
import type { PreviewResult } from '../../model/operations';
import type { DeploymentPlan } from '../../model/plan';
import type { DeployOptions, EngineCore } from '../core';
import { StepRecorder } from '../events';
import { placeholderWarnings } from './warnings';

/** Options of a preview. */
export interface PreviewOptions extends DeployOptions {
  /** Save the Pulumi update plan, so that a later up can be held to exactly this preview. */
  saveUpdatePlan?: boolean;
}

/** Previews `plan` on its environment's stack. Creates the stack when it does not exist. */
export function preview(
  core: EngineCore,
  plan: DeploymentPlan,
  env: Environment,
  options: PreviewOptions = {},
): Promise<PreviewResult> {
  return core.exclusive(plan.app, env.name, async () => {
    // A saved preview is what an approved up must do exactly: no helm repair in either.
    const { stack, secrets, cluster } = await core.prepare(plan, env, 'create-or-select', options, {
      repair: !options.saveUpdatePlan,
    });
    const recorder = new StepRecorder(options.onEvent, secrets.values);
    const updatePlan = options.saveUpdatePlan ? core.newUpdatePlanPath(plan, env) : undefined;
    await core.call(plan.app, env.name, secrets.values, () =>
      stack.preview({
        onEvent: recorder.onEvent,
        ...(updatePlan ? { plan: updatePlan } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      }),
    );
    return {
      project: plan.app,
      environment: env.name,
      planHash: plan.hash,
      changes: recorder.changes(),
      steps: recorder.steps(),
      ...(updatePlan ? { updatePlan } : {}),
      warnings: [...cluster.warnings, ...placeholderWarnings(secrets.placeholders)],
    };
  });
}
