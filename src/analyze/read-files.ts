/**
 * Reading the files a walk found, bounded by what is read rather than by how many there are.
 * Files are taken in read order (essential files, code and configuration, other text, then
 * files that are not read as text) and sorted by path within each rank, so that the bounds cut
 * the same files on every run: the first `maxFiles` are opened, text within `maxTotalBytes` is
 * read, and the rest — binaries by name or content, files skipped by path (`skip.ts`), files
 * over `maxFileBytes`, text past the byte bound — is hashed by streaming for the source digests
 * while `maxHashBytes` lasts, and only listed after that. A ledger names what was not read.
 */
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import type { ConfinedFs } from './confined-fs';
import type { Limiter } from './limiter';
import { compareStrings } from './paths';
import type { RepoFile } from './repo';
import {
  isAnalyzedFile,
  isBinaryName,
  isEssentialFile,
  pathSkipReason,
  readPriority,
  SkipLedger,
  type PathSkipReason,
} from './skip';
import type { WarningSink } from './warnings';

/** The bounds of reading; see `AnalyzeOptions` for their defaults. */
export interface ReadBounds {
  /** Most files opened, in read order; the rest are not considered. */
  maxFiles: number;
  /** Files larger than this are hashed by streaming, never read as text. */
  maxFileBytes: number;
  /** Most bytes read as text in all, in read order. */
  maxTotalBytes: number;
  /** Most bytes streamed to hash files that are not read; beyond it files are listed unhashed. */
  maxHashBytes: number;
}

/** Bytes sniffed for NUL to tell binary from text, as git does. */
const SNIFF_BYTES = 8192;

/** A file found by the walk, before it is opened. */
interface Candidate {
  rel: string;
  abs: string;
  priority: number;
  skip: PathSkipReason | undefined;
  /** Binary by its extension (never for an essential file). */
  binaryName: boolean;
}

/** What is done with a considered file: read as text, hashed by streaming, or only listed. */
type Action = 'read' | 'hash' | 'list';

interface Planned extends Candidate {
  size: number;
  binary: boolean;
  oversize: boolean;
  action: Action;
}

/** The `code` of a Node.js system error, or an empty string. */
export function errCode(err: unknown): string {
  return err && typeof err === 'object' && 'code' in err ? String(err.code) : '';
}

/** Collects the files of one walk, then reads them within the bounds. */
export class FileReader {
  private readonly candidates: Candidate[] = [];
  private readonly files: RepoFile[] = [];
  private readonly skipped = new SkipLedger();

  constructor(
    private readonly fs: ConfinedFs,
    private readonly options: ReadBounds,
    private readonly warnings: WarningSink,
    private readonly io: Limiter,
  ) {}

  /**
   * Reads what the bounds allow, in read order, and returns every kept file (unsorted); adds
   * one warning per reason for what was not read.
   */
  async read(): Promise<RepoFile[]> {
    // The walk ran concurrently: the bounds are spent in a sorted order, so that the same
    // repository always gives the same files.
    const ordered = this.candidates.sort(
      (a, b) => a.priority - b.priority || compareStrings(a.rel, b.rel),
    );
    for (const c of ordered.slice(this.options.maxFiles))
      this.skipped.record('max-files', c.rel, 0);
    const probed = await Promise.all(
      ordered.slice(0, this.options.maxFiles).map((c) => this.io.run(() => this.probe(c))),
    );
    const plan = this.plan(probed.filter((p) => p !== undefined));
    await Promise.all(plan.map((p) => this.io.run(() => this.load(p))));
    this.skipped.report(this.warnings, this.options);
    return this.files;
  }

  /** Adds a file found by the walk. */
  add(rel: string, abs: string): void {
    const skip = pathSkipReason(rel);
    const binaryName = !isEssentialFile(rel) && isBinaryName(rel);
    this.candidates.push({ rel, abs, priority: readPriority(rel), skip, binaryName });
  }

  /** Opens a file for its size and, when it might be read, sniffs its first bytes for NUL. */
  private async probe(c: Candidate): Promise<Planned | undefined> {
    let handle: FileHandle | undefined;
    try {
      const opened = await this.fs.openFile(c.abs);
      handle = opened.handle;
      const size = opened.stats.size;
      const oversize = size > this.options.maxFileBytes;
      let binary = c.binaryName;
      if (!binary && !oversize && c.skip === undefined && size > 0) {
        const sniff = Buffer.alloc(Math.min(size, SNIFF_BYTES));
        const { bytesRead } = await handle.read(sniff, 0, sniff.length, 0);
        binary = isBinary(sniff.subarray(0, bytesRead));
      }
      return { ...c, size, binary, oversize, action: 'read' };
    } catch (err) {
      this.unreadable(c.rel, err);
      return undefined;
    } finally {
      await handle?.close();
    }
  }

