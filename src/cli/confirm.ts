/**
 * Confirmation before changing a gated environment (the user types the environment's name) and
 * before other changes (a yes/no question).
 * Without a terminal and without `--yes` the answer is no.
 */
import { createInterface } from 'node:readline/promises';
import type { Environment } from '../model/environment';
import { ForbiddenError } from '../model/errors';

/** Resolves when the change may go ahead; throws ForbiddenError otherwise. */
export async function confirmGated(
  env: Environment,
  action: string,
  yes: boolean | undefined,
): Promise<void> {
  if (!env.approval.required || yes) return;
  if (!process.stdin.isTTY) {
    throw new ForbiddenError(
      `${action} on ${env.name} needs confirmation: it is a gated environment. Pass --yes to confirm.`,
    );
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(
      `${env.name} is a gated environment. Type its name to ${action}: `,
    );
    if (answer.trim() !== env.name)
      throw new ForbiddenError(`${action} on ${env.name} not confirmed`);
  } finally {
    rl.close();
  }
}

/**
 * A yes/no question before a change that is not a deployment (writing a stack file). Resolves
 * when `yes` was passed or the answer is `y`/`yes`; throws ForbiddenError otherwise. Without a
 * terminal and without `--yes` it refuses at once, saying that `--yes` confirms.
 */
export async function confirmChange(question: string, yes: boolean | undefined): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY)
    throw new ForbiddenError(
      `${question}: this needs confirmation and there is no terminal to ask on. Pass --yes to confirm.`,
    );
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question}? [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) throw new ForbiddenError(`${question}: not confirmed`);
  } finally {
    rl.close();
  }
}
