/**
 * Pure mapping of a pod spec to what a diagnosis compares with the plan: labels, node, each
 * container's image, ports, requests and limits, probes and the Secrets and ConfigMaps its env
 * reads, and the claims the pod mounts. Env values are never copied, only where they come from.
 */
import { sortedRecord } from '../model/canonical';
import type { V1Container, V1Pod, V1Probe, V1ResourceRequirements } from '@kubernetes/client-node';
import type {
  ContainerSpecSnapshot,
  EnvSourceSnapshot,
  PodSnapshot,
  ProbeSnapshot,
  QuantitiesSnapshot,
} from '../model/snapshot';

/** The PersistentVolumeClaims a pod mounts, sorted. */
export function claimsOf(p: V1Pod): string[] {
  return (p.spec?.volumes ?? [])
    .flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : []))
    .sort();
}

/** The spec part of a {@link PodSnapshot}: labels, nodeName, container specs and claims. */
export function podDetailOf(
  p: V1Pod,
): Pick<PodSnapshot, 'labels' | 'nodeName' | 'specs' | 'claims'> {
  const labels = p.metadata?.labels;
  const claims = claimsOf(p);
  return {
    ...(labels && Object.keys(labels).length ? { labels: sortedRecord(labels) } : {}),
    ...(p.spec?.nodeName ? { nodeName: p.spec.nodeName } : {}),
    specs: [
      ...(p.spec?.initContainers ?? []).map((c) => containerSpecOf(c, true)),
      ...(p.spec?.containers ?? []).map((c) => containerSpecOf(c, false)),
    ],
    claims,
  };
}

/** One container as declared. */
export function containerSpecOf(c: V1Container, init: boolean): ContainerSpecSnapshot {
  const readiness = probeOf(c.readinessProbe);
  const liveness = probeOf(c.livenessProbe);
  const startup = probeOf(c.startupProbe);
  return {
    name: c.name,
    image: c.image ?? '',
    init,
    ports: (c.ports ?? []).map((p) => ({
      ...(p.name ? { name: p.name } : {}),
      containerPort: p.containerPort,
    })),
    requests: quantitiesOf(c.resources, 'requests'),
    limits: quantitiesOf(c.resources, 'limits'),
    ...(readiness ? { readiness } : {}),
    ...(liveness ? { liveness } : {}),
    ...(startup ? { startup } : {}),
    envSources: envSourcesOf(c),
  };
}

/** A probe's kind, port and path; undefined for no probe. */
export function probeOf(p: V1Probe | undefined): ProbeSnapshot | undefined {
  if (!p) return undefined;
  if (p.httpGet)
    return {
      kind: 'http',
      port: p.httpGet.port,
      ...(p.httpGet.path ? { path: p.httpGet.path } : {}),
    };
  if (p.tcpSocket) return { kind: 'tcp', port: p.tcpSocket.port };
  if (p.grpc) return { kind: 'grpc', port: p.grpc.port };
  if (p.exec) return { kind: 'exec' };
  return undefined;
}

const QUANTITIES = ['cpu', 'memory', 'ephemeral-storage'] as const;

function quantitiesOf(
  r: V1ResourceRequirements | undefined,
  which: 'requests' | 'limits',
): QuantitiesSnapshot {
  const out: QuantitiesSnapshot = {};
  const given = r?.[which] ?? {};
  for (const q of QUANTITIES) if (given[q] !== undefined) out[q] = String(given[q]);
  return out;
}

/** Where the container's env comes from, in the order it is declared: `env` first, then `envFrom`. */
export function envSourcesOf(c: V1Container): EnvSourceSnapshot[] {
  const out: EnvSourceSnapshot[] = [];
  for (const e of c.env ?? []) {
    const s = e.valueFrom?.secretKeyRef;
    const m = e.valueFrom?.configMapKeyRef;
    if (s)
      out.push({
        kind: 'Secret',
        name: s.name ?? '',
        key: s.key,
        env: e.name,
        optional: s.optional ?? false,
      });
    else if (m)
      out.push({
        kind: 'ConfigMap',
        name: m.name ?? '',
        key: m.key,
        env: e.name,
        optional: m.optional ?? false,
      });
  }
  for (const f of c.envFrom ?? []) {
    if (f.secretRef)
      out.push({
        kind: 'Secret',
        name: f.secretRef.name ?? '',
        optional: f.secretRef.optional ?? false,
      });
    if (f.configMapRef)
      out.push({
        kind: 'ConfigMap',
        name: f.configMapRef.name ?? '',
        optional: f.configMapRef.optional ?? false,
      });
  }
  return out;
}
