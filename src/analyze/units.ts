/**
 * Source units: the directories that hold something deployable — a package.json, a Python
 * manifest, a Dockerfile or a Procfile — with their manifests parsed. Every file belongs to
 * the deepest unit above it, so a monorepo is split into its apps in one pass. A unit becomes
 * a component only when a detector recognises what it runs (a library package does not).
 */
import {
  parsePackageJson,
  type Dependency,
  type ManifestIssue,
  type PackageJson,
} from './parse/package-json';
import {
  normalizePyName,
  parseRequirements,
  pipfileDeps,
  pyprojectInfo,
  type PyTool,
} from './parse/python-deps';
import { parseToml } from './parse/toml';
import { parseYaml } from './parse/yaml';
import { baseOf, compareStrings, dirOf, isUnder, joinRel, relTo } from './paths';
import type { Repo, RepoFile } from './repo';
import type { WarningSink } from './warnings';

/** Node package manager, from `packageManager` or the nearest lockfile (default npm). */
export type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun';

/** A directory holding something deployable, with its manifests parsed. */
export interface Unit {
  /** Repository-relative directory. */
  dir: string;
  /** Files owned by the unit (not by a nested unit), sorted. */
  files: RepoFile[];
  /** Owned source files that are not tests, sorted. */
  codeFiles: string[];
  pkg?: PackageJson;
  npmDeps: Map<string, Dependency>;
  pyDeps: Map<string, Dependency>;
  /** Python manifest files read, sorted. */
  pyManifests: string[];
  pyTool?: PyTool;
  pyScripts: Record<string, string>;
  packageManager: PackageManager;
  /** Dockerfiles of the unit, `Dockerfile` first. */
  dockerfiles: string[];
  procfile?: string;
  /** Root of an npm/pnpm/yarn workspace (a container of apps, not an app unless a framework says so). */
  workspaceRoot: boolean;
}

const MARKERS = new Set([
  'package.json',
  'pyproject.toml',
  'requirements.txt',
  'Pipfile',
  'setup.py',
  'manage.py',
  'Dockerfile',
  'Procfile',
  'go.mod',
]);
const MANIFESTS = new Set([
  'package.json',
  'pyproject.toml',
  'requirements.txt',
  'Pipfile',
  'setup.py',
  'manage.py',
  'go.mod',
]);
const CODE = /\.(ts|tsx|js|jsx|mjs|cjs|mts|cts|py)$/;
const TEST_DIR = /(^|\/)(tests?|__tests__|__mocks__|e2e|cypress|playwright)\//;
const TEST_FILE =
  /(^|\/)(test_[^/]*\.py|[^/]*_test\.py|conftest\.py|[^/]*\.(test|spec)\.[cm]?[jt]sx?|[^/]*\.d\.ts)$/;

/** JavaScript/TypeScript or Python source, by extension. */
export function isCodeFile(path: string): boolean {
  return CODE.test(path);
}

/** Test code is not evidence of what the deployed process does. */
export function isTestPath(path: string): boolean {
  return TEST_DIR.test(path) || TEST_FILE.test(path);
}

/** `Dockerfile`, `Dockerfile.<x>`, `Dockerfile-<x>` or `<x>.Dockerfile`. */
export function isDockerfile(path: string): boolean {
  return /^(Dockerfile([.-][^/]*)?|[^/]+\.[Dd]ockerfile)$/.test(baseOf(path));
}

