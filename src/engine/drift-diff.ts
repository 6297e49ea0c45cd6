/**
 * Field-by-field drift of one Kubernetes object: what the stack last recorded against what the
 * cluster holds now, at the fields the plan declares (the resource's inputs) under `spec` and
 * ConfigMap `data`. Fields the plan leaves to others (replicas an autoscaler owns, defaults the
 * API server fills in), status, metadata bookkeeping and Secret values are never compared.
 */
import type { DriftField } from '../model/operations';

const COMPARED = ['spec', 'data'];
const LIMIT = 50;

/** Every declared leaf whose recorded and live values differ, as dotted paths, sorted. */
export function driftFields(
  type: string,
  declared: Record<string, unknown> | undefined,
  recorded: Record<string, unknown> | undefined,
  live: Record<string, unknown> | undefined,
): DriftField[] {
  if (!declared || !recorded || !live) return [];
  const out: DriftField[] = [];
  for (const key of COMPARED) {
    if (key === 'data' && /:Secret$/.test(type)) continue;
    if (declared[key] !== undefined) walk(key, declared[key], recorded[key], live[key], out);
  }
  return out.sort((a, b) => a.path.localeCompare(b.path)).slice(0, LIMIT);
}

function walk(path: string, decl: unknown, a: unknown, b: unknown, out: DriftField[]): void {
  if (isObject(decl) && isObject(a) && isObject(b)) {
    for (const k of Object.keys(decl).sort()) walk(`${path}.${k}`, decl[k], a[k], b[k], out);
    return;
  }
  if (Array.isArray(decl) && Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((x, i) => walk(`${path}[${i}]`, decl[i], x, b[i], out));
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
