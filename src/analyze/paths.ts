/**
 * Repository-relative POSIX path helpers and DNS-1123 name sanitising. Every path inside the
 * AppModel is relative to the repository root, uses `/`, and is `.` for the root itself.
 */
import { posix } from 'node:path';

/** Joins a repository-relative directory and a relative path; `.` is the root. */
export function joinRel(dir: string, rel: string): string {
  const joined = posix.normalize(dir === '.' ? rel : `${dir}/${rel}`);
  return joined === '' || joined === './' ? '.' : joined.replace(/\/$/, '');
}

/** The directory of a repository-relative path (`.` for top-level files). */
export function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '.' : path.slice(0, i);
}

/** The last segment of a path. */
export function baseOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** True when `path` is `dir` itself or lies below it. */
export function isUnder(path: string, dir: string): boolean {
  return dir === '.' || path === dir || path.startsWith(`${dir}/`);
}

/** `path` relative to `dir` (which must contain it). */
export function relTo(dir: string, path: string): string {
  if (dir === '.') return path;
  return path === dir ? '.' : path.slice(dir.length + 1);
}

/** True when a relative path escapes its base (`..` segments after normalising). */
export function escapesRoot(path: string): boolean {
  return path === '..' || path.startsWith('../') || posix.isAbsolute(path);
}

/** Code-unit string order: locale-independent, so output is the same on every machine. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const DNS_LABEL = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;

/** True for a name the AppModel accepts (DNS-1123 label, at most 40 characters). */
export function isDnsLabel(name: string): boolean {
  return DNS_LABEL.test(name);
}

/**
 * Folder names that say where code sits in a service, not which service it is: the component
 * built by `src/cartservice/src/Dockerfile` is `cartservice`, not `src`.
 */
const LAYOUT_DIRS = new Set([
  'src',
  'source',
  'sources',
  'code',
  'docker',
  'build',
  'deploy',
  'cmd',
]);

/**
 * The name of the component a directory holds: its own folder's name, or, when that is a layout
 * folder (`src`, `cmd`, `docker` …), the nearest enclosing folder's that is not.
 */
export function unitName(dir: string): string {
  const parts = dir.split('/').filter((p) => p && p !== '.');
  const named = [...parts].reverse().find((p) => !LAYOUT_DIRS.has(p.toLowerCase()));
  return sanitizeName(named ?? parts.at(-1) ?? '');
}

/**
 * A DNS-1123 label from a directory, package or service name: `@acme/Web_App` → `web-app`.
 * Scope prefixes are dropped, other characters become dashes, the result starts with a letter
 * (`app-` is prefixed otherwise) and is cut to 40 characters. Returns `fallback` for nothing usable.
 */
export function sanitizeName(raw: string, fallback = 'app'): string {
  let s = raw
    .replace(/^@[^/]+\//, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!s) return fallback;
  if (!/^[a-z]/.test(s)) s = `app-${s}`;
  s = s.slice(0, 40).replace(/-+$/, '');
  return isDnsLabel(s) ? s : fallback;
}
