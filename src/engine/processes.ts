/**
 * Tracking the engine processes of running operations, so that `recover` can stop what a
 * killed stackpilot left running: the pulumi CLI and the provider plugins it started (which
 * run in process groups of their own and outlive a killed CLI).
 *
 * Each operation gets a random marker that the engine passes to the pulumi CLI in its
 * environment (`STACKPILOT_OPERATION`); every plugin inherits it. While the operation runs, a
 * record file `<state>/processes/<id>.json` lists the owner (this process) and every
 * descendant carrying the marker, each with its pid and its start time from
 * `/proc/<pid>/stat`, so a pid the kernel reused later is never mistaken for one of ours.
 * Processes are never matched by name. Linux only (`/proc`); elsewhere nothing is recorded.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { LeftoverProcess } from '../model/operations';
import { writeFileAtomic } from './write-file-atomic';

/** The environment variable carrying an operation's marker to its engine processes. */
export const OPERATION_MARKER_VAR = 'STACKPILOT_OPERATION';

const ProcessRefSchema = z.strictObject({
  pid: z.number().int(),
  /** Start time in clock ticks since boot (field 22 of /proc/<pid>/stat). */
  start: z.string(),
});
type ProcessRef = z.infer<typeof ProcessRefSchema>;

const RecordSchema = z.strictObject({
  project: z.string(),
  environment: z.string(),
  marker: z.string(),
  owner: ProcessRefSchema,
  processes: z.array(ProcessRefSchema.extend({ role: z.enum(['cli', 'plugin']) })),
});
type OperationRecord = z.infer<typeof RecordSchema>;

/** What /proc says about one process. */
interface ProcInfo {
  pid: number;
  ppid: number;
  start: string;
  zombie: boolean;
}

/** Reads /proc/<pid>/stat; undefined when the process is gone (or this is not Linux). */
export function procInfo(pid: number): ProcInfo | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: fields follow the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [state, ppid] = fields;
  const start = fields[19];
  if (!state || !ppid || !start) return undefined;
  return { pid, ppid: Number(ppid), start, zombie: state === 'Z' || state === 'X' };
}

/** True when `ref` still names the same live process (same pid, same start time). */
export function isAlive(ref: ProcessRef): boolean {
  const info = procInfo(ref.pid);
  return info !== undefined && !info.zombie && info.start === ref.start;
}

function allPids(): number[] {
  try {
    return readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map(Number);
  } catch {
    return [];
  }
}

/** True when the process's environment holds `STACKPILOT_OPERATION=<marker>`. */
function carriesMarker(pid: number, marker: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1')
      .split('\0')
      .includes(`${OPERATION_MARKER_VAR}=${marker}`);
  } catch {
    return false;
  }
}

/** A running operation's record, kept up to date until `stop`. */
export interface TrackedOperation {
  /** The environment entry to pass to the operation's pulumi CLI. */
  readonly env: Record<string, string>;
  /** Looks for new engine processes now (also done every `intervalMs`). */
  scan(): void;
  /** Ends tracking and removes the record: the operation ended, its processes with it. */
  stop(): void;
}

/** Records and finds the engine processes of operations, per state directory. */
export class ProcessTracker {
  constructor(
    private readonly dir: string,
    private readonly intervalMs = 200,
  ) {}

  /** Starts recording the engine processes of an operation on `project/environment`. */
  track(project: string, environment: string): TrackedOperation {
    const marker = randomUUID();
    const self = procInfo(process.pid);
    const file = join(this.dir, `${marker}.json`);
    const record: OperationRecord = {
      project,
      environment,
      marker,
      owner: { pid: process.pid, start: self?.start ?? '' },
      processes: [],
    };
    const env = { [OPERATION_MARKER_VAR]: marker };
    if (!self) return { env, scan: () => undefined, stop: () => undefined };
    writeFileAtomic(file, JSON.stringify(record));
    const scan = (): void => {
      const known = new Set(record.processes.map((p) => `${p.pid}:${p.start}`));
      let added = false;
      for (const info of descendants(process.pid)) {
        if (known.has(`${info.pid}:${info.start}`) || !carriesMarker(info.pid, marker)) continue;
        // The pulumi CLI is our direct child; everything below it is one of its plugins.
        const role = info.ppid === process.pid ? 'cli' : 'plugin';
        record.processes.push({ pid: info.pid, start: info.start, role });
        added = true;
      }
      if (added) writeFileAtomic(file, JSON.stringify(record));
    };
    const timer = setInterval(scan, this.intervalMs);
    timer.unref();
    let stopped = false;
    return {
      env,
      scan,
      stop: () => {
        if (stopped) return;
        stopped = true;
        clearInterval(timer);
        rmSync(file, { force: true });
      },
    };
  }

  /**
   * Stops the engine processes that dead operations on `project/environment` left: each
   * recorded process still alive with its recorded start time, and any process still carrying
   * such an operation's marker (a plugin started after the last scan). Records of live owners
   * are left alone. SIGTERM first, SIGKILL after `graceMs`; the records are removed.
   */
  async stopLeftovers(
    project: string,
    environment: string,
    graceMs = 3000,
  ): Promise<LeftoverProcess[]> {
    const dead = this.records().filter(
      ({ record }) =>
        record.project === project && record.environment === environment && !isAlive(record.owner),
    );
    const found = new Map<string, ProcessRef & { role: 'cli' | 'plugin' }>();
    for (const { record } of dead) {
      for (const p of record.processes) if (isAlive(p)) found.set(`${p.pid}:${p.start}`, p);
      for (const pid of allPids()) {
        const info = procInfo(pid);
        if (!info || info.zombie || found.has(`${pid}:${info.start}`)) continue;
        if (carriesMarker(pid, record.marker))
          found.set(`${pid}:${info.start}`, { pid, start: info.start, role: 'plugin' });
      }
    }
    const targets = [...found.values()];
    for (const p of targets) signal(p, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (targets.some(isAlive) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    for (const p of targets) if (isAlive(p)) signal(p, 'SIGKILL');
    for (const { file } of dead) rmSync(file, { force: true });
    return targets
      .map((p) => ({ pid: p.pid, role: p.role, stopped: !isAlive(p) }))
      .sort((a, b) => a.pid - b.pid);
  }

  private records(): { file: string; record: OperationRecord }[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((n) => n.endsWith('.json'))
      .flatMap((name) => {
        const file = join(this.dir, name);
        try {
          const parsed = RecordSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
          return parsed.success ? [{ file, record: parsed.data }] : [];
        } catch {
          return [];
        }
      });
  }
}

/** Every live process below `root` (children first), from /proc. */
function descendants(root: number): ProcInfo[] {
  const infos = allPids().flatMap((pid) => {
    const info = procInfo(pid);
    return info && !info.zombie ? [info] : [];
  });
  const byParent = new Map<number, ProcInfo[]>();
  for (const i of infos) byParent.set(i.ppid, [...(byParent.get(i.ppid) ?? []), i]);
  const out: ProcInfo[] = [];
  const visit = (pid: number): void => {
    for (const child of byParent.get(pid) ?? []) {
      out.push(child);
      visit(child.pid);
    }
  };
  visit(root);
  return out;
}

/** Signals a recorded process, only if it is still the same one. */
function signal(ref: ProcessRef, sig: NodeJS.Signals): void {
  if (!isAlive(ref)) return;
  try {
    process.kill(ref.pid, sig);
  } catch {
    // gone meanwhile
  }
}