  /** Decides, in read order, what is read, hashed or only listed, spending the byte bounds. */
  private plan(probed: readonly Planned[]): Planned[] {
    let readBytes = 0;
    let hashBytes = 0;
    return probed.map((p) => {
      let action: Action = 'hash';
      if (p.skip) this.skipped.record(p.skip, p.rel, p.size);
      else if (p.oversize) this.warnOversize(p.rel, p.size);
      else if (p.binary) this.warnBinary(p.rel);
      else if (readBytes + p.size <= this.options.maxTotalBytes) {
        readBytes += p.size;
        action = 'read';
      } else this.skipped.record('max-total-bytes', p.rel, p.size);
      if (action === 'hash') {
        if (hashBytes + p.size <= this.options.maxHashBytes) hashBytes += p.size;
        else {
          this.skipped.record('max-hash-bytes', p.rel, p.size);
          action = 'list';
        }
      }
      return { ...p, action };
    });
  }

  /** Carries out one planned action and keeps the file. */
  private async load(p: Planned): Promise<void> {
    const { rel, binary, oversize } = p;
    if (p.action === 'list') {
      this.files.push({ path: rel, size: p.size, binary, oversize });
      return;
    }
    let handle: FileHandle | undefined;
    try {
      const opened = await this.fs.openFile(p.abs);
      handle = opened.handle;
      const fh = handle;
      const size = opened.stats.size;
      // A file that grew past the per-file bound since it was probed is hashed, not read.
      if (p.action === 'hash' || size > this.options.maxFileBytes) {
        const hash = await hashStream(fh);
        const over = size > this.options.maxFileBytes;
        if (over && !oversize) this.warnOversize(rel, size);
        this.files.push({ path: rel, size, hash, binary, oversize: over });
        return;
      }
      const buf = await fh.readFile();
      const hash = createHash('sha256').update(buf).digest('hex');
      if (isBinary(buf)) {
        this.warnBinary(rel);
        this.files.push({ path: rel, size: buf.length, hash, binary: true, oversize: false });
        return;
      }
      const text = buf
        .toString('utf8')
        .replace(/^\uFEFF/, '')
        .replace(/\r\n?/g, '\n');
      this.files.push({ path: rel, size: buf.length, hash, text, binary: false, oversize: false });
    } catch (err) {
      this.unreadable(rel, err);
    } finally {
      await handle?.close();
    }
  }

  private warnOversize(rel: string, size: number): void {
    if (isAnalyzedFile(rel))
      this.warnings.add(
        'file-too-large',
        `${rel} is ${size} bytes, over the ${this.options.maxFileBytes}-byte bound; not analyzed`,
        rel,
      );
  }

  private warnBinary(rel: string): void {
    if (isAnalyzedFile(rel))
      this.warnings.add('binary-file', `${rel} is binary (contains NUL bytes); not analyzed`, rel);
  }

  private unreadable(rel: string, err: unknown): void {
    if (swapped(this.warnings, rel, err)) return;
    this.warnings.add(
      'unreadable',
      `${rel} cannot be read (${errCode(err) || 'error'}); not analyzed`,
      rel,
    );
  }
}

/** True (with a warning) when the entry was swapped while the walk ran: never read then. */
export function swapped(warnings: WarningSink, rel: string, err: unknown): boolean {
  const code = errCode(err);
  if (code === 'EOUTSIDE' || code === 'ELOOP')
    warnings.add(
      'symlink-outside-root',
      `${rel} became a symlink or left the repository while it was read; not followed`,
      rel,
    );
  else if (code === 'ECHANGED' || code === 'ENOTDIR' || code === 'ENOENT')
    warnings.add('unreadable', `${rel} changed while it was read; skipped`, rel);
  else return false;
  return true;
}

/** A NUL byte in the first 8 KiB marks a file as binary, as git does. */
function isBinary(buf: Buffer): boolean {
  return buf.subarray(0, SNIFF_BYTES).includes(0);
}

function hashStream(handle: FileHandle): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    handle
      .createReadStream({ autoClose: false })
      .on('data', (chunk) => h.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}
