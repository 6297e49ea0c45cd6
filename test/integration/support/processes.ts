/** Processes of a test's engine, found the way a test can: by the state directory in their environment. */
import { readdirSync, readFileSync } from 'node:fs';

/** Pids of live processes whose environment names the file backend of `stateDir`. */
export function engineProcesses(stateDir: string): number[] {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return [];
  }
  return pids.flatMap((pid) => {
    try {
      if (/\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) return [];
      return readFileSync(`/proc/${pid}/environ`, 'utf8').includes(`file://${stateDir}/backend`)
        ? [Number(pid)]
        : [];
    } catch {
      return [];
    }
  });
}

/** SIGKILLs what is left (test cleanup only). */
export function killAll(pids: number[]): void {
  for (const pid of pids)
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
}

/** Waits until `check` holds or `ms` pass; returns whether it held. */
export async function eventually(check: () => boolean, ms = 10_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}
