import type * as k8s from '@pulumi/kubernetes';
import type { NetworkRule } from '../../model/plan';
import { plain } from '../decl';
import { objectMeta, sortedRecord, type Mapper } from './context';

type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;
type Port = k8s.types.input.networking.v1.NetworkPolicyPort;

/**
 * `network-policy` → NetworkPolicy. An empty peer list means any peer and an empty port list
 * any port, which Kubernetes spells by leaving `from`/`to`/`ports` out.
 */
export const mapNetworkPolicy: Mapper<'network-policy'> = (node, ctx) => ({
  cls: 'k8s.networking.v1.NetworkPolicy',
  args: plain({
    metadata: objectMeta(node, ctx),
    spec: {
      podSelector: { matchLabels: sortedRecord(node.spec.podSelector) },
      policyTypes: [...node.spec.policyTypes],
      ...(node.spec.ingress.length
        ? { ingress: node.spec.ingress.map((r) => rule(r, 'from')) }
        : {}),
      ...(node.spec.egress.length ? { egress: node.spec.egress.map((r) => rule(r, 'to')) } : {}),
    },
  } satisfies k8s.networking.v1.NetworkPolicyArgs),
});

function rule(r: NetworkRule, side: 'from' | 'to'): { from?: Peer[]; to?: Peer[]; ports?: Port[] } {
  return {
    ...(r.peers.length ? { [side]: r.peers.map(peer) } : {}),
    ...(r.ports.length
      ? { ports: r.ports.map((p) => ({ port: p.port, protocol: p.protocol })) }
      : {}),
  };
}

function peer(p: NetworkRule['peers'][number]): Peer {
  if ('cidr' in p) {
    return { ipBlock: { cidr: p.cidr, ...(p.except?.length ? { except: [...p.except] } : {}) } };
  }
  if ('namespaces' in p) {
    return {
      namespaceSelector: { matchLabels: sortedRecord(p.namespaces) },
      ...(p.pods ? { podSelector: { matchLabels: sortedRecord(p.pods) } } : {}),
    };
  }
  return { podSelector: { matchLabels: sortedRecord(p.pods) } };
}
