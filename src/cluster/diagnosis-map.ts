/**
 * Pure mapping of the objects a diagnosis reads beyond readiness (Services, EndpointSlices,
 * HPAs, NetworkPolicies, Nodes, StorageClasses, Secrets and ConfigMaps) from their client-node
 * shapes to the plain values of {@link DiagnosisSnapshot}. A Secret's or ConfigMap's values
 * are dropped here, as soon as they arrive: only the names of their keys go on.
 */
import type {
  V1ConfigMap,
  V1IngressClass,
  V1EndpointSlice,
  V1LabelSelector,
  V1NetworkPolicy,
  V1NetworkPolicyPeer,
  V1NetworkPolicyPort,
  V1Node,
  V1Secret,
  V1Service,
  V1StorageClass,
  V2HorizontalPodAutoscaler,
  V2MetricStatus,
} from '@kubernetes/client-node';
import type {
  AutoscalerSnapshot,
  EndpointsSnapshot,
  IngressClassSnapshot,
  KeysSnapshot,
  NetworkPolicySnapshot,
  NodeSnapshot,
  PolicyPeerSnapshot,
  PolicyRuleSnapshot,
  ServiceSnapshot,
  StorageClassSnapshot,
} from '../model/snapshot';
import { MANAGED_BY } from '../plan/skills/common';
import { sortedRecord } from '../model/canonical';
import { conditionsOf, nameOf } from './snapshot-map';

/** The label EndpointSlices name their Service with. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
/** The annotation kwok puts on the nodes it fakes; such a node serves no logs. */
export const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';

/** A Service's type, selector and ports. */
export function serviceOf(s: V1Service): ServiceSnapshot {
  const selector = s.spec?.selector;
  return {
    name: nameOf(s.metadata),
    type: s.spec?.type ?? 'ClusterIP',
    ...(selector && Object.keys(selector).length ? { selector: sortedRecord(selector) } : {}),
    ports: (s.spec?.ports ?? []).map((p) => ({
      ...(p.name ? { name: p.name } : {}),
      port: p.port,
      // The API defaults an absent targetPort to the port itself.
      targetPort: p.targetPort ?? p.port,
    })),
  };
}

/**
 * Ready and not-ready endpoints per Service, summed over its EndpointSlices (an endpoint with
 * no `ready` condition counts as ready, as the API documents), one entry for each of
 * `services` too when no slice names it: a Service without slices has no endpoints. Sorted.
 */
export function endpointsOf(slices: V1EndpointSlice[], services: string[]): EndpointsSnapshot[] {
  const sums = new Map<string, EndpointsSnapshot>();
  for (const name of services) sums.set(name, { service: name, ready: 0, notReady: 0 });
  for (const slice of slices) {
    const service = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (!service) continue;
    const sum = sums.get(service) ?? { service, ready: 0, notReady: 0 };
    for (const e of slice.endpoints ?? []) {
      if (e.conditions?.ready === false) sum.notReady++;
      else sum.ready++;
    }
    sums.set(service, sum);
  }
  return byKey([...sums.values()], (e) => e.service);
}

/** An HPA's target, bounds and conditions, and whether it has read any metric. */
export function autoscalerOf(h: V2HorizontalPodAutoscaler): AutoscalerSnapshot {
  return {
    name: nameOf(h.metadata),
    target: { kind: h.spec?.scaleTargetRef.kind ?? '', name: h.spec?.scaleTargetRef.name ?? '' },
    min: h.spec?.minReplicas ?? 1,
    max: h.spec?.maxReplicas ?? 0,
    conditions: conditionsOf(h.status?.conditions),
    hasMetrics: (h.status?.currentMetrics ?? []).some(hasValue),
  };
}

/** The HPA controller lists a metric it could not fetch as an entry with no type and no value. */
function hasValue(m: V2MetricStatus): boolean {
  const current =
    m.resource?.current ??
    m.containerResource?.current ??
    m.pods?.current ??
    m.object?.current ??
    m.external?.current;
  return Boolean(m.type && current);
}

/**
 * A NetworkPolicy with its matchLabels selectors, and one line for each selector that also
 * has matchExpressions: those were not evaluated, so the selector reads wider than it is.
 */