/** The Python module of a source file (`apps/api/app/main.py` in unit `apps/api` → `app.main`), src layout aware. */
export function pyModule(unit: Unit, path: string): string {
  return relTo(unit.dir, path)
    .replace(/^src\//, '')
    .replace(/\.py$/, '')
    .replace(/\/__init__$/, '')
    .split('/')
    .join('.');
}

/** Finds the units of a repository and parses their manifests; manifest problems become warnings. */
export function discoverUnits(repo: Repo, warnings: WarningSink): Unit[] {
  const markerDirs = new Map<string, Set<string>>();
  for (const f of repo.files) {
    const name = baseOf(f.path);
    if (!MARKERS.has(name)) continue;
    const dir = dirOf(f.path);
    let set = markerDirs.get(dir);
    if (!set) markerDirs.set(dir, (set = new Set()));
    set.add(name);
  }
  const hasManifest = (dir: string): boolean =>
    [...(markerDirs.get(dir) ?? [])].some((m) => MANIFESTS.has(m));

  // A directory holding only a Dockerfile inside an app that has none at its root is that
  // app's Dockerfile (`apps/api/docker/Dockerfile`), not an app of its own.
  const attached = new Map<string, string[]>();
  for (const [dir, markers] of [...markerDirs]) {
    if (dir === '.' || hasManifest(dir) || markers.has('Procfile')) continue;
    let up = dirOf(dir);
    while (!markerDirs.has(up) && up !== '.') up = dirOf(up);
    if (
      markerDirs.has(up) &&
      hasManifest(up) &&
      !markerDirs.get(up)!.has('Dockerfile') &&
      !(up === '.' && isWorkspaceRoot(repo))
    ) {
      const list = attached.get(up) ?? [];
      list.push(joinRel(dir, 'Dockerfile'));
      attached.set(up, list);
      markerDirs.delete(dir);
    }
  }

  const dirs = [...markerDirs.keys()].sort(compareStrings);
  const owned = ownFiles(repo, dirs);
  return dirs.map((dir) =>
    buildUnit(repo, dir, owned.get(dir) ?? [], attached.get(dir) ?? [], warnings),
  );
}

function ownFiles(repo: Repo, dirs: string[]): Map<string, RepoFile[]> {
  const set = new Set(dirs);
  const out = new Map<string, RepoFile[]>();
  for (const f of repo.files) {
    let dir = dirOf(f.path);
    while (!set.has(dir) && dir !== '.') dir = dirOf(dir);
    if (!set.has(dir)) continue;
    const list = out.get(dir);
    if (list) list.push(f);
    else out.set(dir, [f]);
  }
  return out;
}

function isWorkspaceRoot(repo: Repo): boolean {
  if (repo.has('pnpm-workspace.yaml')) return true;
  return /"workspaces"\s*:/.test(repo.text('package.json') ?? '');
}

function buildUnit(
  repo: Repo,
  dir: string,
  files: RepoFile[],
  attachedDockerfiles: string[],
  warnings: WarningSink,
): Unit {
  const at = (name: string): string => joinRel(dir, name);
  const unit: Unit = {
    dir,
    files,
    codeFiles: files
      .filter((f) => CODE.test(f.path) && !isTestPath(relTo(dir, f.path)) && f.text !== undefined)
      .map((f) => f.path),
    npmDeps: new Map(),
    pyDeps: new Map(),
    pyManifests: [],
    pyScripts: {},
    packageManager: packageManager(repo, dir),
    dockerfiles: [
      ...files.filter((f) => dirOf(f.path) === dir && isDockerfile(f.path)).map((f) => f.path),
      ...attachedDockerfiles,
    ].sort(
      (a, b) =>
        Number(baseOf(b) === 'Dockerfile') - Number(baseOf(a) === 'Dockerfile') ||
        compareStrings(a, b),
    ),
    workspaceRoot: false,
  };
  if (repo.has(at('Procfile'))) unit.procfile = at('Procfile');

  const report = (
    file: string,
    code: 'invalid-json' | 'invalid-manifest' | 'invalid-toml' | 'invalid-yaml',
    list: ManifestIssue[],
  ): void => {
    for (const i of list) warnings.add(code, `${file}: ${i.message}`, file, i.line);
  };

  const pkgSrc = repo.source(at('package.json'));
  if (pkgSrc) {
    const issues: ManifestIssue[] = [];
    const pkg = parsePackageJson(pkgSrc, issues);
    report(pkgSrc.path, pkg ? 'invalid-manifest' : 'invalid-json', issues);
    if (pkg) {
      unit.pkg = pkg;
      unit.npmDeps = pkg.deps;
      if (pkg.packageManager)
        unit.packageManager = pmFromField(pkg.packageManager) ?? unit.packageManager;
      unit.workspaceRoot = pkg.workspaces.length > 0;
    }
  }
  if (dir === '.' && repo.source('pnpm-workspace.yaml')) {
    unit.workspaceRoot = true;
    const parsed = parseYaml(repo.text('pnpm-workspace.yaml')!);
    if (!parsed.ok) report('pnpm-workspace.yaml', 'invalid-yaml', [parsed]);
  }

  const addPy = (deps: Iterable<Dependency>): void => {
    for (const d of deps)
      if (!unit.pyDeps.has(d.name) || (unit.pyDeps.get(d.name)!.dev && !d.dev))
        unit.pyDeps.set(d.name, d);
  };
  const pyproject = repo.source(at('pyproject.toml'));
  if (pyproject) {
    unit.pyManifests.push(pyproject.path);
    const parsed = parseToml(pyproject.text);
    if (!parsed.ok) report(pyproject.path, 'invalid-toml', [parsed]);
    else {
      const info = pyprojectInfo(pyproject, parsed.value);
      addPy(info.deps);
      unit.pyTool = repo.has(at('uv.lock')) ? 'uv' : info.tool;
      unit.pyScripts = info.scripts;
    }
  }
  const seen = new Set<string>();
  const readRequirements = (path: string, depth: number): void => {
    const src = repo.source(path);
    if (!src || seen.has(path) || depth > 5) return;
    seen.add(path);
    unit.pyManifests.push(path);
    const { deps, includes } = parseRequirements(src);
    addPy(deps);
    for (const inc of includes) {
      const target = joinRel(dirOf(path), inc);
      if (isUnder(target, '.') && !target.startsWith('..')) readRequirements(target, depth + 1);
    }
  };
  for (const f of files)
    if (
      dirOf(f.path) === dir &&
      /^requirements[^/]*\.txt$/.test(baseOf(f.path)) &&
      !/dev|test|lint|doc/i.test(baseOf(f.path))
    )
      readRequirements(f.path, 0);
  unit.pyTool ??= unit.pyManifests.length ? 'pip' : undefined;
  const pipfile = repo.source(at('Pipfile'));
  if (pipfile) {
    unit.pyManifests.push(pipfile.path);
    const parsed = parseToml(pipfile.text);
    if (!parsed.ok) report(pipfile.path, 'invalid-toml', [parsed]);
    else {
      addPy(pipfileDeps(pipfile, parsed.value));
      unit.pyTool = 'pipenv';
    }
  }
  unit.pyManifests.sort(compareStrings);
  if (unit.pyTool === undefined) delete unit.pyTool;
  // Normalise keys once more: Poetry tables may spell names in other styles.
  unit.pyDeps = new Map([...unit.pyDeps].map(([k, v]) => [normalizePyName(k), v]));
  return unit;
}

function pmFromField(field: string): PackageManager | undefined {
  const name = field.split('@')[0];
  return name === 'pnpm' || name === 'yarn' || name === 'bun' || name === 'npm' ? name : undefined;
}

/** The package manager from the nearest lockfile at or above `dir`; npm when none. */
function packageManager(repo: Repo, dir: string): PackageManager {
  for (let d = dir; ; d = dirOf(d)) {
    if (repo.has(joinRel(d, 'pnpm-lock.yaml'))) return 'pnpm';
    if (repo.has(joinRel(d, 'yarn.lock'))) return 'yarn';
    if (repo.has(joinRel(d, 'bun.lockb')) || repo.has(joinRel(d, 'bun.lock'))) return 'bun';
    if (repo.has(joinRel(d, 'package-lock.json'))) return 'npm';
    if (d === '.') break;
  }
  const rootPm = /"packageManager"\s*:\s*"(\w+)@/.exec(repo.text('package.json') ?? '')?.[1];
  return rootPm ? (pmFromField(rootPm) ?? 'npm') : 'npm';
}
