/**
 * The plan's dependency graph: every node's exact `dependsOn`, computed from what its spec
 * references plus the ordering skills declare in `after`, and the deployment waves.
 *
 * Also the generic topological helpers the orchestrator uses to order skills. Deterministic:
 * ids are visited in sorted order, so equal inputs give equal orders, waves and cycle paths.
 */
import { SkillError } from '../model/errors';
import type { PlanNode, PodTemplate } from '../model/plan';

/** Thrown when a graph has a cycle; `path` starts and ends with the same id. */
export class CycleError extends Error {
  constructor(readonly path: string[]) {
    super(`dependency cycle: ${path.join(' -> ')}`);
    this.name = 'CycleError';
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Finds one cycle in a graph given as id → ids it depends on, or `undefined`. The search
 * starts from the smallest id and follows dependencies in sorted order, so the reported
 * path is stable. Dependencies on ids outside the graph are ignored.
 */
export function findCycle(deps: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const sortedDeps = (id: string): string[] =>
    [...(deps.get(id) ?? [])].filter((d) => deps.has(d)).sort(compare);
  // Iterative depth-first search: the stack is the current path, so a back edge gives the cycle.
  for (const root of [...deps.keys()].sort(compare)) {
    if (state.has(root)) continue;
    const stack: Array<{ id: string; next: string[]; i: number }> = [
      { id: root, next: sortedDeps(root), i: 0 },
    ];
    state.set(root, 'open');
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      if (top.i < top.next.length) {
        const next = top.next[top.i++]!;
        const s = state.get(next);
        if (s === 'open') {
          const path = stack.map((f) => f.id);
          return [...path.slice(path.indexOf(next)), next];
        }
        if (s === undefined) {
          state.set(next, 'open');
          stack.push({ id: next, next: sortedDeps(next), i: 0 });
        }
      } else {
        state.set(top.id, 'done');
        stack.pop();
      }
    }
  }
  return undefined;
}

/**
 * Topological levels: level 0 holds the ids with no dependencies, level N the ids whose
 * deepest dependency is on level N-1. Each level is sorted. Throws `CycleError` with the
 * whole path when there is a cycle.
 */
export function topologicalLevels(deps: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycle = findCycle(deps);
  if (cycle) throw new CycleError(cycle);
  const level = new Map<string, number>();
  // Iterative post-order so that 500-component plans do not hit the recursion limit.
  for (const root of [...deps.keys()].sort(compare)) {
    if (level.has(root)) continue;
    const stack: Array<{ id: string; i: number; ds: string[] }> = [
      { id: root, i: 0, ds: (deps.get(root) ?? []).filter((d) => deps.has(d)) },
    ];
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      if (top.i < top.ds.length) {
        const next = top.ds[top.i++]!;
        if (!level.has(next))
          stack.push({ id: next, i: 0, ds: (deps.get(next) ?? []).filter((d) => deps.has(d)) });
        continue;
      }
      stack.pop();
      level.set(
        top.id,
        top.ds.reduce((max, d) => Math.max(max, (level.get(d) ?? 0) + 1), 0),
      );
    }
  }
  const levels: string[][] = [];
  for (const [id, l] of level) (levels[l] ??= []).push(id);
  return levels.map((ids) => ids.sort(compare));
}

/** A flat, deterministic order: levels concatenated. */
export function topologicalOrder(deps: ReadonlyMap<string, readonly string[]>): string[] {
  return topologicalLevels(deps).flat();
}

/** One reason a node depends on another. */
export interface DependencyReason {
  node: string;
  reason: string;
}

/** Node kinds that live outside any namespace (or outside Kubernetes): they wait for nothing by default. */
const CLUSTER_SCOPED = new Set<PlanNode['kind']>(['namespace', 'generated-secret']);

/** Lookup of plan nodes by id and by `(kind, Kubernetes name)`. */
export class NodeIndex {
  private readonly byId = new Map<string, PlanNode>();
  private readonly byName = new Map<string, PlanNode>();
  private readonly namespaceNodes: PlanNode[] = [];

  constructor(nodes: readonly PlanNode[]) {
    for (const n of nodes) {
      this.byId.set(n.id, n);
      this.byName.set(`${n.kind}\u0000${n.name}`, n);
      if (n.kind === 'namespace') this.namespaceNodes.push(n);
    }
  }

  get(id: string): PlanNode | undefined {
    return this.byId.get(id);
  }

  named(kind: PlanNode['kind'], name: string): PlanNode | undefined {
    return this.byName.get(`${kind}\u0000${name}`);
  }

