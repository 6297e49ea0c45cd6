#!/usr/bin/env node
/**
 * The `stackpilot` executable: runs the command tree and turns errors into one clear message
 * and a documented exit code.
 */
import { randomUUID } from 'node:crypto';
import { CommanderError } from 'commander';
import { cancelledExitCode, installSignalHandlers } from './cancel';
import { describeError, ExitCode } from './exit-codes';
import { processOutput, styles } from './output';
import { buildProgram } from './program';

async function main(argv: string[]): Promise<number> {
  const out = processOutput();
  installSignalHandlers(out);
  const program = buildProgram(out).exitOverride();
  try {
    await program.parseAsync(argv);
    return (
      cancelledExitCode() ?? (typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok)
    );
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? ExitCode.ok : ExitCode.invalidInput;
    }
    const cancelled = cancelledExitCode();
    if (cancelled !== undefined) return cancelled;
    const errorId = randomUUID().slice(0, 8);
    const { code, message, hint } = describeError(err, errorId);
    const s = styles(out);
    out.note(s.bad(`error: ${message}`));
    if (hint) out.note(hint);
    if (process.env.STACKPILOT_DEBUG && err instanceof Error) out.note(err.stack ?? '');
    return code;
  }
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
