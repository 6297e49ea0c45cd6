/**
 * The CLI's exit codes, and the one place that maps errors to them and to a message that says
 * what went wrong and what to do.
 */
import {
  ConflictError,
  EngineError,
  ForbiddenError,
  InputError,
  NotFoundError,
  SkillError,
  StackLockedError,
  StackpilotError,
} from '../model/errors';

/** Documented in `stackpilot --help`. */
export const ExitCode = {
  ok: 0,
  /** An unexpected error (a bug): the message carries an error id. */
  unexpected: 1,
  /** Bad input: arguments, stack config, app spec, repository contents. */
  invalidInput: 2,
  /** Something named does not exist: environment, stack, plan, version. */
  notFound: 3,
  /** The stack is busy or locked, or the plan changed since its preview. */
  conflict: 4,
  /** The engine or a skill failed, or the update failed (and may have rolled back). */
  failed: 5,
  /** Not allowed, or confirmation refused. */
  refused: 6,
  /** `drift` found out-of-band changes on the cluster. */
  drift: 7,
  /** `diagnose` found something wrong with the stack's objects on the cluster. */
  unhealthy: 8,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** `--help` text for the exit codes. */
export const EXIT_CODES_HELP = `Exit codes:
  0  success
  1  unexpected error (please report it with the printed error id)
  2  invalid input: arguments, stack config, app spec or repository
  3  not found: environment, stack, plan or version
  4  conflict: stack busy or locked (see \`stackpilot recover\`), or plan changed since preview
  5  failed: the engine, a skill or the update failed
  6  refused: confirmation declined or not allowed
  7  drift: \`stackpilot drift\` found out-of-band changes
  8  unhealthy: \`stackpilot diagnose\` found something wrong on the cluster
  gate has its own codes: see \`stackpilot gate --help\``;

/** What to print and which code to exit with, for any thrown value. */
export function describeError(
  err: unknown,
  errorId: string,
): { code: ExitCode; message: string; hint?: string } {
  if (err instanceof StackLockedError) {
    return {
      code: ExitCode.conflict,
      message: err.message,
      hint: 'If the holder is gone, run `stackpilot recover --env <env>`.',
    };
  }
  if (err instanceof InputError) return { code: ExitCode.invalidInput, message: err.message };
  if (err instanceof NotFoundError) return { code: ExitCode.notFound, message: err.message };
  if (err instanceof ConflictError) return { code: ExitCode.conflict, message: err.message };
  if (err instanceof ForbiddenError) return { code: ExitCode.refused, message: err.message };
  if (err instanceof EngineError || err instanceof SkillError) {
    const details =
      err instanceof EngineError && err.diagnostics.length > 1
        ? `\n  ${err.diagnostics.slice(1).join('\n  ')}`
        : '';
    return { code: ExitCode.failed, message: `${err.message}${details}` };
  }
  if (err instanceof StackpilotError) return { code: ExitCode.failed, message: err.message };
  return {
    code: ExitCode.unexpected,
    message: `unexpected error (id ${errorId}): ${err instanceof Error ? err.message : String(err)}`,
    hint: 'This is a bug in stackpilot; run again with STACKPILOT_DEBUG=1 for the stack trace.',
  };
}
