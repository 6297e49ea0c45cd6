/**
 * One object across environments → a template tree and the values it reads.
 *
 * The object's (tokenized) body in every environment where it exists is walked side by side.
 * What is the same everywhere stays literal template text; what differs, or is present in only
 * some environments, becomes a value, read from the object's own values map (`$v`). The fields
 * an operator tunes become values even when every environment agrees: see `tunable.ts`.
 */
import { isMap, jsonEqual, type Json } from './json';
import { hasToken } from './tokens';
import { optionalTunables, tunable, valueKey, type PathSeg } from './tunable';

/** A template tree node. */
export type TNode =
  /** A literal scalar; strings may hold tokens. */
  | { t: 'literal'; value: null | boolean | number | string }
  | { t: 'map'; entries: TEntry[] }
  | { t: 'list'; items: TNode[] }
  /** A value of the object's values map at `key`. */
  | { t: 'value'; key: string[]; tree: boolean }
  /** An image reference assembled from the values map at `key` (repository, tag or digest). */
  | { t: 'image'; key: string[] }
  /** The name of the plan Secret `secret`, as the operator's values name it. */
  | { t: 'secretName'; secret: string }
  /** The standard object labels, through the chart's labels helper, plus `extra`. */
  | { t: 'labels'; name?: string; extra: { [key: string]: string } };

/** A map entry; `guard` is a value key whose presence decides whether the entry is written. */
export interface TEntry {
  key: string;
  node: TNode;
  guard?: string[];
}

/** A value the template reads, per environment where the object exists (`undefined`: absent). */
export interface Lift {
  key: string[];
  values: (Json | undefined)[];
  /** A field no environment sets that an operator may: the JSON type it takes. */
  optional?: 'string' | 'array';
}

/** What the builder knows about the object and the plan around it. */
export interface TreeContext {
  /** The object's Kubernetes kind. */
  kind: string;
  /** The app name, the `app.kubernetes.io/part-of` value. */
  app: string;
  /** Names of the plan's Secrets, which pods reference through values. */
  secrets: ReadonlySet<string>;
}

/**
 * Builds the template of one object from its bodies: `tokenized[i]` and `raw[i]` are the same
 * environment's body with and without tokens. Returns the tree and every value it reads, in
 * template order.
 */
export function buildTree(
  ctx: TreeContext,
  tokenized: Json[],
  raw: Json[],
): { tree: TNode; lifts: Lift[] } {
  const lifts: Lift[] = [];
  const tree = walk(ctx, lifts, [], tokenized, raw).node;
  return { tree, lifts };
}

type Maybe = Json | undefined;

function walk(
  ctx: TreeContext,
  lifts: Lift[],
  path: PathSeg[],
  xs: Maybe[],
  raws: Maybe[],
): { node: TNode; guard?: string[] } {
  const partial = xs.some((x) => x === undefined);
  const rule = tunable(ctx.kind, path, xs);
  if (rule?.image) {
    const key = rule.key;
    for (const [field, pick] of IMAGE_FIELDS) {
      lifts.push({
        key: [...key, field],
        values: raws.map((r) => (r === undefined ? r : pick(String(r)))),
      });
    }
    return { node: { t: 'image', key }, ...(partial ? { guard: key } : {}) };
  }
  if (rule || partial) return lift(lifts, rule?.key ?? valueKey(path), xs, raws, partial);
  const present = xs as Json[];
  const first = present[0]!;
  if (present.every((x) => jsonEqual(x, first)) && !holdsTunable(ctx.kind, path, first)) {
    return { node: literal(ctx, path, first) };
  }
  if (present.every(isMap)) {
    const keys = [...new Set(present.flatMap((x) => Object.keys(x)))];
    const entries = keys.map((key) => {
      const child = walk(
        ctx,
        lifts,
        [...path, key],
        present.map((x) => (isMap(x) && key in x ? x[key] : undefined)),
        raws.map((r) => (isMap(r) && key in r ? r[key] : undefined)),
      );
      return { key, node: child.node, ...(child.guard ? { guard: child.guard } : {}) };
    });
    for (const { field, tree } of optionalTunables(ctx.kind, path)) {
      if (keys.includes(field)) continue;
      const key = tunable(ctx.kind, [...path, field], [])?.key ?? valueKey([...path, field]);
      lifts.push({ key, values: xs.map(() => undefined), optional: tree ? 'array' : 'string' });
      entries.push({ key: field, node: { t: 'value', key, tree }, guard: key });
    }
    return { node: { t: 'map', entries } };
  }
  const arrays = present.every(Array.isArray) ? (present as Json[][]) : undefined;
  if (arrays && arrays.every((a) => a.length === arrays[0]!.length)) {
    const names = arrays.map(elementNames);
    const byName = names.every((n) => n && n.join('\0') === names[0]!.join('\0'));
    const items = arrays[0]!.map((_, i) => {
      const seg: PathSeg = byName ? { name: names[0]![i]! } : { index: i };
      return walk(
        ctx,
        lifts,
        [...path, seg],
        arrays.map((a) => a[i]),
        (raws as Json[][]).map((a) => a[i]),
      ).node;
    });
    return { node: { t: 'list', items } };
  }
  return lift(lifts, valueKey(path), xs, raws, false);
}

