/**
 * unschedulable: pods the scheduler could place on no node. The FailedScheduling message says
 * why: too little cpu, memory or ephemeral storage (compared with the largest node), a taint
 * the pod does not tolerate, a topology spread the nodes cannot satisfy, or an unbound claim.
 */
import type { Finding, Fix } from '../../model/diagnosis';
import type { NodeOf } from '../../model/plan';
import type { NodeSnapshot, PodSnapshot } from '../../model/snapshot';
import { ref, type DiagnoseContext } from '../context';
import { eventEvidence } from '../evidence';
import { componentOverride, configFix } from '../fixes';
import { componentOf, decisionOf, nodeOf, templateOf } from '../link';
import { schedulingFailure, type SchedulingFailure } from '../messages';
import { controllerOf, eventsAbout, isScheduled, podsOf, type Controller } from '../pods';
import { cpuThatFits, formatBytes, formatCpu, memoryThatFits } from '../quantities';
import {
  largestAllocatable,
  podRequest,
  repels,
  repelsBy,
  usableNodes,
  type Resource,
} from '../resources';

interface Pending {
  controller: Controller;
  pods: PodSnapshot[];
}

/** One finding per controller whose pods are not scheduled. */
export function unschedulable(ctx: DiagnoseContext): Finding[] {
  const byController = new Map<string, Pending>();
  for (const p of ctx.snap.pods) {
    if (p.deleting || isScheduled(p)) continue;
    const controller = controllerOf(ctx.snap, p);
    const key = `${controller.kind}/${controller.name}`;
    const seen = byController.get(key);
    if (seen) seen.pods.push(p);
    else byController.set(key, { controller, pods: [p] });
  }
  return [...byController.values()].map((g) => finding(ctx, g));
}

function finding(ctx: DiagnoseContext, { controller, pods }: Pending): Finding {
  const { plan } = ctx;
  const pod = pods[0]!;
  const component = componentOf(plan, controller.kind, controller.name, pod.labels);
  const node = nodeOf(plan, controller.kind, controller.name);
  const condition = pod.conditions.find((c) => c.type === 'PodScheduled');
  const event = eventsAbout(ctx.snap.events, 'Pod', pod.name).find(
    (e) => e.reason === 'FailedScheduling',
  );
  const message = event?.message ?? condition?.message ?? '';
  const why = schedulingFailure(message);
  const evidence = [
    `pod ${pod.name}: status.conditions[PodScheduled]: ${condition?.status ?? 'False'}${condition?.reason ? ` (${condition.reason})` : ''}`,
    ...eventEvidence(ctx, 'Pod', pod.name, (e) => e.reason === 'FailedScheduling'),
    ...(pods.length > 1
      ? [
          `also pods ${pods
            .slice(1)
            .map((p) => p.name)
            .join(', ')}`,
        ]
      : []),
  ];
  const base = {
    class: 'unschedulable' as const,
    ...(component ? { component } : {}),
    object: ref(ctx, controller.kind, controller.name),
  };
  const explained = explain(ctx, why, controller, pod, component, node);
  return {
    ...base,
    evidence: [...evidence, ...explained.evidence],
    cause: explained.cause,
    ...(explained.decision ? { decision: explained.decision } : {}),
    ...(explained.fix ? { fix: explained.fix } : {}),
  };
}

interface Explained {
  cause: string;
  evidence: string[];
  decision?: Finding['decision'];
  fix?: Fix;
}

function explain(
  ctx: DiagnoseContext,
  why: SchedulingFailure,
  controller: Controller,
  pod: PodSnapshot,
  component: string | undefined,
  node: ReturnType<typeof nodeOf>,
): Explained {
  if (why.unboundClaims) {
    const claims = (pod.claims ?? []).filter(
      (c) => ctx.snap.claims.find((x) => x.name === c)?.phase !== 'Bound',
    );
    return {
      cause: `the pod waits for its unbound PersistentVolumeClaim${claims.length === 1 ? '' : 's'}${claims.length ? ` ${claims.join(', ')}` : ''}: see the claim-unbound finding${claims.length ? ` of ${claims.map((c) => ref(ctx, 'PersistentVolumeClaim', c)).join(', ')}` : ''}`,
      evidence: [],
    };
  }
  const resource = (['memory', 'cpu', 'ephemeral-storage'] as const).find((r) =>
    why.insufficient.includes(r),
  );
  if (resource) return insufficient(ctx, resource, controller, pod, component, node);
  if (why.spread) return spread(ctx, component, node);
  if (why.untolerated || why.taints.length) {
    const repelling = ctx.snap.nodes.filter(repels);
    const taint = (t: NodeSnapshot['taints'][number]) =>
      `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`;
    // Kubernetes 1.34 no longer prints the taints: the nodes' own are the ones to name.
    const named = why.taints.length
      ? why.taints
      : [...new Set(repelling.flatMap((n) => n.taints.filter(repelsBy).map(taint)))].sort();
    return {
      cause: `the nodes with room carry a taint the pod does not tolerate${named.length ? ` (${named.join('; ')})` : ''}: tolerations are not a stack setting, so remove the taint from a node (kubectl taint nodes <node> <key>-) or add untainted nodes`,
      evidence: repelling.map((n) => `node ${n.name} taints: ${n.taints.map(taint).join(', ')}`),
    };
  }
  if (why.affinity)
    return {
      cause:
        "no node matches the pod's node selector or affinity: label a node to match, or check the cluster's nodes",
      evidence: [],
    };
  return {
    cause: `no node can take the pod${why.insufficient.includes('pods') ? ': the nodes are at their pod limit' : ''}; the scheduler's message says why`,
    evidence: [],
  };
}

