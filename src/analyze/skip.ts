/**
 * What the walk reads, and what it only lists: the rules that keep the analysis bounded by what
 * it reads rather than by the size of the repository. Binaries, test data, vendored code and
 * assets, minified bundles and data folders are never read as text (they are still hashed for
 * the source digests); manifests, Dockerfiles, compose and env files are always read first.
 * A ledger sums up what was skipped, per reason, into one warning each.
 */
import { compareStrings } from './paths';
import type { WarningSink } from './warnings';

const CODE_FILE = /\.(ts|tsx|js|jsx|mjs|cjs|mts|cts|py|go)$/;
const CONFIG_FILE = /\.(ya?ml|json|toml|ini|cfg|conf)$/;
const ANALYZED_NAME =
  /^(package\.json|pnpm-workspace\.yaml|pyproject\.toml|go\.mod|Pipfile|setup\.py|requirements[^/]*\.txt|Procfile|manage\.py|alembic\.ini|stackpilot\.ya?ml|(docker-)?compose[^/]*\.ya?ml|Dockerfile[^/]*|[^/]*\.Dockerfile|next\.config\.[cm]?[jt]s|\.env[^/]*)$/;

/** Extensions of formats that are binary whatever their first bytes say. */
export const BINARY_EXTENSIONS: ReadonlySet<string> = new Set(
  (
    'pdf png jpg jpeg gif webp ico bmp tif tiff psd avif heic zip gz tgz tar bz2 xz 7z rar zst ' +
    'jar war ear class so dll dylib exe o a lib wasm pyc pyd mp4 mov avi mkv webm mp3 wav ogg ' +
    'flac woff woff2 ttf otf eot bin pt pth ckpt onnx safetensors h5 pb tflite npy npz pkl ' +
    'parquet feather arrow avro orc sqlite sqlite3 db'
  ).split(' '),
);

/** Why a file is listed but not read as text, by its path alone. */
export type PathSkipReason = 'test-data' | 'vendored' | 'minified' | 'data-folder';

/** Why a file considered by the walk was not read: a path rule, or a bound that was reached. */
export type SkipReason = PathSkipReason | 'max-total-bytes' | 'max-hash-bytes' | 'max-files';

const VENDOR_DIRS = new Set(['vendor', 'third_party', 'third-party', 'thirdparty']);
const TEST_DATA_DIRS = new Set(['testdata', 'test-data', 'test_data', '__fixtures__']);
const TEST_DIRS = new Set(['test', 'tests', '__tests__', 'spec', 'e2e']);
const DATA_UNDER_TESTS = new Set(['fixtures', 'data', 'samples', 'resources', 'assets', 'files']);
const DATA_DIRS = new Set(['data', 'datasets', 'dataset', 'samples', 'sample-data', 'sample_data']);
const MINIFIED = /\.min\.(js|mjs|cjs|css)$|\.(js|mjs|cjs|css)\.map$/;

function nameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * True for files a detector parses by name: manifests, compose files, Dockerfiles, env files,
 * the app spec. These are never skipped by path and are read before anything else.
 */
export function isEssentialFile(path: string): boolean {
  return ANALYZED_NAME.test(nameOf(path));
}

/** True for JavaScript/TypeScript, Python or Go source, by extension. */
export function isCodeFile(path: string): boolean {
  return CODE_FILE.test(nameOf(path));
}

/**
 * True for files a detector parses (manifests, compose files, Dockerfiles, env files, source
 * code). Only for these is a binary or oversize file worth a warning of its own: elsewhere
 * (images, fonts, data) it is normal.
 */
export function isAnalyzedFile(path: string): boolean {
  return isEssentialFile(path) || isCodeFile(path);
}

/** True when the extension names a binary format (`.pdf`, `.png`, `.onnx` …); case-insensitive. */
export function isBinaryName(path: string): boolean {
  const name = nameOf(path);
  const dot = name.lastIndexOf('.');
  return dot > 0 && BINARY_EXTENSIONS.has(name.slice(dot + 1).toLowerCase());
}

/**
 * The path rule that keeps a file from being read, or `undefined` when it may be read.
 * Essential files are always readable. Test data: anything under `testdata/` or `__fixtures__/`,
 * or under `fixtures/`, `data/`, `samples/`, `resources/`, `assets/`, `files/` inside a test
 * directory (test code itself is read). Vendored: anything under `vendor/` or `third_party/`.
 * Minified: `*.min.js`, `*.min.css` and source maps. Data folder: non-code files under `data/`,
 * `datasets/` or `samples/`.
 */
