/**
 * Reads below one real root directory and never outside it, even while another process swaps
 * directories for symlinks under it. Each directory and file is opened once, without following
 * a symlink in its last component, and what was opened is checked by the kernel's own name of
 * the open file (`/proc/self/fd/<fd>` on Linux): an intermediate directory swapped for a link
 * that leaves the root shows there as the path outside, and is refused. The directory listing
 * and the file contents are then read from that same open file, so what was checked is what is
 * read. Without `/proc` the check falls back to the real path and the opened file's identity.
 */
import { constants, type Dirent, type Stats } from 'node:fs';
import { open, readdir, readlink, realpath, stat, type FileHandle } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';

/** An open, checked file or directory: read it, then close it. */
export interface Opened {
  handle: FileHandle;
  stats: Stats;
}

/** A read that would leave the root (a symlink swapped in): never read. */
export class OutsideRootError extends Error {
  readonly code = 'EOUTSIDE';
  constructor(path: string) {
    super(`${path} resolves outside the repository root`);
  }
}

/** True when `path` is `root` or below it (both absolute and normalized). */
export function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

const HAS_PROC_FD = process.platform === 'linux';

/** Reads confined to `root`, a real path (no symlinks in it). */
export class ConfinedFs {
  constructor(readonly root: string) {}

  /**
   * Opens the real directory `root` itself and checks that it still is that directory and lies
   * inside one of `within` (real paths). Throws OutsideRootError otherwise.
   */
  static async openRoot(root: string, within?: readonly string[]): Promise<ConfinedFs> {
    const fs = new ConfinedFs(root);
    const dir = await fs.open(root, true);
    await dir.handle.close();
    if (within && !within.some((r) => isInside(root, r))) throw new OutsideRootError(root);
    return fs;
  }

  /** Lists a directory below the root, read from the checked open directory. */
  async readDir(path: string): Promise<Dirent[]> {
    const { handle } = await this.open(path, true);
    try {
      return await readdir(HAS_PROC_FD ? `/proc/self/fd/${handle.fd}` : path, {
        withFileTypes: true,
      });
    } finally {
      await handle.close();
    }
  }

  /** Opens a regular file below the root for reading; the caller closes the handle. */
  openFile(path: string): Promise<Opened> {
    return this.open(path, false);
  }

  private async open(path: string, directory: boolean): Promise<Opened> {
    const flags =
      constants.O_RDONLY | constants.O_NOFOLLOW | (directory ? constants.O_DIRECTORY : 0);
    const handle = await open(path, flags);
    try {
      const stats = await handle.stat();
      const where = HAS_PROC_FD
        ? await readlink(`/proc/self/fd/${handle.fd}`)
        : await sameFileRealPath(path, stats);
      if (!isInside(where, this.root)) throw new OutsideRootError(path);
      if (directory ? !stats.isDirectory() : !stats.isFile())
        throw Object.assign(new Error(`${path} changed type while it was read`), {
          code: 'ECHANGED',
        });
      return { handle, stats };
    } catch (err) {
      await handle.close();
      throw err;
    }
  }
}

/** The real path of `path`, provided it still names the file that was opened. */
async function sameFileRealPath(path: string, opened: Stats): Promise<string> {
  const real = await realpath(path);
  const now = await stat(real);
  if (now.dev !== opened.dev || now.ino !== opened.ino) throw new OutsideRootError(path);
  return real;
}
