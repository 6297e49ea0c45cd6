/**
 * Runs one builder command: argv only (no shell), its output streamed line by line and the
 * last lines kept for the error, bounded by an abort signal that stops the whole process
 * group, so that no builder outlives the build that started it.
 */
import { spawn } from 'node:child_process';

/** How a command ended. */
export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines of its combined output. */
  tail: string[];
}

/** Options of {@link runCommand}. */
export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Each line of output, as it comes. */
  onLine?: (line: string) => void;
  /** Lines of output kept for the result. Default 20. */
  keep?: number;
}

/** Runs `argv`; resolves when it exits (never rejects for a non-zero exit). */
export function runCommand(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const keep = options.keep ?? 20;
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const tail: string[] = [];
    let partial = '';
    const take = (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split(/\r?\n/);
      partial = lines.pop() ?? '';
      for (const line of lines) push(line);
    };
    const push = (line: string) => {
      if (!line.trim()) return;
      tail.push(line);
      if (tail.length > keep) tail.shift();
      options.onLine?.(line);
    };
    const stop = () => {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
    };
    options.signal?.addEventListener('abort', stop, { once: true });
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (err) => {
      options.signal?.removeEventListener('abort', stop);
      reject(err);
    });
    child.on('close', (code, signal) => {
      options.signal?.removeEventListener('abort', stop);
      if (partial) push(partial);
      resolve({ code, signal, tail });
    });
  });
}