const UNIT: Record<Resource, (v: number) => string> = {
  cpu: formatCpu,
  memory: formatBytes,
  'ephemeral-storage': formatBytes,
};

function insufficient(
  ctx: DiagnoseContext,
  r: Resource,
  controller: Controller,
  pod: PodSnapshot,
  component: string | undefined,
  node: ReturnType<typeof nodeOf>,
): Explained {
  const request = podRequest(r, pod, templateOf(node));
  const largest = largestAllocatable(r, ctx.snap.nodes);
  const fmt = UNIT[r];
  const evidence = [
    ...(request !== undefined ? [`pod ${pod.name}: requests ${r}: ${fmt(request)}`] : []),
    ...(largest
      ? [`node ${largest.node.name}: allocatable ${r}: ${largest.node.allocatable[r]}`]
      : []),
  ];
  const decision = decisionOf(ctx.plan, component, [
    'scaling',
    r === 'ephemeral-storage' ? 'ephemeral storage' : 'resources',
  ]);
  const withDecision = decision ? { decision } : {};
  if (request === undefined || !largest)
    return { cause: `no node has enough ${r} for the pod`, evidence, ...withDecision };
  const asks = `the pod requests ${fmt(request)} ${r}`;
  if (request > largest.amount) {
    const cause = `${asks}, more than the largest node (${largest.node.name}, ${fmt(largest.amount)} allocatable) has`;
    if (r === 'ephemeral-storage' || !component)
      return {
        cause: `${cause}: ephemeral storage follows the pod's volumes, so give the nodes more disk`,
        evidence,
        ...withDecision,
      };
    const fits = r === 'cpu' ? cpuThatFits(largest.amount) : memoryThatFits(largest.amount);
    return {
      cause,
      evidence,
      ...withDecision,
      fix: configFix(
        componentOverride(component, { [r]: fmt(fits) }),
        `requests ${fmt(request)} ${r}; the largest node (${largest.node.name}) allocates ${fmt(largest.amount)}: ${fmt(fits)} fits and leaves half of it for its other pods`,
      ),
    };
  }
  // Each pod fits an empty node: the nodes are full of other pods.
  const scheduled = podsOf(ctx.snap, controller.kind, controller.name).filter(
    (p) => !p.deleting && isScheduled(p),
  ).length;
  const cause = `${asks} and the nodes have that much allocatable, but not free: the other pods use it`;
  const workload = node?.kind === 'workload' ? (node as NodeOf<'workload'>) : undefined;
  if (!component || !workload || workload.spec.replicas === undefined || scheduled === 0)
    return { cause: `${cause}; free capacity or add a node`, evidence, ...withDecision };
  const replicas = decisionOf(ctx.plan, component, ['scaling', 'replicas']);
  return {
    cause: `${cause}; ${scheduled} of ${workload.spec.replicas} replicas found room`,
    evidence,
    ...(replicas ? { decision: replicas } : withDecision),
    fix: configFix(
      componentOverride(component, { replicas: scheduled }),
      `only ${scheduled} of ${workload.spec.replicas} replicas (${fmt(request)} ${r} each) fit on the nodes (largest allocatable ${fmt(largest.amount)}): run ${scheduled}, or add a node`,
    ),
  };
}

function spread(
  ctx: DiagnoseContext,
  component: string | undefined,
  node: ReturnType<typeof nodeOf>,
): Explained {
  const template = templateOf(node);
  const strict = (template?.topologySpread ?? []).filter(
    (t) => t.whenUnsatisfiable === 'DoNotSchedule',
  );
  const nodes = usableNodes(ctx.snap.nodes).filter((n) => n.ready && !repels(n));
  const zones = [...new Set(nodes.map((n) => n.zone).filter((z): z is string => !!z))].sort();
  const domains = (key: string) =>
    key === 'kubernetes.io/hostname'
      ? nodes.length
      : key.endsWith('/zone')
        ? zones.length
        : undefined;
  const evidence = [
    `untainted ready nodes: ${nodes.length}${nodes.length ? ` (${nodes.map((n) => n.name).join(', ')})` : ''}`,
    `zones of those nodes: ${zones.length}${zones.length ? ` (${zones.join(', ')})` : ''}`,
    ...strict.map(
      (t) => `plan topology spread: ${t.topologyKey} maxSkew ${t.maxSkew} ${t.whenUnsatisfiable}`,
    ),
  ];
  const decision = decisionOf(ctx.plan, component, ['scaling', 'spread']);
  const withDecision = decision ? { decision } : {};
  const counts = strict
    .map((t) => domains(t.topologyKey))
    .filter((n): n is number => n !== undefined);
  const fewest = counts.length ? Math.min(...counts) : zones.length;
  const cause = `the pods must spread (DoNotSchedule) over more nodes or zones than the cluster offers: ${nodes.length} untainted ready node(s) in ${zones.length} zone(s)`;
  const workload = node?.kind === 'workload' ? (node as NodeOf<'workload'>) : undefined;
  if (
    component &&
    workload?.spec.replicas !== undefined &&
    fewest >= 2 &&
    workload.spec.replicas > fewest
  )
    return {
      cause,
      evidence,
      ...withDecision,
      fix: configFix(
        componentOverride(component, { replicas: fewest }),
        `${workload.spec.replicas} replicas must spread over ${fewest} topology domains: ${fewest} replicas fit one per domain`,
      ),
    };
  return {
    cause,
    evidence,
    ...withDecision,
    fix: configFix(
      { spread: false },
      `${nodes.length} untainted ready node(s) in ${zones.length} zone(s) cannot hold the spread the plan requires; without spread the scheduler places the replicas wherever they fit`,
    ),
  };
}
