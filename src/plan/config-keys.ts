/**
 * "Did you mean" for unknown stack config keys: the keys a strict schema accepts at a path, and
 * the one nearest to a misspelled key.
 */
import type { z } from 'zod';

/** Keys a strict object accepts at `path` (records and unions walked through), for "did you mean". */
export function knownKeys(schema: z.ZodType, p: readonly PropertyKey[]): string[] {
  type Def = {
    type: string;
    innerType?: z.ZodType;
    shape?: Record<string, z.ZodType>;
    valueType?: z.ZodType;
    options?: z.ZodType[];
  };
  const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;
  const unwrap = (s: z.ZodType): z.ZodType[] => {
    const d = defOf(s);
    if (d.innerType) return unwrap(d.innerType);
    if (d.type === 'union' && d.options) return d.options.flatMap(unwrap);
    return [s];
  };
  let current = unwrap(schema);
  for (const seg of p) {
    current = current.flatMap((s) => {
      const d = defOf(s);
      if (d.type === 'object' && d.shape?.[String(seg)]) return unwrap(d.shape[String(seg)]!);
      if (d.type === 'record' && d.valueType) return unwrap(d.valueType);
      return [];
    });
  }
  return [...new Set(current.flatMap((s) => Object.keys(defOf(s).shape ?? {})))].sort();
}

/** The known key nearest to `key` by edit distance, when it is close enough to be a typo. */
export function closest(key: string, known: string[]): string | undefined {
  let best: { k: string; d: number } | undefined;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (!best || d < best.d) best = { k, d };
  }
  return best && best.d <= Math.max(2, Math.floor(key.length / 3)) ? best.k : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
