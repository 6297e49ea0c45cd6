/**
 * network-policy-blocks: a dependency edge of the plan (an allow the networking skill wrote
 * for a caller and its callee) that the live NetworkPolicies deny. Either the plan's own allow
 * is missing or changed on the cluster (re-apply the plan), or a policy stackpilot does not
 * manage isolates the pod (named, with no plan fix: a fix never widens a policy).
 */
import type { Finding, Fix } from '../../model/diagnosis';
import type { NodeOf } from '../../model/plan';
import { ref, unreadable, type DiagnoseContext } from '../context';
import { commandFix, upCommand } from '../fixes';
import { describeSelector, selects } from '../labels';
import { decisionOf, templateOf } from '../link';
import { evaluate, type Direction, type Endpoint } from '../netpol';

/** One dependency edge, as the plan's policies declare it. */
interface Edge {
  source: Record<string, string>;
  target: Record<string, string>;
  port: number;
  reason: string;
  /** The plan policy that allows each direction. */
  allow: Partial<Record<Direction, string>>;
}

/** The pod-to-pod edges of the plan, from its network-policy nodes, in a fixed order. */
export function planEdges(policies: NodeOf<'network-policy'>[]): Edge[] {
  const edges = new Map<string, Edge>();
  const add = (
    source: Record<string, string>,
    target: Record<string, string>,
    port: number,
    reason: string,
    d: Direction,
    policy: string,
  ) => {
    const key = `${describeSelector(source)} -> ${describeSelector(target)}:${port}`;
    const e = edges.get(key) ?? { source, target, port, reason, allow: {} };
    e.allow[d] ??= policy;
    if (d === 'Ingress') e.reason = reason;
    edges.set(key, e);
  };
  for (const p of policies) {
    for (const [d, rules] of [
      ['Ingress', p.spec.ingress],
      ['Egress', p.spec.egress],
    ] as const) {
      for (const rule of rules) {
        for (const peer of rule.peers) {
          if (!('pods' in peer) || 'namespaces' in peer || !peer.pods) continue;
          for (const port of rule.ports) {
            if (port.protocol !== 'TCP') continue;
            if (d === 'Ingress')
              add(peer.pods, p.spec.podSelector, port.port, rule.reason, d, p.name);
            else add(p.spec.podSelector, peer.pods, port.port, rule.reason, d, p.name);
          }
        }
      }
    }
  }
  return [...edges.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, e]) => e);
}

/** A live pod the selector selects, else the plan pod template that carries its labels. */
function endpoint(ctx: DiagnoseContext, selector: Record<string, string>): Endpoint | undefined {
  const pod = ctx.snap.pods.find(
    (p) => !p.deleting && p.phase !== 'Succeeded' && selects(selector, p.labels),
  );
  if (pod?.labels)
    return {
      labels: pod.labels,
      namespace: ctx.namespace,
      ports: (pod.specs ?? []).flatMap((s) => s.ports),
    };
  for (const n of ctx.plan.nodes) {
    const t = templateOf(n);
    if (t && selects(selector, t.labels))
      return {
        labels: t.labels,
        namespace: ctx.namespace,
        ports: t.containers.flatMap((c) => c.ports),
      };
  }
  return undefined;
}

const nameOf = (s: Record<string, string>) => s['app.kubernetes.io/name'] ?? describeSelector(s);

/** One finding per edge direction the live policies deny. */
export function networkPolicyBlocks(ctx: DiagnoseContext): Finding[] {
  if (unreadable(ctx, 'NetworkPolicy')) return [];
  const planPolicies = ctx.plan.nodes.filter(
    (n): n is NodeOf<'network-policy'> => n.kind === 'network-policy',
  );
  const live = ctx.snap.networkPolicies;
  const findings: Blocked[] = [];
  for (const edge of planEdges(planPolicies)) {
    const from = endpoint(ctx, edge.source);
    const to = endpoint(ctx, edge.target);
    if (!from || !to) continue;
    for (const d of ['Egress', 'Ingress'] as const) {
      const verdict = evaluate(live, d, from, to, edge.port, ctx.namespace);
      if (verdict.allowed) continue;
      findings.push(finding(ctx, edge, d, verdict.isolatedBy));
    }
  }
  return merged(findings);
}

/** A blocked edge direction, before the edges of one policy are told together. */
interface Blocked {
  finding: Omit<Finding, 'cause'>;
  /** What is wrong with the policy (`the plan's allow policy api is missing from the cluster`). */
  head: string;
  /** `egress of api -> redis:6379`. */
  blocked: string;
  /** What to do when the plan cannot. */
  tail: string;
}

