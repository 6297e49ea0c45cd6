/**
 * no-endpoints: a Service with no ready endpoint. Its selector selects no pod (drift when the
 * plan's Service selects differently), or the pods it selects are not ready (their own
 * finding says why), or they are ready but do not have the port it targets.
 */
import type { Finding } from '../../model/diagnosis';
import type { NodeOf } from '../../model/plan';
import type { ServiceSnapshot } from '../../model/snapshot';
import { ref, unreadable, type DiagnoseContext } from '../context';
import { commandFix, upCommand } from '../fixes';
import { describeSelector, sameSelector, selects } from '../labels';
import { componentOf, decisionOf, nodeOf } from '../link';
import { controllerOf, isReady } from '../pods';

/** One finding per selector Service without a ready endpoint. */
export function noEndpoints(ctx: DiagnoseContext): Finding[] {
  if (unreadable(ctx, 'EndpointSlice') || unreadable(ctx, 'Endpoints')) return [];
  return ctx.snap.services
    .filter((s) => s.selector && Object.keys(s.selector).length && s.type !== 'ExternalName')
    .map((s) => finding(ctx, s))
    .filter((f): f is Finding => f !== undefined);
}

function finding(ctx: DiagnoseContext, svc: ServiceSnapshot): Finding | undefined {
  const endpoints = ctx.snap.endpoints.find((e) => e.service === svc.name);
  if ((endpoints?.ready ?? 0) > 0) return undefined;
  const selector = svc.selector ?? {};
  const node = nodeOf(ctx.plan, 'Service', svc.name) as NodeOf<'service'> | undefined;
  const component = componentOf(ctx.plan, 'Service', svc.name);
  const decision = decisionOf(ctx.plan, component, ['exposure', 'service']);
  const pods = ctx.snap.pods.filter((p) => !p.deleting && selects(selector, p.labels));
  const evidence = [
    `spec.selector: ${describeSelector(selector)}`,
    `endpoints: ${endpoints?.ready ?? 0} ready, ${endpoints?.notReady ?? 0} not ready`,
  ];
  const base = {
    class: 'no-endpoints' as const,
    ...(component ? { component } : {}),
    object: ref(ctx, 'Service', svc.name),
    ...(decision ? { decision } : {}),
  };
  if (!pods.length) {
    if (node && !sameSelector(node.spec.selector, selector))
      return {
        ...base,
        evidence: [
          ...evidence,
          `plan ${node.id} selector: ${describeSelector(node.spec.selector)}`,
          'no pod of the namespace has the live selector',
        ],
        cause: `the Service's selector selects no pod and differs from the plan's: it was changed outside stackpilot (drift)`,
        fix: commandFix(
          upCommand(ctx.environment),
          `the plan selects ${describeSelector(node.spec.selector)}; re-applying it restores the selector`,
        ),
      };
    return {
      ...base,
      evidence: [...evidence, 'no pod of the namespace has these labels'],
      cause: `no pod carries the Service's labels: the workload behind it has no pods (scaled to 0, not created, or its pods cannot be created — see its finding)`,
    };
  }
  const owners = [
    ...new Set(pods.map((p) => controllerOf(ctx.snap, p)).map((c) => ref(ctx, c.kind, c.name))),
  ].sort();
  const ready = pods.filter(isReady);
  const podLine = `selected pods: ${pods.map((p) => `${p.name}${isReady(p) ? ' (ready)' : ' (not ready)'}`).join(', ')}`;
  if (!ready.length)
    return {
      ...base,
      evidence: [...evidence, podLine],
      cause: `the ${pods.length} pod(s) it selects are not ready: see the finding of ${owners.join(', ')}`,
    };
  const missing = svc.ports.filter(
    (p) =>
      typeof p.targetPort === 'string' &&
      !ready.some((pod) =>
        (pod.specs ?? []).some((s) => s.ports.some((cp) => cp.name === p.targetPort)),
      ),
  );
  return {
    ...base,
    evidence: [
      ...evidence,
      podLine,
      ...svc.ports.map(
        (p) => `spec.ports: ${p.name ? `${p.name} ` : ''}${p.port} -> ${p.targetPort}`,
      ),
    ],
    cause: missing.length
      ? `the ready pods have no container port named ${missing.map((p) => p.targetPort).join(', ')}, which the Service targets`
      : 'the selected pods are ready but the Service lists no endpoint yet: the EndpointSlice controller has not caught up, or the pods lack the targeted port',
  };
}
