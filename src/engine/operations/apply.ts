/** Runs `up` on a prepared stack: the one step that both up and rollback end in. */
import type { Environment } from '../../model/environment';
import { EngineError } from '../../model/errors';
import type { UpResult } from '../../model/operations';
import type { DeploymentPlan } from '../../model/plan';
import type { DeployOptions, EngineCore, PreparedStack } from '../core';
import { StepRecorder } from '../events';
import { writeReleaseRecord } from '../helm-repair';
import { maskOutputs, updateMessage } from '../history-entry';
import { explainFailedUpdate } from './diagnose';
import { placeholderWarnings } from './warnings';

/** Options of an up. */
export interface UpOptions extends DeployOptions {
  /** Path of an update plan saved by a preview: the up may do only what that preview showed. */
  updatePlan?: string;
}

/** Applies `plan` on a prepared stack; an engine failure is a `failed` result. */
export async function apply(
  core: EngineCore,
  { stack, secrets, cluster, release }: PreparedStack,
  plan: DeploymentPlan,
  env: Environment,
  action: 'up' | 'rollback',
  options: UpOptions,
): Promise<UpResult> {
  const recorder = new StepRecorder(options.onEvent, secrets.values);
  const base = {
    project: plan.app,
    environment: env.name,
    planHash: plan.hash,
    warnings: [...cluster.warnings, ...placeholderWarnings(secrets.placeholders)],
  };
  try {
    const result = await core.call(plan.app, env.name, secrets.values, () =>
      stack.up({
        onEvent: recorder.onEvent,
        message: updateMessage(action, plan.hash),
        // A cluster may have changed behind the stack: read it first, so up puts the plan back.
        // Not when the up is held to an approved preview: that preview is exactly what may run,
        // and a refresh in between makes Pulumi refuse the update plan.
        ...(env.target.kind === 'cluster' && !options.updatePlan ? { refresh: true } : {}),
        ...(options.updatePlan ? { plan: options.updatePlan } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      }),
    );
    if (release) writeReleaseRecord(core.layout, plan.app, env.name, release.record);
    return {
      ...base,
      status: 'succeeded',
      changes: recorder.changes(),
      steps: recorder.steps(),
      outputs: maskOutputs(result.outputs),
      version: await core.latestVersion(plan.app, env.name, result.summary.version),
    };
  } catch (err) {
    if (!(err instanceof EngineError)) throw err;
    // Never throws: a diagnosis that cannot be made is a warning, and the failure stays the result.
    const { causes, diagnosis, note } = await explainFailedUpdate(
      core,
      stack,
      plan,
      env,
      secrets.values,
    );
    return {
      ...base,
      ...(note ? { warnings: [...base.warnings, note] } : {}),
      status: 'failed',
      changes: recorder.changes(),
      steps: recorder.steps(),
      outputs: {},
      error: causes.length
        ? `${err.message}\n${causes.map((c) => `  - ${c}`).join('\n')}`
        : err.message,
      ...(causes.length ? { causes } : {}),
      ...(diagnosis ? { diagnosis } : {}),
    };
  }
}
