/** Refresh and destroy: operations on the whole stack, run with the deployed plan's program. */
import type { Stack } from '@pulumi/pulumi/automation';
import type { Environment } from '../../model/environment';
import { InputError } from '../../model/errors';
import type { Step } from '../../model/operations';
import type { DeployOptions, EngineCore } from '../core';
import { StepRecorder } from '../events';

/** What a whole-stack operation did. */
export interface WholeStackResult {
  changes: Record<string, number>;
  steps: Step[];
}

/** Reads the live cluster's state back into the stack (cluster targets only). */
export async function refresh(
  core: EngineCore,
  project: string,
  env: Environment,
  options: DeployOptions = {},
): Promise<WholeStackResult> {
  requireCluster(env, 'refresh from');
  return onDeployedStack(core, project, env, options, (stack, onEvent) =>
    stack.refresh({ onEvent, ...(options.signal ? { signal: options.signal } : {}) }),
  );
}

/** Deletes every resource of the stack; the stack and its history stay. */
export function destroy(
  core: EngineCore,
  project: string,
  env: Environment,
  options: DeployOptions = {},
): Promise<WholeStackResult> {
  return onDeployedStack(core, project, env, options, (stack, onEvent) =>
    stack.destroy({ onEvent, ...(options.signal ? { signal: options.signal } : {}) }),
  );
}

/** Refuses a render target for an operation that reads the live cluster. */
export function requireCluster(env: Environment, what: string): void {
  if (env.target.kind === 'render')
    throw new InputError(
      `environment ${env.name} renders YAML to a directory: there is no live cluster to ${what}`,
    );
}

function onDeployedStack(
  core: EngineCore,
  project: string,
  env: Environment,
  options: DeployOptions,
  run: (stack: Stack, onEvent: StepRecorder['onEvent']) => Promise<unknown>,
): Promise<WholeStackResult> {
  return core.exclusive(project, env.name, async () => {
    const stack = await core.openDeployed(project, env);
    const recorder = new StepRecorder(options.onEvent, []);
    await core.call(project, env.name, [], () => run(stack, recorder.onEvent));
    return { changes: recorder.changes(), steps: recorder.steps() };
  });
}
