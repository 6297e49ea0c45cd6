/**
 * package.json: the fields the analysis uses, each validated on its own so that one bad field
 * is reported (file, field, line) without losing the rest.
 */
import { z } from 'zod';
import type { SourceText } from '../repo';
import { parseJson } from './json';

/** One declared dependency, located in its manifest. */
export interface Dependency {
  /** Normalised name (npm: as written; Python: lowercase with `-`). */
  name: string;
  /** Version specifier as written (`^15.1.6`, `>=0.115`), when given. */
  spec?: string;
  /** Extras (`celery[redis]` → `redis`). */
  extras: string[];
  dev: boolean;
  file: string;
  line?: number;
}

/** The package.json fields the analysis uses. */
export interface PackageJson {
  file: string;
  name?: string;
  main?: string;
  scripts: Record<string, string>;
  /** Runtime and dev dependencies by name (runtime wins on a name in both). */
  deps: Map<string, Dependency>;
  workspaces: string[];
  packageManager?: string;
}

/** A problem in a manifest, located by line when known. */
export interface ManifestIssue {
  message: string;
  line?: number;
}

const depRecord = z.record(z.string(), z.string());
const FIELDS = {
  name: z.string(),
  main: z.string(),
  scripts: z.record(z.string(), z.string()),
  dependencies: depRecord,
  devDependencies: depRecord,
  peerDependencies: depRecord,
  optionalDependencies: depRecord,
  workspaces: z.union([
    z.array(z.string()),
    z.looseObject({ packages: z.array(z.string()).optional() }),
  ]),
  packageManager: z.string(),
} as const;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Line of a JSON key `"key":` at or after `from`. */
export function jsonKeyLine(src: SourceText, key: string, from = 0): number | undefined {
  return src.lineOf(new RegExp(`"${escapeRe(key)}"\\s*:`), from);
}

/**
 * Parses a package.json. A syntax error returns `undefined` with one issue; a bad field is
 * dropped with an issue naming it.
 */
export function parsePackageJson(
  src: SourceText,
  issues: ManifestIssue[],
): PackageJson | undefined {
  const parsed = parseJson(src.text);
  if (!parsed.ok) {
    issues.push({ message: parsed.message, ...(parsed.line ? { line: parsed.line } : {}) });
    return undefined;
  }
  if (!parsed.value || typeof parsed.value !== 'object' || Array.isArray(parsed.value)) {
    issues.push({ message: 'package.json must hold a JSON object', line: 1 });
    return undefined;
  }
  const raw = parsed.value as Record<string, unknown>;
  const field = <K extends keyof typeof FIELDS>(
    key: K,
  ): z.infer<(typeof FIELDS)[K]> | undefined => {
    if (raw[key] === undefined) return undefined;
    const r = FIELDS[key].safeParse(raw[key]);
    if (r.success) return r.data as z.infer<(typeof FIELDS)[K]>;
    const where = r.error.issues[0]?.path.map(String).join('.');
    issues.push({
      message: `field "${key}${where ? `.${where}` : ''}" is invalid (${r.error.issues[0]?.message ?? 'wrong type'}); ignored`,
      ...(jsonKeyLine(src, key) ? { line: jsonKeyLine(src, key) } : {}),
    });
    return undefined;
  };

  const deps = new Map<string, Dependency>();
  const add = (
    section: 'dependencies' | 'devDependencies' | 'peerDependencies' | 'optionalDependencies',
  ): void => {
    const record = field(section);
    if (!record) return;
    const sectionAt = src.text.search(new RegExp(`"${section}"\\s*:`));
    for (const [name, spec] of Object.entries(record)) {
      if (deps.has(name)) continue;
      const line = jsonKeyLine(src, name, Math.max(0, sectionAt));
      deps.set(name, {
        name,
        spec,
        extras: [],
        dev: section === 'devDependencies',
        file: src.path,
        ...(line ? { line } : {}),
      });
    }
  };
  add('dependencies');
  add('optionalDependencies');
  add('peerDependencies');
  add('devDependencies');

  const ws = field('workspaces');
  const out: PackageJson = {
    file: src.path,
    scripts: field('scripts') ?? {},
    deps,
    workspaces: Array.isArray(ws) ? ws : (ws?.packages ?? []),
  };
  const name = field('name');
  if (name !== undefined) out.name = name;
  const main = field('main');
  if (main !== undefined) out.main = main;
  const pm = field('packageManager');
  if (pm !== undefined) out.packageManager = pm;
  return out;
}
