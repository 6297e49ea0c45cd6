/**
 * What a pod asks of a node and what the nodes can give: the pod's summed requests and the
 * largest allocatable among the nodes that take pods.
 */
import type { NodeOf } from '../model/plan';
import type { NodeSnapshot, PodSnapshot } from '../model/snapshot';
import { parseBytes, parseCpu } from './quantities';

/** A schedulable resource. */
export type Resource = 'cpu' | 'memory' | 'ephemeral-storage';

/** Parses a quantity of `r` into its unit (millicores for cpu, bytes otherwise). */
export function parseResource(r: Resource, q: string | undefined): number | undefined {
  return r === 'cpu' ? parseCpu(q) : parseBytes(q);
}

/**
 * What a pod requests of `r`: the sum over its app containers, or the largest init container's
 * when that is more (Kubernetes' effective request). From the live spec, else the plan's.
 */
export function podRequest(
  r: Resource,
  pod: PodSnapshot,
  planned: NodeOf<'workload'>['spec']['template'] | undefined,
): number | undefined {
  const specs = pod.specs?.length
    ? pod.specs.map((s) => ({ init: s.init, q: s.requests[r] }))
    : planned
      ? [
          ...planned.containers.map((c) => ({ init: false, q: c.resources.requests[r] })),
          ...planned.initContainers.map((c) => ({ init: true, q: c.resources.requests[r] })),
        ]
      : [];
  const values = specs.map((s) => ({ init: s.init, v: parseResource(r, s.q) }));
  if (values.every((x) => x.v === undefined)) return undefined;
  const app = values.filter((x) => !x.init).reduce((a, x) => a + (x.v ?? 0), 0);
  const init = Math.max(0, ...values.filter((x) => x.init).map((x) => x.v ?? 0));
  return Math.max(app, init);
}

/** The nodes pods can go to: ready and not cordoned (all nodes when none is). */
export function usableNodes(nodes: NodeSnapshot[]): NodeSnapshot[] {
  const usable = nodes.filter((n) => n.ready && !n.unschedulable);
  return usable.length ? usable : nodes;
}

/** The usable node with the most allocatable `r`, and that amount (first by name on a tie). */
export function largestAllocatable(
  r: Resource,
  nodes: NodeSnapshot[],
): { node: NodeSnapshot; amount: number } | undefined {
  let best: { node: NodeSnapshot; amount: number } | undefined;
  for (const node of [...usableNodes(nodes)].sort((a, b) => a.name.localeCompare(b.name))) {
    const amount = parseResource(r, node.allocatable[r]);
    if (amount !== undefined && (!best || amount > best.amount)) best = { node, amount };
  }
  return best;
}

/** Whether a taint keeps pods without a toleration off its node. */
export function repelsBy(t: NodeSnapshot['taints'][number]): boolean {
  return t.effect === 'NoSchedule' || t.effect === 'NoExecute';
}

/** Whether a node carries a taint that keeps pods without a toleration off it. */
export function repels(n: NodeSnapshot): boolean {
  return n.taints.some(repelsBy);
}