/** The blocked edges of one policy told as one finding: evidence together, every edge in the cause. */
function merged(items: Blocked[]): Finding[] {
  const byObject = new Map<
    string,
    { f: Omit<Finding, 'cause'>; head: string; tail: string; blocked: string[] }
  >();
  for (const b of items) {
    const seen = byObject.get(b.finding.object);
    if (!seen) {
      byObject.set(b.finding.object, {
        f: { ...b.finding, evidence: [...b.finding.evidence] },
        head: b.head,
        tail: b.tail,
        blocked: [b.blocked],
      });
      continue;
    }
    for (const e of b.finding.evidence) if (!seen.f.evidence.includes(e)) seen.f.evidence.push(e);
    if (!seen.blocked.includes(b.blocked)) seen.blocked.push(b.blocked);
    if (seen.f.component !== b.finding.component) delete seen.f.component;
  }
  return [...byObject.values()].map(({ f, head, tail, blocked }) => ({
    ...f,
    cause: `${head}, so the cluster blocks the ${blocked.join(', ')}${tail}`,
  }));
}

function finding(
  ctx: DiagnoseContext,
  edge: Edge,
  d: Direction,
  isolatedBy: { name: string; managed: boolean }[],
): Blocked {
  const src = nameOf(edge.source);
  const dst = nameOf(edge.target);
  const end = d === 'Ingress' ? dst : src;
  const conn = `${src} -> ${dst}:${edge.port}`;
  const planAllow = edge.allow[d];
  const liveAllow = planAllow
    ? ctx.snap.networkPolicies.find((p) => p.name === planAllow)
    : undefined;
  const foreign = isolatedBy.filter((p) => !p.managed);
  const partial = isolatedBy.filter((p) =>
    ctx.snap.unreadable.some((l) => l.startsWith(`NetworkPolicy ${p.name}: `)),
  );
  const evidence = [
    `edge ${conn} (${edge.reason})`,
    `${d} of ${end} isolated by: ${isolatedBy.map((p) => `${p.name}${p.managed ? '' : ' (unmanaged)'}`).join(', ')}`,
    ...(planAllow
      ? [
          liveAllow
            ? `NetworkPolicy ${ctx.namespace}/${planAllow} (the plan's allow): in the cluster, but does not allow ${conn}`
            : `NetworkPolicy ${ctx.namespace}/${planAllow} (the plan's allow): not in the cluster`,
        ]
      : []),
    ...partial.map(
      (p) => `NetworkPolicy ${ctx.namespace}/${p.name}: its matchExpressions were not evaluated`,
    ),
  ];
  const decision = decisionOf(ctx.plan, undefined, ['networking', 'network policy']);
  let head: string;
  let tail = '';
  let fix: Fix | undefined;
  let object: string;
  if (planAllow) {
    object = ref(ctx, 'NetworkPolicy', planAllow);
    head = liveAllow
      ? `the plan's allow policy ${planAllow} was changed on the cluster (drift)`
      : `the plan's allow policy ${planAllow} is missing from the cluster`;
    fix = commandFix(
      upCommand(ctx.environment),
      `${isolatedBy.map((p) => p.name).join(', ')} isolate${isolatedBy.length === 1 ? 's' : ''} ${end} and the plan's allow ${planAllow} is ${liveAllow ? 'changed' : 'missing'}: re-applying the plan restores exactly that allow`,
    );
  } else {
    const blocker = foreign[0] ?? isolatedBy[0];
    object = ref(ctx, 'NetworkPolicy', blocker?.name ?? end);
    const names = (foreign.length ? foreign : isolatedBy).map((p) => p.name);
    head = `${names.length === 1 ? 'policy' : 'policies'} ${names.join(', ')}${foreign.length ? `, which stackpilot does not manage,` : ''} isolate${names.length === 1 ? 's' : ''} ${end} with no allow for it`;
    tail = '; ask its owner to allow the edge (a fix never widens a policy the plan does not own)';
  }
  const component = ctx.plan.nodes.some((n) => n.component === end) ? end : undefined;
  return {
    finding: {
      class: 'network-policy-blocks',
      ...(component ? { component } : {}),
      object,
      evidence,
      ...(decision ? { decision } : {}),
      ...(fix ? { fix } : {}),
    },
    head,
    tail,
    blocked: `${d === 'Ingress' ? 'ingress' : 'egress'} ${conn}`,
  };
}