export function networkPolicyOf(p: V1NetworkPolicy): {
  policy: NetworkPolicySnapshot;
  unreadable: string[];
} {
  const name = nameOf(p.metadata);
  const skipped: string[] = [];
  const labels = (s: V1LabelSelector | undefined, where: string): Record<string, string> => {
    if (s?.matchExpressions?.length) skipped.push(where);
    return sortedRecord(s?.matchLabels ?? {});
  };
  const peer = (x: V1NetworkPolicyPeer, where: string): PolicyPeerSnapshot => ({
    ...(x.podSelector ? { podSelector: labels(x.podSelector, `${where} podSelector`) } : {}),
    ...(x.namespaceSelector
      ? { namespaceSelector: labels(x.namespaceSelector, `${where} namespaceSelector`) }
      : {}),
    ...(x.ipBlock ? { ipBlock: x.ipBlock.cidr } : {}),
  });
  const rule = (
    peers: V1NetworkPolicyPeer[] | undefined,
    ports: V1NetworkPolicyPort[] | undefined,
    where: string,
  ): PolicyRuleSnapshot => ({
    peers: (peers ?? []).map((x, i) => peer(x, `${where} peer ${i + 1}`)),
    ports: (ports ?? []).map((x) => ({
      ...(x.port !== undefined ? { port: x.port } : {}),
      protocol: x.protocol ?? 'TCP',
    })),
  });
  const spec = p.spec;
  const ingress = (spec?.ingress ?? []).map((r, i) =>
    rule(r._from, r.ports, `ingress rule ${i + 1}`),
  );
  const egress = (spec?.egress ?? []).map((r, i) => rule(r.to, r.ports, `egress rule ${i + 1}`));
  const podSelector = labels(spec?.podSelector, 'podSelector');
  // The API fills policyTypes from the rules when a policy leaves it out; do the same for
  // objects that come without it.
  const types = spec?.policyTypes?.length
    ? spec.policyTypes
    : ['Ingress', ...(spec?.egress?.length ? ['Egress'] : [])];
  return {
    policy: {
      name,
      managed: p.metadata?.labels?.['app.kubernetes.io/managed-by'] === MANAGED_BY,
      podSelector,
      policyTypes: types.filter(
        (t): t is 'Ingress' | 'Egress' => t === 'Ingress' || t === 'Egress',
      ),
      ingress,
      egress,
    },
    unreadable: skipped.length
      ? [
          `NetworkPolicy ${name}: the matchExpressions of its ${skipped.sort().join(', ')} were not evaluated (matchLabels only)`,
        ]
      : [],
  };
}

/** A node's readiness, schedulability, taints, allocatable resources and zone. */
export function nodeOf(n: V1Node): NodeSnapshot {
  const alloc = n.status?.allocatable ?? {};
  const allocatable: NodeSnapshot['allocatable'] = {};
  for (const q of ['cpu', 'memory', 'ephemeral-storage', 'pods'] as const)
    if (alloc[q] !== undefined) allocatable[q] = String(alloc[q]);
  const zone = n.metadata?.labels?.['topology.kubernetes.io/zone'];
  return {
    name: nameOf(n.metadata),
    ready: (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    unschedulable: n.spec?.unschedulable ?? false,
    taints: (n.spec?.taints ?? []).map((t) => ({
      key: t.key,
      ...(t.value ? { value: t.value } : {}),
      effect: t.effect,
    })),
    allocatable,
    ...(zone ? { zone } : {}),
  };
}

/** Whether kwok fakes the node (its pods run nowhere and serve no logs). */
export function isFakeNode(n: V1Node): boolean {
  return n.metadata?.annotations?.[KWOK_NODE_ANNOTATION] === 'fake';
}

const DEFAULT_CLASS = [
  'storageclass.kubernetes.io/is-default-class',
  'storageclass.beta.kubernetes.io/is-default-class',
];

/** A StorageClass, default or not. */
export function storageClassOf(s: V1StorageClass): StorageClassSnapshot {
  return {
    name: nameOf(s.metadata),
    isDefault: DEFAULT_CLASS.some((a) => s.metadata?.annotations?.[a] === 'true'),
    provisioner: s.provisioner,
    bindingMode: s.volumeBindingMode ?? 'Immediate',
  };
}

/** An IngressClass, default or not. */
export function ingressClassOf(c: V1IngressClass): IngressClassSnapshot {
  return {
    name: nameOf(c.metadata),
    isDefault: c.metadata?.annotations?.['ingressclass.kubernetes.io/is-default-class'] === 'true',
  };
}

/** A Secret's name and key names; its values are not read into the result. */
export function secretKeysOf(s: V1Secret): KeysSnapshot {
  return {
    kind: 'Secret',
    name: nameOf(s.metadata),
    keys: keyNames(s.data, s.stringData),
  };
}

/** A ConfigMap's name and key names. */
export function configMapKeysOf(c: V1ConfigMap): KeysSnapshot {
  return {
    kind: 'ConfigMap',
    name: nameOf(c.metadata),
    keys: keyNames(c.data, c.binaryData),
  };
}

function keyNames(...maps: (Record<string, unknown> | undefined)[]): string[] {
  return [...new Set(maps.flatMap((m) => Object.keys(m ?? {})))].sort();
}

/** `items` sorted by `key` (code-point order, the same on every machine). */
export function byKey<T>(items: T[], key: (t: T) => string): T[] {
  return [...items].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}
