/**
 * SIGINT and SIGTERM for the CLI. The first signal cancels the running engine operation
 * through an AbortSignal (the pulumi CLI is interrupted, stops its plugins, releases its
 * lock) and lets the command end; the command then exits with 128 + the signal's number.
 * A second signal exits at once (`recover` stops what that leaves).
 */
import { constants } from 'node:os';
import { ConflictError } from '../model/errors';
import type { Output } from './output';

const controller = new AbortController();
let received: NodeJS.Signals | undefined;
let clean = false;

/** Aborted when the CLI receives SIGINT or SIGTERM. */
export const cancelSignal: AbortSignal = controller.signal;

/** The exit code of a CLI stopped by a signal (130 for SIGINT, 143 for SIGTERM), if one came. */
export function cancelledExitCode(): number | undefined {
  return received && !clean ? 128 + constants.signals[received] : undefined;
}

/** For commands whose normal end is a signal (`serve`): a signal then means exit code 0. */
export function markCleanShutdown(): void {
  clean = true;
}

/** Throws a ConflictError (`cancelled`) when a signal came: no new engine work starts then. */
export function throwIfCancelled(): void {
  if (received) throw new ConflictError(`cancelled by ${received}`, 'cancelled');
}

/** Installs the handlers once, for the whole run of the CLI. */
export function installSignalHandlers(out: Output): void {
  const onSignal = (sig: NodeJS.Signals): void => {
    if (received) {
      out.note(`${sig} again: stopping now (run \`stackpilot recover\` for what is left)`);
      process.exit(128 + constants.signals[sig]);
    }
    received = sig;
    out.note(`${sig}: cancelling; waiting for the engine to stop (${sig} again to stop at once)`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
