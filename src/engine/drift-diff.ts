/**
 * Field-by-field drift of one Kubernetes object: what the stack last recorded against what the
 * cluster holds now. Only what a user declares is compared (`spec`, and `data` of ConfigMaps);
 * status, metadata bookkeeping and Secret values never are.
 */
import type { DriftField } from '../model/operations';

const COMPARED = ['spec', 'data'];
const LIMIT = 50;

/** Every leaf that differs under the compared top-level fields, as dotted paths, sorted. */
export function driftFields(
  type: string,
  recorded: Record<string, unknown> | undefined,
  live: Record<string, unknown> | undefined,
): DriftField[] {
  if (!recorded || !live) return [];
  const out: DriftField[] = [];
  for (const key of COMPARED) {
    if (key === 'data' && /:Secret$/.test(type)) continue;
    walk(key, recorded[key], live[key], out);
  }
  return out.sort((a, b) => a.path.localeCompare(b.path)).slice(0, LIMIT);
}

function walk(path: string, a: unknown, b: unknown, out: DriftField[]): void {
  if (isObject(a) && isObject(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort())
      walk(`${path}.${k}`, a[k], b[k], out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((x, i) => walk(`${path}[${i}]`, x, b[i], out));
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ path, deployed: show(a), live: show(b) });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  if (v === undefined) return '(absent)';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 200 ? `${s.slice(0, 197)}...` : s;
}
