/**
 * The locks Pulumi's file (`file://`) backend keeps under
 * `<backend>/.pulumi/locks/organization/<project>/<stack>/<id>.json`: who holds them and
 * whether the holder still lives. Other backends manage their own locks (and `pulumi cancel`).
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { StackLock } from '../model/operations';

const LockFileSchema = z.object({
  pid: z.number().int().optional(),
  username: z.string().optional(),
  hostname: z.string().optional(),
  timestamp: z.string().optional(),
});

/** The lock directory of a stack, or undefined when the backend is not a local file backend. */
export function lockDirectory(
  backendUrl: string,
  project: string,
  environment: string,
): string | undefined {
  if (!backendUrl.startsWith('file://')) return undefined;
  return join(fileURLToPath(backendUrl), '.pulumi', 'locks', 'organization', project, environment);
}

/**
 * The number of updates a `file://` backend recorded for a stack (one
 * `.pulumi/history/<project>/<stack>/*.history.json` each, refreshes included, as `pulumi
 * stack history` counts them); undefined for any other backend or a stack with none.
 */
export function fileBackendUpdateCount(
  backendUrl: string,
  project: string,
  environment: string,
): number | undefined {
  if (!backendUrl.startsWith('file://')) return undefined;
  const dir = join(fileURLToPath(backendUrl), '.pulumi', 'history', project, environment);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  return names.filter((n) => /\.history\.json(\.gz)?$/.test(n)).length || undefined;
}

/**
 * True when `pid` names a running process on this host. A zombie (killed, not yet reaped by
 * its parent) still answers signal 0, so on Linux its state in /proc decides.
 */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX] /s.test(stat);
  } catch {
    return true;
  }
}

/** A lock file and what it says. */
export interface LockFile {
  path: string;
  lock: StackLock;
}

/** Every lock on the stack, each marked stale when its holder is a dead process on this host. */
export function readLocks(dir: string | undefined): LockFile[] {
  if (!dir || !existsSync(dir)) return [];
  const locks: LockFile[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.json')) continue;
    const path = join(dir, name);
    const parsed = LockFileSchema.safeParse(safeJson(readFileSync(path, 'utf8')));
    const content = parsed.success ? parsed.data : {};
    const sameHost = content.hostname === hostname();
    const stale = sameHost && content.pid !== undefined && !processAlive(content.pid);
    locks.push({
      path,
      lock: {
        ...(content.pid !== undefined ? { pid: content.pid } : {}),
        ...(content.hostname ? { host: content.hostname } : {}),
        ...(content.username ? { user: content.username } : {}),
        ...(content.timestamp ? { since: content.timestamp } : {}),
        stale,
      },
    });
  }
  return locks;
}

/** Removes a lock file. */
export function removeLock(file: LockFile): void {
  rmSync(file.path, { force: true });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}
