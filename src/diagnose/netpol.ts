/**
 * NetworkPolicy evaluation with Kubernetes' union semantics: a pod selected by any policy of a
 * direction is isolated in that direction, and a connection is allowed when any rule of any
 * policy that selects it (in that direction) allows the peer and the port. Peers are matched
 * by podSelector and namespaceSelector against labels (a namespace is known by its
 * `kubernetes.io/metadata.name` label); ipBlock peers never match a pod.
 */
import type {
  NetworkPolicySnapshot,
  PolicyPeerSnapshot,
  PolicyRuleSnapshot,
} from '../model/snapshot';
import { selects } from './labels';

/** One end of a connection: the pod's labels, its namespace, and its named container ports. */
export interface Endpoint {
  labels: Record<string, string>;
  namespace: string;
  ports: { name?: string; containerPort: number }[];
}

/** A direction of a policy. */
export type Direction = 'Ingress' | 'Egress';

/** The policies that isolate `pod` in `direction` (select it and name the direction), by name. */
export function isolating(
  policies: NetworkPolicySnapshot[],
  pod: Endpoint,
  direction: Direction,
  namespace: string,
): NetworkPolicySnapshot[] {
  return policies
    .filter(
      (p) =>
        pod.namespace === namespace &&
        p.policyTypes.includes(direction) &&
        selects(p.podSelector, pod.labels),
    )
    .sort((a, b) => a.name.localeCompare(b.name));
}

function peerMatches(peer: PolicyPeerSnapshot, other: Endpoint, policyNamespace: string): boolean {
  if (peer.ipBlock !== undefined && !peer.podSelector && !peer.namespaceSelector) return false;
  const nsLabels = { 'kubernetes.io/metadata.name': other.namespace };
  const nsOk = peer.namespaceSelector
    ? selects(peer.namespaceSelector, nsLabels)
    : other.namespace === policyNamespace;
  return nsOk && selects(peer.podSelector ?? {}, other.labels);
}

function portMatches(rule: PolicyRuleSnapshot, port: number, target: Endpoint): boolean {
  if (!rule.ports.length) return true;
  return rule.ports.some((p) => {
    if ((p.protocol || 'TCP') !== 'TCP') return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'number') return p.port === port;
    if (/^\d+$/.test(p.port)) return Number(p.port) === port;
    return target.ports.some((cp) => cp.name === p.port && cp.containerPort === port);
  });
}

/** Whether a rule allows the peer `other` on `port` (of `target`, the receiving end). */
export function ruleAllows(
  rule: PolicyRuleSnapshot,
  other: Endpoint,
  port: number,
  target: Endpoint,
  policyNamespace: string,
): boolean {
  const peerOk =
    !rule.peers.length || rule.peers.some((p) => peerMatches(p, other, policyNamespace));
  return peerOk && portMatches(rule, port, target);
}

/** Whether a policy allows `from` → `to`:`port` in `direction` (evaluated at `to` for Ingress, at `from` for Egress). */
export function policyAllows(
  policy: NetworkPolicySnapshot,
  direction: Direction,
  from: Endpoint,
  to: Endpoint,
  port: number,
  namespace: string,
): boolean {
  const rules = direction === 'Ingress' ? policy.ingress : policy.egress;
  const other = direction === 'Ingress' ? from : to;
  return rules.some((r) => ruleAllows(r, other, port, to, namespace));
}

/** The verdict on one direction of a connection. */
export interface Verdict {
  allowed: boolean;
  /** The policies that isolate the end that is checked. */
  isolatedBy: NetworkPolicySnapshot[];
}

/** Whether `from` → `to`:`port` passes `direction`'s policies. */
export function evaluate(
  policies: NetworkPolicySnapshot[],
  direction: Direction,
  from: Endpoint,
  to: Endpoint,
  port: number,
  namespace: string,
): Verdict {
  const end = direction === 'Ingress' ? to : from;
  const isolatedBy = isolating(policies, end, direction, namespace);
  const allowed =
    !isolatedBy.length ||
    isolatedBy.some((p) => policyAllows(p, direction, from, to, port, namespace));
  return { allowed, isolatedBy };
}
