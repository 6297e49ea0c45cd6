/**
 * Repository analysis: from an application repository on disk to its AppModel.
 *
 * The entry point of the `analyze` stage for the CLI and the server. It validates the root,
 * reads the app spec (`stackpilot.yaml`), walks the repository within bounds, runs the
 * detectors and assembles a deterministic, schema-valid model.
 *
 * Errors: a missing root or a root that is not a directory, a bad `stackpilot.yaml`, and
 * nonsensical bounds throw `InputError`. A repository of any size gets an answer: the bounds
 * limit what is read, not the repository, and what was not read is an AppModel warning per
 * reason (`files-skipped` for test data, vendored, minified and data files;
 * `analysis-partial` when a bound was reached), with counts, bytes and example paths. Problems
 * with single files — malformed package.json, TOML, YAML or compose, unreadable, binary or
 * oversize source, symlink loops — are AppModel warnings naming the file and, when known, the
 * line.
 */
import { realpath, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { AppModelSchema, type AppModel } from '../model/app';
import { InputError } from '../model/errors';
import { assemble } from './assemble';
import { ConfinedFs } from './confined-fs';
import { Repo } from './repo';
import { loadSpec } from './spec';
import { rootChanged, walkRepository } from './walk';
import { WarningSink } from './warnings';

export { summarizeAppModel } from './summary';

/**
 * Bounds of one analysis. They bound what is read, never the repository: each is spent in read
 * order (manifests, Dockerfiles, compose and env files first, then code and configuration, then
 * other text) and reaching one gives an `analysis-partial` warning, not an error.
 */
export interface AnalyzeOptions {
  /** Most files considered (after ignores), in read order; the rest are not opened. Default 20 000. */
  maxFiles?: number;
  /** Files larger than this are hashed but not read or parsed. Default 1 MiB. */
  maxFileBytes?: number;
  /**
   * Most bytes read as text over the whole walk. Binaries, files skipped by path (test data,
   * vendored, minified, data folders) and oversize files do not count. Default 64 MiB.
   */
  maxTotalBytes?: number;
  /**
   * Most bytes streamed through sha256 for the files that are not read as text, for the
   * components' source digests; beyond it files are listed unhashed and digests count them as
   * unreadable. Default 1 GiB.
   */
  maxHashBytes?: number;
  /**
   * Real paths the repository must lie in (a server's allowed roots). The root is resolved
   * once, checked on the opened directory, and nothing outside it is read, even when a
   * directory is swapped for a symlink during the analysis. Default: no such check.
   */
  within?: readonly string[];
}

/** Default bounds: 20 000 files, 1 MiB per file, 64 MiB read in total, 1 GiB hashed. */
export const DEFAULT_ANALYZE_OPTIONS: Readonly<Required<Omit<AnalyzeOptions, 'within'>>> = {
  maxFiles: 20_000,
  maxFileBytes: 1024 * 1024,
  maxTotalBytes: 64 * 1024 * 1024,
  maxHashBytes: 1024 * 1024 * 1024,
};

/**
 * Analyzes the repository at `root` and returns its AppModel: components sorted by name,
 * edges by (from, to), evidence sorted, repository-relative POSIX paths, no secret values.
 * The same input gives byte-identical JSON.
 */
export async function analyzeRepository(
  root: string,
  options: AnalyzeOptions = {},
): Promise<AppModel> {
  const { within, ...bounds } = options;
  const opts = { ...DEFAULT_ANALYZE_OPTIONS, ...bounds };
  for (const [key, value] of Object.entries(opts))
    if (!Number.isInteger(value) || value <= 0)
      throw new InputError('invalid analyze options', [
        { field: key, message: `must be a positive integer, got ${String(value)}` },
      ]);
  const abs = resolve(root);
  const st = await stat(abs).catch(() => undefined);
  if (!st)
    throw new InputError(`repository path ${root} does not exist`, [
      { file: root, message: 'no such file or directory' },
    ]);
  if (!st.isDirectory())
    throw new InputError(`repository path ${root} is not a directory`, [
      { file: root, message: 'expected a directory' },
    ]);

  let real: string;
  let fs: ConfinedFs;
  try {
    real = await realpath(abs);
    fs = await ConfinedFs.openRoot(real, within);
  } catch (err) {
    throw rootChanged(root, err);
  }
  const spec = await loadSpec(real, opts.maxFileBytes, fs);
  const warnings = new WarningSink();
  const files = await walkRepository(
    real,
    { ...opts, ignore: spec?.spec.ignore ?? [], ...(within ? { within } : {}) },
    warnings,
  );
  const model = assemble({
    repo: new Repo(files),
    warnings,
    ...(spec ? { spec } : {}),
    rootName: basename(abs),
  });
  return AppModelSchema.parse(model);
}
