/**
 * Child processes of the test cluster: started with their output in a log file, stopped by
 * PID (TERM, then KILL), and all stopped when the test process exits, also when a test fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** One started process. */
export interface Proc {
  name: string;
  child: ChildProcess;
  log: string;
}

const running = new Set<Proc>();
process.on('exit', () => {
  for (const p of running) killTree(p, 'SIGKILL');
});

function killTree(p: Proc, signal: NodeJS.Signals): void {
  if (p.child.pid === undefined || p.child.exitCode !== null || p.child.signalCode !== null) return;
  try {
    process.kill(-p.child.pid, signal); // its own process group
  } catch {
    try {
      p.child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

/** Starts `bin args` in its own process group, output to `log`. */
export function start(name: string, bin: string, args: string[], log: string): Proc {
  const fd = openSync(log, 'a');
  const child = spawn(bin, args, { stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  const p: Proc = { name, child, log };
  running.add(p);
  child.on('exit', () => running.delete(p));
  return p;
}

/** Stops a process: TERM, then KILL after `graceMs`; resolves once it has exited. */
export async function stop(p: Proc, graceMs = 5000): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => p.child.once('exit', () => resolve()));
  killTree(p, 'SIGTERM');
  const timer = setTimeout(() => killTree(p, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** The last lines of a process's log, for a start-up failure's message. */
export function tail(p: Proc, lines = 15): string {
  try {
    return readFileSync(p.log, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/** Polls `check` until it returns true, failing after `timeoutMs` with `what` and `detail()`. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  detail: () => string = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline)
      throw new Error(`test cluster: ${what} did not happen within ${timeoutMs} ms\n${detail()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
