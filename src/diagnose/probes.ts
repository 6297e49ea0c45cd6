/**
 * Probes compared: the live pod spec's, the plan's, the container's ports and the port the
 * plan's Service targets, each resolved to a number where a name can be resolved.
 */
import type { Container, DeploymentPlan, NodeOf, Probe } from '../model/plan';
import type { ContainerSpecSnapshot, ProbeSnapshot } from '../model/snapshot';

/** The probe kinds a container has. */
export const PROBE_KINDS = ['readiness', 'liveness', 'startup'] as const;
/** `readiness`, `liveness` or `startup`. */
export type ProbeKind = (typeof PROBE_KINDS)[number];

/** A plan probe in the snapshot's shape. */
export function planProbe(p: Probe | undefined): ProbeSnapshot | undefined {
  if (!p) return undefined;
  const h = p.handler;
  if ('http' in h) return { kind: 'http', port: h.http.port, path: h.http.path };
  if ('tcp' in h) return { kind: 'tcp', port: h.tcp.port };
  return { kind: 'exec' };
}

/** A port number, or a name resolved through the given container ports (the name itself when it does not resolve). */
export function resolvePort(
  port: number | string | undefined,
  ports: { name?: string; containerPort: number }[],
): number | string | undefined {
  if (typeof port !== 'string') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return ports.find((p) => p.name === port)?.containerPort ?? port;
}

/** `http :8000/readyz`, `tcp :6379`, `exec`. */
export function describeProbe(p: ProbeSnapshot | undefined): string {
  if (!p) return 'none';
  if (p.kind === 'exec') return 'exec';
  return `${p.kind} :${p.port ?? '?'}${p.path ?? ''}`;
}

/** Whether a live probe is what the plan declares (ports compared after resolving names). */
export function sameProbe(
  live: ProbeSnapshot | undefined,
  liveSpec: ContainerSpecSnapshot,
  planned: ProbeSnapshot | undefined,
  plannedContainer: Container,
): boolean {
  if (!live || !planned) return !live && !planned;
  if (live.kind !== planned.kind) return false;
  if (live.kind === 'exec') return true;
  return (
    resolvePort(live.port, liveSpec.ports) === resolvePort(planned.port, plannedContainer.ports) &&
    (live.path ?? '') === (planned.path ?? '')
  );
}

/** The plan Service that selects a workload's pods, and the container port it targets. */
export function serviceTarget(
  plan: DeploymentPlan,
  workload: NodeOf<'workload'>,
  container: Container,
): { service: NodeOf<'service'>; port: number | string } | undefined {
  const labels = workload.spec.template.labels;
  const service = plan.nodes.find(
    (n): n is NodeOf<'service'> =>
      n.kind === 'service' &&
      Object.keys(n.spec.selector).length > 0 &&
      Object.entries(n.spec.selector).every(([k, v]) => labels[k] === v),
  );
  const target = service?.spec.ports[0]?.targetPort;
  if (!service || target === undefined) return undefined;
  return { service, port: resolvePort(target, container.ports) ?? target };
}
