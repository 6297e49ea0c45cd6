/**
 * The bounded repository walk: from a root directory to the list of files the analysis may
 * read. It skips dependency, VCS, virtualenv and build-output directories and everything the
 * repository's `.gitignore` files exclude; it follows symlinks that stay inside the root and
 * reports loops. It is bounded by what it reads, not by the size of the repository: binaries,
 * test data, vendored and minified files (see `skip.ts`) and files over `maxFileBytes` are
 * hashed by streaming but never read as text, and the `maxFiles`, `maxTotalBytes` and
 * `maxHashBytes` bounds are spent in read order (manifests, then code, then the rest), so that
 * a huge repository gives a partial analysis with a warning instead of an error. Every read
 * goes through a ConfinedFs: a directory or file swapped for a symlink out of the root while
 * the walk runs is refused at whatever level it happens, never read.
 */
import { type Dirent, type Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { InputError } from '../model/errors';
import { ConfinedFs } from './confined-fs';
import { Limiter } from './limiter';
import { joinRel, relTo } from './paths';
import { errCode, FileReader, swapped, type ReadBounds } from './read-files';
import type { RepoFile } from './repo';
import type { WarningSink } from './warnings';

export { isAnalyzedFile } from './skip';

/** Bounds of one walk (see `ReadBounds`; `AnalyzeOptions` for the defaults), and its ignores. */
export interface WalkOptions extends ReadBounds {
  /** Extra gitignore-syntax patterns applied at the root (from `stackpilot.yaml` `ignore`). */
  ignore?: readonly string[];
  /**
   * Real paths the root itself must lie in (the server's allowed roots), checked on the opened
   * root directory. Default: no such check.
   */
  within?: readonly string[];
}

/** Directory names never descended into: dependencies, VCS data, caches and build output. */
export const SKIPPED_DIRS: ReadonlySet<string> = new Set([
  '.git',
  '.hg',
  '.svn',
  'node_modules',
  'bower_components',
  '.venv',
  'venv',
  '__pycache__',
  '.pytest_cache',
  '.mypy_cache',
  '.ruff_cache',
  '.tox',
  '.nox',
  'dist',
  'build',
  '.next',
  '.nuxt',
  '.svelte-kit',
  '.turbo',
  '.vercel',
  '.cache',
  'coverage',
  '.stackpilot',
]);

interface DirTask {
  /** Repository-relative path. */
  rel: string;
  /** Absolute path to read (through symlinks as found). */
  abs: string;
  /** Real paths of this directory and its ancestors, to recognise symlink loops. */
  chain: readonly string[];
  /** gitignore matchers in effect, root first, each with the directory it applies to. */
  ignores: ReadonlyArray<{ base: string; ig: Ignore }>;
}

/**
 * Walks `root` (which must be an existing directory) and returns its files, unsorted.
 * Per-file problems become warnings, and so does every bound that was reached: what was not
 * read is named per reason, with counts, bytes and example paths.
 */
export async function walkRepository(
  root: string,
  options: WalkOptions,
  warnings: WarningSink,
): Promise<RepoFile[]> {
  let realRoot: string;
  let fs: ConfinedFs;
  try {
    realRoot = await realpath(root);
    fs = await ConfinedFs.openRoot(realRoot, options.within);
  } catch (err) {
    throw rootChanged(root, err);
  }
  return new Walker(realRoot, fs, options, warnings).run();
}

/**
 * The InputError for a root that cannot be opened as the directory it was, or resolves outside
 * the allowed roots: it vanished, or was swapped (for a file or a symlink) since it was checked.
 */
export function rootChanged(root: string, err: unknown): InputError {
  return new InputError(`repository path ${root} cannot be analyzed`, [
    {
      file: root,
      message: `it changed or resolves outside the allowed roots (${errCode(err) || 'error'}); not read`,
    },
  ]);
}

class Walker {
  private readonly io = new Limiter(32);
  private readonly reader: FileReader;

  constructor(
    private readonly realRoot: string,
    private readonly fs: ConfinedFs,
    private readonly options: WalkOptions,
    private readonly warnings: WarningSink,
  ) {
    this.reader = new FileReader(fs, options, warnings, this.io);
  }

  async run(): Promise<RepoFile[]> {
    const rootIgnores = options(this.options.ignore);
    await this.walkDir({
      rel: '.',
      abs: this.realRoot,
      chain: [this.realRoot],
      ignores: rootIgnores ? [{ base: '.', ig: rootIgnores }] : [],
    });
    return this.reader.read();
  }

  private async walkDir(task: DirTask): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await this.io.run(() => this.fs.readDir(task.abs));
    } catch (err) {
      if (swapped(this.warnings, task.rel, err)) return;
      this.warnings.add(
        'unreadable',
        `directory ${task.rel} cannot be read (${errCode(err) || 'error'}); skipped`,
        task.rel,
      );
      return;
    }
    // A virtualenv can have any name; its pyvenv.cfg gives it away.
    if (task.rel !== '.' && entries.some((e) => e.name === 'pyvenv.cfg' && e.isFile())) return;

    let ignores = task.ignores;
    if (entries.some((e) => e.name === '.gitignore' && e.isFile())) {
      const rel = joinRel(task.rel, '.gitignore');
      try {
        const ig = ignore().add(
          await this.io.run(() => this.readText(join(task.abs, '.gitignore'))),
        );
        ignores = [...ignores, { base: task.rel, ig }];
      } catch (err) {
        this.warnings.add(
          'unreadable',
          `${rel} cannot be read (${errCode(err) || 'error'}); its patterns are not applied`,
          rel,
        );
      }
    }

    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const jobs: Array<Promise<void>> = [];
    for (const entry of entries) {
      const rel = joinRel(task.rel, entry.name);
      const abs = join(task.abs, entry.name);
      if (entry.isDirectory()) {
        if (SKIPPED_DIRS.has(entry.name) || this.ignored(ignores, rel, true)) continue;
        jobs.push(
          this.walkDir({
            rel,
            abs,
            chain: [...task.chain, join(task.chain.at(-1)!, entry.name)],
            ignores,
          }),
        );
      } else if (entry.isFile()) {
        if (!this.ignored(ignores, rel, false)) this.reader.add(rel, abs);
      } else if (entry.isSymbolicLink()) {
        jobs.push(this.followLink(task, rel, abs, ignores, entry.name));
      }
      // Sockets, FIFOs and devices are skipped: reading a FIFO would block the walk.
    }
    await Promise.all(jobs);
  }

  private ignored(ignores: DirTask['ignores'], rel: string, isDir: boolean): boolean {
    let state = false;
    for (const { base, ig } of ignores) {
      const r = relTo(base, rel);
      const t = ig.test(isDir ? `${r}/` : r);
      if (t.ignored) state = true;
      else if (t.unignored) state = false;
    }
    return state;
  }

  private async followLink(
    task: DirTask,
    rel: string,
    abs: string,
    ignores: DirTask['ignores'],
    name: string,
  ): Promise<void> {
    let real: string;
    let st: Stats;
    try {
      real = await this.io.run(() => realpath(abs));
      st = await this.io.run(() => stat(real));
    } catch (err) {
      const code = errCode(err);
      if (code === 'ELOOP')
        this.warnings.add(
          'symlink-loop',
          `symlink ${rel} resolves to itself (symlink loop); skipped`,
          rel,
        );
      else if (code === 'ENOENT')
        this.warnings.add('symlink-broken', `symlink ${rel} points to nothing; skipped`, rel);
      else
        this.warnings.add(
          'unreadable',
          `symlink ${rel} cannot be resolved (${code || 'error'}); skipped`,
          rel,
        );
      return;
    }
    if (real !== this.realRoot && !real.startsWith(this.realRoot + sep)) {
      this.warnings.add(
        'symlink-outside-root',
        `symlink ${rel} points outside the repository; not followed`,
        rel,
      );
      return;
    }
    if (st.isDirectory()) {
      if (SKIPPED_DIRS.has(name) || this.ignored(ignores, rel, true)) return;
      if (task.chain.includes(real)) {
        const target =
          real === this.realRoot
            ? '.'
            : real
                .slice(this.realRoot.length + 1)
                .split(sep)
                .join('/');
        this.warnings.add(
          'symlink-loop',
          `symlink ${rel} points back to its ancestor ${target} (symlink loop); not followed`,
          rel,
        );
        return;
      }
      await this.walkDir({ rel, abs: real, chain: [...task.chain, real], ignores });
    } else if (st.isFile()) {
      if (!this.ignored(ignores, rel, false)) this.reader.add(rel, real);
    }
  }

  /** A UTF-8 file read through the confined file system. */
  private async readText(abs: string): Promise<string> {
    const { handle } = await this.fs.openFile(abs);
    try {
      return await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  }
}

function options(patterns: readonly string[] | undefined): Ignore | undefined {
  return patterns && patterns.length ? ignore().add([...patterns]) : undefined;
}
