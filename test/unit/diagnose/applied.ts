/**
 * The snapshot of a namespace where a plan was applied and everything is healthy: one ready
 * pod per workload with the plan's labels and container specs, completed Jobs, Services with
 * ready endpoints, the plan's NetworkPolicies, bound claims, admitted Ingresses, two ready nodes
 * in two zones, a default StorageClass and IngressClass. Situations start from it and break one
 * thing.
 */
import type { DeploymentPlan, NetworkRule, NodeOf } from '../../../src/model/plan';
import type {
  DiagnosisSnapshot,
  NetworkPolicySnapshot,
  PodSnapshot,
  PolicyRuleSnapshot,
} from '../../../src/model/snapshot';
import { fullstackPlan, planConfigs, planSpec, READY, snapshot } from './support';

function rule(r: NetworkRule): PolicyRuleSnapshot {
  return {
    peers: r.peers.map((p) =>
      'cidr' in p
        ? { ipBlock: p.cidr }
        : 'namespaces' in p
          ? { namespaceSelector: p.namespaces, ...(p.pods ? { podSelector: p.pods } : {}) }
          : { podSelector: p.pods },
    ),
    ports: r.ports.map((p) => ({ port: p.port, protocol: p.protocol })),
  };
}

/** A plan network-policy node as the cluster lists it. */
export function livePolicy(n: NodeOf<'network-policy'>): NetworkPolicySnapshot {
  return {
    name: n.name,
    managed: true,
    podSelector: n.spec.podSelector,
    policyTypes: [...n.spec.policyTypes],
    ingress: n.spec.ingress.map(rule),
    egress: n.spec.egress.map(rule),
  };
}

function workloadPod(plan: DeploymentPlan, n: NodeOf<'workload'>): PodSnapshot {
  const sts = n.spec.controller === 'statefulset';
  const t = n.spec.template;
  return {
    name: sts ? `${n.name}-0` : `${n.name}-rs1-a`,
    owner: sts
      ? { kind: 'StatefulSet', name: n.name }
      : { kind: 'ReplicaSet', name: `${n.name}-rs1` },
    labels: t.labels,
    nodeName: 'node-a',
    phase: 'Running',
    conditions: READY,
    containers: t.containers.map((c) => ({ name: c.name, ready: true, restartCount: 0 })),
    specs: [...t.initContainers, ...t.containers].map((c) => planSpec(n.id, c.name, {}, plan)),
    ...(n.spec.volumeClaims?.length
      ? { claims: n.spec.volumeClaims.map((v) => `${v.name}-${n.name}-0`) }
      : {}),
    deleting: false,
  };
}

/** The healthy namespace of `plan` (default: the fullstack dev plan). */
export function applied(plan: DeploymentPlan = fullstackPlan()): DiagnosisSnapshot {
  const nodes = <K extends DeploymentPlan['nodes'][number]['kind']>(k: K) =>
    plan.nodes.filter((n): n is Extract<typeof n, { kind: K }> => n.kind === k);
  const workloads = nodes('workload');
  return snapshot({
    namespace: plan.namespace,
    workloads: workloads.map((n) => {
      const r = n.spec.replicas ?? 1;
      return {
        kind:
          n.spec.controller === 'statefulset' ? ('StatefulSet' as const) : ('Deployment' as const),
        name: n.name,
        desired: r,
        total: r,
        ready: r,
        available: r,
        updated: r,
        conditions: [{ type: 'Available', status: 'True' }],
        selector: n.spec.selector,
      };
    }),
    replicaSets: workloads
      .filter((n) => n.spec.controller === 'deployment')
      .map((n) => ({ name: `${n.name}-rs1`, owner: n.name, desired: n.spec.replicas ?? 1 })),
    pods: workloads.map((n) => workloadPod(plan, n)),
    jobs: nodes('job').map((n) => ({
      name: n.name,
      active: 0,
      succeeded: 1,
      failed: 0,
      conditions: [{ type: 'Complete', status: 'True' }],
      backoffLimit: n.spec.backoffLimit,
    })),
    claims: [
      ...nodes('volume').map((n) => ({
        name: n.name,
        phase: 'Bound',
        storageClass: 'standard',
        requested: n.spec.storage,
      })),
      ...workloads.flatMap((n) =>
        (n.spec.volumeClaims ?? []).map((v) => ({
          name: `${v.name}-${n.name}-0`,
          phase: 'Bound',
          storageClass: 'standard',
          requested: v.storage,
        })),
      ),
    ],
    ingresses: nodes('route').map((n) => ({
      name: n.name,
      className: n.spec.className,
      hasAddress: true,
      backends: n.spec.paths.map((p) => ({ service: p.service, port: p.port })),
    })),
    services: nodes('service').map((n) => ({
      name: n.name,
      type: 'ClusterIP',
      selector: n.spec.selector,
      ports: n.spec.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort })),
    })),
    endpoints: nodes('service').map((n) => ({ service: n.name, ready: 1, notReady: 0 })),
    networkPolicies: nodes('network-policy').map(livePolicy),
    nodes: ['a', 'b'].map((z) => ({
      name: `node-${z}`,
      ready: true,
      unschedulable: false,
      taints: [],
      allocatable: { cpu: '2', memory: '4Gi', 'ephemeral-storage': '20Gi', pods: '110' },
      zone: `zone-${z}`,
    })),
    storageClasses: [
      {
        name: 'standard',
        isDefault: true,
        provisioner: 'rancher.io/local-path',
        bindingMode: 'WaitForFirstConsumer',
      },
    ],
    ingressClasses: [{ name: 'nginx', isDefault: true }],
    configs: planConfigs(plan),
  });
}
