/**
 * What a container's exit code means. Codes above 128 are 128 + the signal that ended the
 * process; the rest are the program's own, with the shell's conventions for 2, 126 and 127.
 */

/** What kind of failure an exit code points at. */
export type ExitKind =
  | 'app-error'
  | 'bad-arguments'
  | 'not-executable'
  | 'command-not-found'
  | 'sigkill'
  | 'oom'
  | 'sigsegv'
  | 'sigterm'
  | 'other';

/** One exit code explained. */
export interface ExitMeaning {
  kind: ExitKind;
  /** `exit code 127: command not found`. */
  text: string;
}

/**
 * Explains an exit code; `reason` is the terminated state's reason (`OOMKilled` turns 137 from
 * a plain SIGKILL into the kernel's out-of-memory kill).
 */
export function explainExit(code: number, reason?: string): ExitMeaning {
  const at = (kind: ExitKind, what: string): ExitMeaning => ({
    kind,
    text: `exit code ${code}: ${what}`,
  });
  if (reason === 'OOMKilled')
    return at('oom', 'killed by the kernel for exceeding its memory limit (OOMKilled)');
  switch (code) {
    case 1:
      return at('app-error', 'the application failed (a generic error exit)');
    case 2:
      return at('bad-arguments', 'misuse of the command: bad arguments or options');
    case 126:
      return at('not-executable', 'the start command exists but is not executable');
    case 127:
      return at('command-not-found', 'command not found: the start command is not in the image');
    case 137:
      return at(
        'sigkill',
        'killed by SIGKILL, not by the memory limit: a failing liveness probe, or shutdown exceeded the grace period',
      );
    case 139:
      return at('sigsegv', 'segmentation fault (SIGSEGV): the process crashed in native code');
    case 143:
      return at(
        'sigterm',
        'stopped by SIGTERM from outside: a failing liveness probe, an eviction, or a shutdown it did not handle',
      );
    default:
      return code > 128
        ? at('other', `killed by signal ${code - 128}`)
        : at('app-error', 'the application exited with an error');
  }
}
