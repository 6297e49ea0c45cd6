/** Setting one application secret on a stack. */
import { emptyProgram, type EngineCore } from '../core';

/** Sets an application secret (`secrets:NAME`) on the stack, encrypted with its passphrase. */
export function setSecret(
  core: EngineCore,
  project: string,
  environment: string,
  key: string,
  value: string,
): Promise<void> {
  return core.exclusive(project, environment, async () => {
    const stack = await core.open(project, environment, emptyProgram, 'create-or-select');
    await core.call(project, environment, [value], () =>
      stack.setConfig(key, { value, secret: true }),
    );
  });
}
