import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every depth and `undefined` members dropped, so that
 * equal values always serialize to identical bytes. Arrays keep their order: callers sort
 * them where order carries no meaning.
 */
export function canonicalJson(value: unknown, indent = 0): string {
  return JSON.stringify(sortKeys(value), null, indent);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** `sha256:<hex>` of a string or bytes. */
export function sha256(data: string | Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Content hash of a value's canonical JSON. */
export function contentHash(value: unknown): string {
  return sha256(canonicalJson(value));
}

/** A copy of a string map with its keys in sorted order, for deterministic inputs, source and snapshots. */
export function sortedRecord(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}