function lift(
  lifts: Lift[],
  key: string[],
  xs: Maybe[],
  raws: Maybe[],
  partial: boolean,
): { node: TNode; guard?: string[] } {
  lifts.push({ key, values: raws });
  const tree = xs.some((x) => x !== undefined && typeof x === 'object' && x !== null);
  return { node: { t: 'value', key, tree }, ...(partial ? { guard: key } : {}) };
}

/**
 * Whether a subtree holds a field an operator tunes (or may add), which must stay a value even
 * where every environment agrees on the whole subtree.
 */
function holdsTunable(kind: string, path: PathSeg[], v: Json): boolean {
  if (tunable(kind, path, [v]) || (isMap(v) && optionalTunables(kind, path).length)) return true;
  if (isMap(v)) return Object.entries(v).some(([k, x]) => holdsTunable(kind, [...path, k], x));
  if (Array.isArray(v)) {
    const names = elementNames(v);
    return v.some((x, i) =>
      holdsTunable(kind, [...path, names ? { name: names[i]! } : { index: i }], x),
    );
  }
  return false;
}

/**
 * The name of every element (its `name`, or its `metadata.name` as claim templates have it),
 * when each element is an object with a distinct string name.
 */
function elementNames(a: Json[]): string[] | undefined {
  const names = a.map((x) => {
    if (!isMap(x)) return undefined;
    const name = x.name ?? (isMap(x.metadata) ? x.metadata.name : undefined);
    return typeof name === 'string' ? name : undefined;
  });
  if (names.some((n) => n === undefined)) return undefined;
  return new Set(names).size === names.length ? (names as string[]) : undefined;
}

/** Whether `v` at `path` is where a pod names a plan Secret: `secretKeyRef`, `envFrom`, volumes. */
function namesSecret(ctx: TreeContext, path: PathSeg[], v: Json): v is string {
  const [parent, leaf] = path.slice(-2);
  const names =
    (leaf === 'name' && (parent === 'secretKeyRef' || parent === 'secretRef')) ||
    (leaf === 'secretName' && parent === 'secret');
  return names && typeof v === 'string' && ctx.secrets.has(v);
}

const STANDARD_LABELS = ['app.kubernetes.io/managed-by', 'app.kubernetes.io/part-of'];

/** A literal subtree; an object's own labels go through the labels helper. */
function literal(ctx: TreeContext, path: PathSeg[], v: Json): TNode {
  if (
    path.length === 2 &&
    path[0] === 'metadata' &&
    path[1] === 'labels' &&
    isMap(v) &&
    v['app.kubernetes.io/managed-by'] === 'stackpilot' &&
    v['app.kubernetes.io/part-of'] === ctx.app &&
    Object.values(v).every((x) => typeof x === 'string' && !hasToken(x))
  ) {
    const { 'app.kubernetes.io/name': name, ...rest } = v as { [key: string]: string };
    const extra = Object.fromEntries(
      Object.entries(rest).filter(([k]) => !STANDARD_LABELS.includes(k)),
    );
    return { t: 'labels', ...(name ? { name } : {}), extra };
  }
  if (namesSecret(ctx, path, v)) return { t: 'secretName', secret: v };
  if (Array.isArray(v)) {
    return { t: 'list', items: v.map((x, i) => literal(ctx, [...path, { index: i }], x)) };
  }
  if (isMap(v)) {
    return {
      t: 'map',
      entries: Object.entries(v).map(([key, x]) => ({
        key,
        node: literal(ctx, [...path, key], x),
      })),
    };
  }
  return { t: 'literal', value: v };
}

/** An image reference split into the values an operator sets. */
const IMAGE_FIELDS: [string, (ref: string) => string | undefined][] = [
  ['repository', (r) => splitImage(r).repository],
  ['tag', (r) => splitImage(r).tag],
  ['digest', (r) => splitImage(r).digest],
];

/** `repo:tag`, `repo@sha256:…` or `repo:tag@sha256:…`, split at the tag and digest. */
export function splitImage(ref: string): { repository: string; tag?: string; digest?: string } {
  const at = ref.indexOf('@');
  const digest = at >= 0 ? ref.slice(at + 1) : undefined;
  const name = at >= 0 ? ref.slice(0, at) : ref;
  const colon = name.lastIndexOf(':');
  const hasTag = colon > name.lastIndexOf('/');
  return {
    repository: hasTag ? name.slice(0, colon) : name,
    ...(hasTag ? { tag: name.slice(colon + 1) } : {}),
    ...(digest ? { digest } : {}),
  };
}
