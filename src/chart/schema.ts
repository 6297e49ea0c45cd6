/**
 * `values.schema.json`: a JSON Schema (draft 7) of the values, so `helm lint`, `template` and
 * `install` reject values the chart cannot render. Every map above a value is closed (a
 * misspelt key is an error), each value takes the JSON types its environments give it, known
 * fields get their bounds (replicas ≥ 0, autoscaling bounds ≥ 1, image tags never `latest`,
 * quantities in Kubernetes' notation, pull policies from their enum), and a key every
 * environment sets is required.
 */
import { isMap, type Json } from './json';
import type { Leaf } from './values';

type Schema = { [key: string]: unknown };

const QUANTITY = '^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$';
const QUANTITIES: Schema = {
  type: 'object',
  additionalProperties: { type: 'string', pattern: QUANTITY },
};

/** Bounds of a value by its key. */
const KNOWN: { [key: string]: Schema } = {
  replicas: { type: 'integer', minimum: 0 },
  minReplicas: { type: 'integer', minimum: 1 },
  maxReplicas: { type: 'integer', minimum: 1 },
  enabled: { type: 'boolean' },
  create: { type: 'boolean' },
  repository: { type: 'string', minLength: 1 },
  tag: { type: 'string', pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$', not: { const: 'latest' } },
  digest: { type: 'string', pattern: '^sha256:[a-f0-9]{64}$' },
  pullPolicy: { type: 'string', enum: ['Always', 'IfNotPresent', 'Never'] },
  size: { type: 'string', pattern: QUANTITY },
  storageClass: { type: 'string', minLength: 1 },
  className: { type: 'string', minLength: 1 },
  existingSecret: { type: 'string', minLength: 1 },
  host: { type: 'string', pattern: '^(\\*\\.)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' },
  schedule: { type: 'string', minLength: 1 },
  instance: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$' },
  resources: {
    type: 'object',
    properties: { requests: QUANTITIES, limits: QUANTITIES },
    additionalProperties: false,
  },
};

interface Tree {
  leaf?: Leaf;
  children: Map<string, Tree>;
}

/** The schema of the values `leaves` make, over `envs` environments. */
export function chartSchema(leaves: readonly Leaf[], envs: number): Schema {
  const root: Tree = { children: new Map() };
  for (const leaf of leaves) {
    let t = root;
    for (const seg of leaf.path) {
      let next = t.children.get(seg);
      if (!next) t.children.set(seg, (next = { children: new Map() }));
      t = next;
    }
    t.leaf = leaf;
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'values',
    ...objectSchema(root, envs),
  };
}

function objectSchema(t: Tree, envs: number): Schema {
  const properties: Schema = {};
  const required: string[] = [];
  for (const [key, child] of t.children) {
    properties[key] = child.leaf ? leafSchema(key, child.leaf) : objectSchema(child, envs);
    if (setEverywhere(child, envs)) required.push(key);
  }
  if ([...t.children.keys()].some((k) => ['repository', 'tag', 'digest'].includes(k))) {
    for (const k of ['repository', 'tag', 'digest', 'pullPolicy']) properties[k] ??= KNOWN[k];
  }
  return {
    type: 'object',
    properties,
    ...(required.length ? { required } : {}),
    additionalProperties: false,
  };
}

/** Whether every environment sets a value at or below `t`. */
function setEverywhere(t: Tree, envs: number): boolean {
  if (t.leaf) return t.leaf.values.length === envs && t.leaf.values.every((v) => v !== undefined);
  return [...t.children.values()].some((c) => setEverywhere(c, envs));
}

function leafSchema(key: string, leaf: Leaf): Schema {
  if (KNOWN[key]) return KNOWN[key]!;
  if (leaf.optional) return { type: leaf.optional };
  const types = [...new Set(leaf.values.filter((v) => v !== undefined).map(typeOf))].sort();
  return { type: types.length === 1 ? types[0] : types };
}

function typeOf(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (isMap(v)) return 'object';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}