  namespaces(): readonly PlanNode[] {
    return this.namespaceNodes;
  }
}

/**
 * What a node's spec references by name, each resolved to the node that creates it, with
 * the reason. A reference to something no node creates is an error of the skill that
 * wrote the node: the program could not deploy it.
 */
export function specReferences(node: PlanNode, index: NodeIndex): DependencyReason[] {
  const refs: DependencyReason[] = [];
  const ref = (kind: PlanNode['kind'], name: string, what: string): void => {
    const target = index.named(kind, name);
    if (!target)
      throw new SkillError(
        node.skill,
        `${node.id} references ${kind} "${name}" that no skill planned`,
      );
    refs.push({ node: target.id, reason: what });
  };
  if (!CLUSTER_SCOPED.has(node.kind))
    for (const ns of index.namespaces())
      refs.push({ node: ns.id, reason: 'lives in the namespace' });
  const template = (t: PodTemplate): void => {
    ref('service-account', t.serviceAccount, `runs as service account ${t.serviceAccount}`);
    for (const c of [...t.initContainers, ...t.containers])
      for (const e of c.env) {
        if ('secret' in e)
          ref('secret', e.secret.name, `env ${e.name} reads secret ${e.secret.name}`);
        if ('config' in e)
          ref('config', e.config.name, `env ${e.name} reads config ${e.config.name}`);
      }
    for (const v of t.volumes) {
      if ('secret' in v) ref('secret', v.secret.secretName, `mounts secret ${v.secret.secretName}`);
      if ('configMap' in v) ref('config', v.configMap.name, `mounts config ${v.configMap.name}`);
      if ('claim' in v) ref('volume', v.claim.claimName, `mounts claim ${v.claim.claimName}`);
    }
  };
  switch (node.kind) {
    case 'workload':
      template(node.spec.template);
      if (node.spec.serviceName)
        ref('service', node.spec.serviceName, `governed by service ${node.spec.serviceName}`);
      break;
    case 'job':
      template(node.spec.template);
      break;
    case 'cron-job':
      template(node.spec.job.template);
      break;
    case 'secret':
      for (const entry of node.spec.entries)
        for (const part of entry.parts)
          if ('generated' in part) {
            if (!index.get(part.generated))
              throw new SkillError(
                node.skill,
                `${node.id} key ${entry.key} uses ${part.generated} that no skill planned`,
              );
            refs.push({ node: part.generated, reason: `key ${entry.key} uses a generated value` });
          }
      break;
    case 'route':
      for (const p of node.spec.paths)
        ref('service', p.service, `routes ${p.path} to service ${p.service}`);
      break;
    case 'autoscaler': {
      const target = index.named('workload', node.spec.target.name);
      const controller = node.spec.target.kind === 'Deployment' ? 'deployment' : 'statefulset';
      if (!target || target.kind !== 'workload' || target.spec.controller !== controller)
        throw new SkillError(
          node.skill,
          `${node.id} targets ${node.spec.target.kind} "${node.spec.target.name}" that no skill planned`,
        );
      refs.push({ node: target.id, reason: `scales ${node.spec.target.name}` });
      break;
    }
    default:
      break;
  }
  return refs;
}

/** Every dependency of a node with its reasons: spec references first, then `after` entries. */
export function dependencyReasons(node: PlanNode, index: NodeIndex): DependencyReason[] {
  const reasons = specReferences(node, index);
  for (const a of node.after) {
    if (!index.get(a.node))
      throw new SkillError(node.skill, `${node.id} waits for ${a.node} that no skill planned`);
    reasons.push({ node: a.node, reason: a.reason });
  }
  return reasons.filter((r) => r.node !== node.id);
}

/** The result of `buildGraph`: nodes sorted by id with `dependsOn` filled, and the waves. */
export interface PlanGraph {
  nodes: PlanNode[];
  waves: string[][];
}

/**
 * Fills every node's `dependsOn` (sorted, unique: spec references and `after` entries, and
 * nothing else) and computes the deployment waves. Throws `CycleError` with the whole path.
 */
export function buildGraph(nodes: readonly PlanNode[]): PlanGraph {
  const index = new NodeIndex(nodes);
  const deps = new Map<string, string[]>();
  const out = [...nodes]
    .sort((a, b) => compare(a.id, b.id))
    .map((n) => {
      const dependsOn = [...new Set(dependencyReasons(n, index).map((r) => r.node))].sort(compare);
      deps.set(n.id, dependsOn);
      return { ...n, dependsOn } as PlanNode;
    });
  return { nodes: out, waves: topologicalLevels(deps) };
}
