/**
 * The in-memory view of a walked repository: every kept file with its size, content hash and
 * (for small text files) its text. Detectors read only this, never the file system, so that
 * they are pure and can be tested on repositories built in memory.
 */
import { compareStrings, dirOf, isUnder } from './paths';

/** One file of the repository as the walker found it. */
export interface RepoFile {
  /** Repository-relative POSIX path. */
  readonly path: string;
  readonly size: number;
  /** Hex sha256 of the content; absent when the file could not be read. */
  readonly hash?: string;
  /** UTF-8 text (BOM removed) for readable non-binary files within the size bound. */
  readonly text?: string;
  readonly binary: boolean;
  /** Larger than `maxFileBytes`: hashed but not read into memory. */
  readonly oversize: boolean;
}

/** Text with a lazily built line index, for turning match offsets into 1-based lines. */
export class SourceText {
  private starts: number[] | undefined;

  constructor(
    readonly path: string,
    readonly text: string,
  ) {}

  /** 1-based line of a character offset. */
  lineAt(offset: number): number {
    if (!this.starts) {
      const starts = [0];
      for (let i = this.text.indexOf('\n'); i >= 0; i = this.text.indexOf('\n', i + 1))
        starts.push(i + 1);
      this.starts = starts;
    }
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** Line of the first match of `pattern` (a global flag is not needed), or `undefined`. */
  lineOf(pattern: RegExp | string, from = 0): number | undefined {
    if (typeof pattern === 'string') {
      const i = this.text.indexOf(pattern, from);
      return i < 0 ? undefined : this.lineAt(i);
    }
    const re = new RegExp(
      pattern.source,
      pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`,
    );
    re.lastIndex = from;
    const m = re.exec(this.text);
    return m ? this.lineAt(m.index) : undefined;
  }
}

/** Sorted, indexed set of repository files. */
export class Repo {
  readonly files: readonly RepoFile[];
  private readonly byPath = new Map<string, RepoFile>();
  private readonly byDir = new Map<string, RepoFile[]>();
  private readonly sources = new Map<string, SourceText>();

  constructor(files: Iterable<RepoFile>) {
    this.files = [...files].sort((a, b) => compareStrings(a.path, b.path));
    for (const f of this.files) {
      this.byPath.set(f.path, f);
      const dir = dirOf(f.path);
      const list = this.byDir.get(dir);
      if (list) list.push(f);
      else this.byDir.set(dir, [f]);
    }
  }

  get(path: string): RepoFile | undefined {
    return this.byPath.get(path);
  }

  has(path: string): boolean {
    return this.byPath.has(path);
  }

  /** The text of a readable text file, or `undefined`. */
  text(path: string): string | undefined {
    return this.byPath.get(path)?.text;
  }

  /** The text of a file with its line index, cached, or `undefined` when it has no text. */
  source(path: string): SourceText | undefined {
    let s = this.sources.get(path);
    if (!s) {
      const text = this.text(path);
      if (text === undefined) return undefined;
      s = new SourceText(path, text);
      this.sources.set(path, s);
    }
    return s;
  }

  /** Files directly inside a directory (not below it), sorted. */
  filesIn(dir: string): readonly RepoFile[] {
    return this.byDir.get(dir) ?? [];
  }

  /** Directories that hold at least one file directly, sorted. */
  dirs(): string[] {
    return [...this.byDir.keys()].sort(compareStrings);
  }

  /** Files at or below a directory, sorted; a binary search over the sorted list. */
  filesUnder(dir: string): RepoFile[] {
    if (dir === '.') return [...this.files];
    const prefix = `${dir}/`;
    let lo = 0;
    let hi = this.files.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.files[mid]!.path < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: RepoFile[] = [];
    for (let i = lo; i < this.files.length && isUnder(this.files[i]!.path, dir); i++)
      out.push(this.files[i]!);
    return out;
  }
}