export function pathSkipReason(path: string): PathSkipReason | undefined {
  if (isEssentialFile(path)) return undefined;
  const dirs = path.split('/').slice(0, -1);
  const inTests = dirs.findIndex((d) => TEST_DIRS.has(d));
  if (
    dirs.some((d) => TEST_DATA_DIRS.has(d)) ||
    (inTests >= 0 && dirs.slice(inTests + 1).some((d) => DATA_UNDER_TESTS.has(d)))
  )
    return 'test-data';
  if (dirs.some((d) => VENDOR_DIRS.has(d))) return 'vendored';
  if (MINIFIED.test(nameOf(path))) return 'minified';
  if (!isCodeFile(path) && dirs.some((d) => DATA_DIRS.has(d))) return 'data-folder';
  return undefined;
}

/**
 * Reading order under the bounds, lowest first: essential files 0, code and configuration 1,
 * other text 2, files that are not read as text (binary by name, skipped by path) 3.
 */
export function readPriority(path: string): number {
  if (isEssentialFile(path)) return 0;
  if (isBinaryName(path) || pathSkipReason(path)) return 3;
  const name = nameOf(path);
  return CODE_FILE.test(name) || CONFIG_FILE.test(name) ? 1 : 2;
}

/** The bounds a skip warning names. */
export interface SkipBounds {
  maxFiles: number;
  maxTotalBytes: number;
  maxHashBytes: number;
}

const EXAMPLES = 3;

const WHY: Record<PathSkipReason, string> = {
  'test-data': 'as test data (testdata/, and fixtures or data under test directories)',
  vendored: 'as vendored code or assets (vendor/, third_party/)',
  minified: 'as minified bundles or source maps (*.min.js, *.min.css, *.map)',
  'data-folder': 'as data (non-code files under data/, datasets/ or samples/)',
};

const ORDER: readonly SkipReason[] = [
  'data-folder',
  'minified',
  'test-data',
  'vendored',
  'max-files',
  'max-total-bytes',
  'max-hash-bytes',
];

interface Tally {
  count: number;
  bytes: number;
  examples: string[];
}

/**
 * Counts skipped files per reason, with their bytes and the first few paths, and reports one
 * warning per reason. Record in read order (or sorted) for the examples to be deterministic;
 * the examples are sorted again when reported.
 */
export class SkipLedger {
  private readonly tallies = new Map<SkipReason, Tally>();

  /** Notes one skipped file; `bytes` is its size, or 0 when it was never opened. */
  record(reason: SkipReason, path: string, bytes: number): void {
    let t = this.tallies.get(reason);
    if (!t) this.tallies.set(reason, (t = { count: 0, bytes: 0, examples: [] }));
    t.count++;
    t.bytes += bytes;
    t.examples.push(path);
    t.examples.sort(compareStrings);
    if (t.examples.length > EXAMPLES) t.examples.pop();
  }

  /** How many files were skipped for `reason`. */
  count(reason: SkipReason): number {
    return this.tallies.get(reason)?.count ?? 0;
  }

  /** Adds one warning per reason (`files-skipped` for path rules, `analysis-partial` for bounds). */
  report(sink: WarningSink, bounds: SkipBounds): void {
    for (const reason of ORDER) {
      const t = this.tallies.get(reason);
      if (!t) continue;
      const more = t.count - t.examples.length;
      const eg = `e.g. ${t.examples.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
      const files = `${t.count} file${t.count === 1 ? '' : 's'}`;
      const sized = `${files} (${t.bytes} bytes)`;
      if (reason === 'max-files')
        sink.add(
          'analysis-partial',
          `analysis is partial: ${files} beyond the maxFiles bound of ${bounds.maxFiles} were not considered (manifests, then code, were kept first); ${eg}`,
        );
      else if (reason === 'max-total-bytes')
        sink.add(
          'analysis-partial',
          `analysis is partial: ${sized} not read because the maxTotalBytes bound of ${bounds.maxTotalBytes} bytes was reached (manifests, then code, were read first); ${eg}`,
        );
      else if (reason === 'max-hash-bytes')
        sink.add(
          'analysis-partial',
          `${sized} not hashed because the maxHashBytes bound of ${bounds.maxHashBytes} bytes was reached; source digests count them as unreadable; ${eg}`,
        );
      else sink.add('files-skipped', `${sized} skipped ${WHY[reason]}; not analyzed; ${eg}`);
    }
  }
}
