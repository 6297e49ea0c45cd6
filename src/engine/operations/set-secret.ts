/** Setting one application secret on a stack. */
import { emptyProgram, type EngineCore } from '../core';
import { setSecretConfig } from '../secrets';

/**
 * Sets an application secret (`secrets:NAME`) on the stack, encrypted with its passphrase. The
 * value reaches the pulumi CLI on its standard input only (see {@link setSecretConfig}).
 */
export function setSecret(
  core: EngineCore,
  project: string,
  environment: string,
  key: string,
  value: string,
): Promise<void> {
  return core.exclusive(project, environment, async () => {
    const stack = await core.open(project, environment, emptyProgram, 'create-or-select');
    await core.call(project, environment, [value], () => setSecretConfig(stack, { [key]: value }));
  });
}
