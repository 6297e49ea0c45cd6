/**
 * Plan diff: what changes between two plans — nodes added, removed and changed (with the
 * exact field paths), images, decisions, waves and cost — and a plain-text rendering for
 * the CLI and pull-request comments.
 */
import { canonicalJson } from '../model/canonical';
import type { DeploymentPlan, PlanNode } from '../model/plan';

/** A changed node and the dotted paths of the fields that differ, e.g. `spec.template.containers[name=api].image`. */
export interface NodeChange {
  id: string;
  kind: PlanNode['kind'];
  fields: string[];
}

/** The difference between two plans. Every list is sorted. */
export interface PlanDiff {
  app: string;
  before: { environment: string; hash: string };
  after: { environment: string; hash: string };
  /** True when both plans have the same hash. */
  identical: boolean;
  added: Array<{ id: string; kind: PlanNode['kind'] }>;
  removed: Array<{ id: string; kind: PlanNode['kind'] }>;
  changed: NodeChange[];
  images: Array<{ component: string; before?: string; after?: string }>;
  decisions: Array<{
    subject: string;
    topic: string;
    skill: string;
    before?: string;
    after?: string;
  }>;
  /** Top-level plan fields other than nodes, images and decisions that differ (`waves`, `rollout`, …). */
  sections: string[];
  cost: { currency: string; before: number; after: number; delta: number };
}

