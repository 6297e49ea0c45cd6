/**
 * The values of each environment, and the files that carry them. `values.yaml` holds the first
 * environment's values in full (with every object, including ones that environment disables,
 * so an operator sees all there is to tune); `values-<env>.yaml` holds only what that
 * environment changes, as Helm merges it: maps merged key by key, lists and scalars replaced,
 * and `null` for a key the environment does not set.
 */
import { isMap, jsonEqual, type Json, type JsonMap } from './json';

/** A leaf of the values tree: its full path and its value per environment (undefined: unset). */
export interface Leaf {
  path: string[];
  values: (Json | undefined)[];
  /** The JSON type of a leaf no environment sets. */
  optional?: 'string' | 'array';
}

/** The values tree of environment `i`: every leaf it sets, with all maps above every leaf. */
export function envValues(leaves: readonly Leaf[], i: number): JsonMap {
  const root: JsonMap = {};
  for (const leaf of leaves) {
    let map = root;
    for (const seg of leaf.path.slice(0, -1)) {
      const next = map[seg];
      if (!isMap(next)) map[seg] = {};
      map = map[seg] as JsonMap;
    }
    const v = leaf.values[i];
    if (v !== undefined) map[leaf.path[leaf.path.length - 1]!] = v;
  }
  return root;
}

const SAME = Symbol('same');

/** What `next` changes over `base`, as a Helm values overlay (`null` removes a key). */
export function overlay(base: JsonMap, next: JsonMap): JsonMap {
  const d = diff(base, next);
  return d === SAME ? {} : (d as JsonMap);
}

function diff(a: Json, b: Json): Json | typeof SAME {
  if (isMap(a) && isMap(b)) {
    const out: JsonMap = {};
    for (const [k, v] of Object.entries(b)) {
      if (!(k in a)) out[k] = v;
      else {
        const d = diff(a[k]!, v);
        if (d !== SAME) out[k] = d;
      }
    }
    for (const k of Object.keys(a)) if (!(k in b)) out[k] = null;
    return Object.keys(out).length ? out : SAME;
  }
  return jsonEqual(a, b) ? SAME : b;
}
