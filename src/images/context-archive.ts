/**
 * A build context as a gzipped tar, for a builder that runs elsewhere (the in-cluster Job):
 * the files of the context directory minus what its `.dockerignore` excludes, plus the
 * Dockerfile at {@link ARCHIVE_DOCKERFILE}. The archive travels through a registry, so `.git`
 * and `.env` files (not `.env.example` and the like) are left out unless the `.dockerignore`
 * takes them back (`!.env`). Deterministic: sorted paths, zero times, fixed
 * owners and modes, so the same sources give the same bytes and the same blob digest.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import ignore from 'ignore';
import { InputError } from '../model/errors';

/** Where the archive holds the Dockerfile the build uses. */
export const ARCHIVE_DOCKERFILE = '.stackpilot.Dockerfile';

/** Left out of every archive before the `.dockerignore` rules, which may take them back. */
const DEFAULT_EXCLUDES = [
  '.git',
  '.env',
  '.env.*',
  '!.env.example',
  '!.env.sample',
  '!.env.template',
];

/** A context archive and its digest. */
export interface ContextArchive {
  bytes: Buffer;
  /** `sha256:` of the bytes: its name as a registry blob. */
  digest: string;
  files: number;
}

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

/** One ustar header (name split into prefix and name when longer than 100 bytes). */
function header(path: string, size: number, mode: number): Buffer {
  const h = Buffer.alloc(512);
  let name = path;
  let prefix = '';
  if (Buffer.byteLength(name) > 100) {
    const cut = path.lastIndexOf('/', path.length - 1);
    prefix = path.slice(0, cut);
    name = path.slice(cut + 1);
    if (cut < 0 || Buffer.byteLength(name) > 100 || Buffer.byteLength(prefix) > 155)
      throw new InputError(`build context path ${path} is too long for a tar archive`);
  }
  h.write(name, 0, 'utf8');
  h.write(octal(mode, 8), 100);
  h.write(octal(0, 8), 108);
  h.write(octal(0, 8), 116);
  h.write(octal(size, 12), 124);
  h.write(octal(0, 12), 136);
  h.write('        ', 148);
  h.write('0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.write(prefix, 345, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148);
  return h;
}

/** Files of `dir` (relative, `/`-separated, sorted) that `.dockerignore` does not exclude. */
function contextFiles(dir: string): string[] {
  let rules = '';
  try {
    rules = readFileSync(join(dir, '.dockerignore'), 'utf8');
  } catch {
    // no .dockerignore
  }
  const ig = ignore().add(DEFAULT_EXCLUDES).add(rules);
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const abs = join(d, name);
      const rel = relative(dir, abs).split(sep).join('/');
      const st = lstatSync(abs);
      if (st.isDirectory()) {
        if (!ig.ignores(`${rel}/`)) walk(abs);
      } else if (st.isFile() && !ig.ignores(rel)) out.push(rel);
    }
  };
  walk(dir);
  return out;
}

/** Archives the context `dir` with `dockerfile`'s text at {@link ARCHIVE_DOCKERFILE}. */
export function archiveContext(dir: string, dockerfile: string): ContextArchive {
  const parts: Buffer[] = [];
  const add = (path: string, data: Buffer, mode: number) => {
    parts.push(header(path, data.length, mode), data);
    const pad = (512 - (data.length % 512)) % 512;
    if (pad) parts.push(Buffer.alloc(pad));
  };
  const files = contextFiles(dir).filter((f) => f !== ARCHIVE_DOCKERFILE);
  for (const rel of files) {
    const abs = join(dir, ...rel.split('/'));
    add(rel, readFileSync(abs), lstatSync(abs).mode & 0o111 ? 0o755 : 0o644);
  }
  add(ARCHIVE_DOCKERFILE, Buffer.from(dockerfile), 0o644);
  parts.push(Buffer.alloc(1024));
  const bytes = gzipSync(Buffer.concat(parts), { level: 9 });
  // gzip's header holds no time when given a buffer (mtime 0), so the bytes are stable.
  return {
    bytes,
    digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
    files: files.length + 1,
  };
}