/** Keys that identify an element of an array of objects, in order of preference. */
const IDENTITY_KEYS = ['id', 'name', 'key', 'node', 'component', 'path', 'topologyKey'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function identityKey(a: unknown[], b: unknown[]): string | undefined {
  const all = [...a, ...b];
  if (!all.length || !all.every(isObject)) return undefined;
  return IDENTITY_KEYS.find((k) =>
    [a, b].every((arr) => {
      const values = arr.map((o) => (o as Record<string, unknown>)[k]);
      return values.every((v) => typeof v === 'string') && new Set(values).size === values.length;
    }),
  );
}

/** Paths where two JSON values differ; arrays of named objects are matched by name, not index. */
export function changedPaths(a: unknown, b: unknown, prefix = ''): string[] {
  if (canonicalJson(a) === canonicalJson(b)) return [];
  if (Array.isArray(a) && Array.isArray(b)) {
    const key = identityKey(a, b);
    if (key) {
      const index = (arr: unknown[]): Map<string, unknown> =>
        new Map(arr.map((o) => [(o as Record<string, string>)[key]!, o]));
      const ia = index(a);
      const ib = index(b);
      return [...new Set([...ia.keys(), ...ib.keys()])]
        .sort()
        .flatMap((k) => changedPaths(ia.get(k), ib.get(k), `${prefix}[${key}=${k}]`));
    }
    if (a.length !== b.length) return [prefix || '(root)'];
    return a.flatMap((v, i) => changedPaths(v, b[i], `${prefix}[${i}]`));
  }
  if (isObject(a) && isObject(b)) {
    return [...new Set([...Object.keys(a), ...Object.keys(b)])]
      .sort()
      .flatMap((k) => changedPaths(a[k], b[k], prefix ? `${prefix}.${k}` : k));
  }
  return [prefix || '(root)'];
}

/** Compares two plans (usually the deployed one and a new one). */
export function diffPlans(before: DeploymentPlan, after: DeploymentPlan): PlanDiff {
  const nb = new Map(before.nodes.map((n) => [n.id, n]));
  const na = new Map(after.nodes.map((n) => [n.id, n]));
  const added = after.nodes.filter((n) => !nb.has(n.id)).map((n) => ({ id: n.id, kind: n.kind }));
  const removed = before.nodes
    .filter((n) => !na.has(n.id))
    .map((n) => ({ id: n.id, kind: n.kind }));
  const changed: NodeChange[] = [];
  for (const n of after.nodes) {
    const old = nb.get(n.id);
    if (!old) continue;
    const fields = changedPaths(old, n);
    if (fields.length) changed.push({ id: n.id, kind: n.kind, fields });
  }
  const ib = new Map(before.images.map((i) => [i.component, i.image]));
  const ia = new Map(after.images.map((i) => [i.component, i.image]));
  const images = [...new Set([...ib.keys(), ...ia.keys()])]
    .sort()
    .filter((c) => ib.get(c) !== ia.get(c))
    .map((c) => ({
      component: c,
      ...(ib.has(c) ? { before: ib.get(c) } : {}),
      ...(ia.has(c) ? { after: ia.get(c) } : {}),
    }));
  const dkey = (d: { subject: string; topic: string; skill: string }): string =>
    `${d.subject}\u0000${d.topic}\u0000${d.skill}`;
  const db = new Map(before.decisions.map((d) => [dkey(d), d]));
  const da = new Map(after.decisions.map((d) => [dkey(d), d]));
  const decisions = [...new Set([...db.keys(), ...da.keys()])]
    .sort()
    .filter((k) => db.get(k)?.choice !== da.get(k)?.choice)
    .map((k) => {
      const d = (da.get(k) ?? db.get(k))!;
      return {
        subject: d.subject,
        topic: d.topic,
        skill: d.skill,
        ...(db.has(k) ? { before: db.get(k)!.choice } : {}),
        ...(da.has(k) ? { after: da.get(k)!.choice } : {}),
      };
    });
  const sections = (
    ['waves', 'rollout', 'recovery', 'outputs', 'warnings', 'namespace', 'cost'] as const
  ).filter((k) => canonicalJson(before[k]) !== canonicalJson(after[k]));
  const byId = (x: { id: string }, y: { id: string }): number =>
    x.id < y.id ? -1 : x.id > y.id ? 1 : 0;
  return {
    app: after.app,
    before: { environment: before.environment, hash: before.hash },
    after: { environment: after.environment, hash: after.hash },
    identical: before.hash === after.hash,
    added: added.sort(byId),
    removed: removed.sort(byId),
    changed: changed.sort(byId),
    images,
    decisions,
    sections: [...sections].sort(),
    cost: {
      currency: after.cost.currency,
      before: before.cost.totalMonthly,
      after: after.cost.totalMonthly,
      delta: Math.round((after.cost.totalMonthly - before.cost.totalMonthly) * 100) / 100,
    },
  };
}

/** Renders a diff as plain text: `+` added, `-` removed, `~` changed. */
export function formatPlanDiff(diff: PlanDiff): string {
  const short = (h: string): string => h.slice(0, 'sha256:'.length + 12);
  const lines = [
    `plan diff ${diff.app}: ${diff.before.environment} ${short(diff.before.hash)} -> ${diff.after.environment} ${short(diff.after.hash)}`,
  ];
  if (diff.identical) {
    lines.push('no changes');
    return lines.join('\n') + '\n';
  }
  if (diff.added.length || diff.removed.length || diff.changed.length) {
    lines.push('resources:');
    for (const n of diff.added) lines.push(`  + ${n.id}`);
    for (const n of diff.removed) lines.push(`  - ${n.id}`);
    for (const n of diff.changed) {
      lines.push(`  ~ ${n.id}`);
      for (const f of n.fields) lines.push(`      ${f}`);
    }
  }
  if (diff.images.length) {
    lines.push('images:');
    for (const i of diff.images)
      lines.push(`  ~ ${i.component}: ${i.before ?? '(none)'} -> ${i.after ?? '(none)'}`);
  }
  if (diff.decisions.length) {
    lines.push('decisions:');
    for (const d of diff.decisions)
      lines.push(
        `  ~ ${d.subject} / ${d.topic}: ${d.before ?? '(none)'} -> ${d.after ?? '(none)'}`,
      );
  }
  if (diff.sections.length) lines.push(`also changed: ${diff.sections.join(', ')}`);
  const sign = diff.cost.delta > 0 ? '+' : '';
  lines.push(
    `cost: ${diff.cost.before.toFixed(2)} -> ${diff.cost.after.toFixed(2)} ${diff.cost.currency}/month (${sign}${diff.cost.delta.toFixed(2)})`,
  );
  return lines.join('\n') + '\n';
}
