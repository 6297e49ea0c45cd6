/**
 * Pure mapping of the objects readiness depends on (Deployments, StatefulSets, ReplicaSets,
 * Pods, Jobs, PersistentVolumeClaims, Ingresses, Events) from their client-node shapes to the
 * plain {@link ClusterSnapshot} values; shared by the readiness reader and the diagnosis reader.
 */
import { claimsOf } from './pod-spec-map';
import type {
  CoreV1Event,
  V1Condition,
  V1ContainerStatus,
  V1Deployment,
  V1Ingress,
  V1Job,
  V1ObjectMeta,
  V1PersistentVolumeClaim,
  V1Pod,
  V1ReplicaSet,
  V1StatefulSet,
} from '@kubernetes/client-node';
import type {
  ClaimSnapshot,
  ClusterSnapshot,
  ConditionSnapshot,
  ContainerSnapshot,
  EventSnapshot,
  IngressSnapshot,
  JobSnapshot,
  PodSnapshot,
  ReplicaSetSnapshot,
  WorkloadSnapshot,
} from '../model/snapshot';

/** The lists a {@link ClusterSnapshot} is made of, as the API answered them. */
export interface ReadinessLists {
  deployments: V1Deployment[];
  statefulSets: V1StatefulSet[];
  replicaSets: V1ReplicaSet[];
  pods: V1Pod[];
  jobs: V1Job[];
  claims: V1PersistentVolumeClaim[];
  ingresses: V1Ingress[];
  events: CoreV1Event[];
}

/** The readiness snapshot of `namespace` from its lists, in the order the API listed them. */
export function clusterSnapshotOf(namespace: string, l: ReadinessLists): ClusterSnapshot {
  return {
    namespace,
    workloads: [
      ...l.deployments.map((d) => workloadOf('Deployment', d)),
      ...l.statefulSets.map((st) => workloadOf('StatefulSet', st)),
    ],
    replicaSets: l.replicaSets.map(replicaSetOf),
    pods: l.pods.map(podOf),
    jobs: l.jobs.map(jobOf),
    claims: l.claims.map(claimOf),
    ingresses: l.ingresses.map(ingressOf),
    events: l.events.map(eventOf),
  };
}

/** A Deployment's or StatefulSet's replica counts and conditions. */
export function workloadOf(
  kind: 'Deployment' | 'StatefulSet',
  w: V1Deployment | V1StatefulSet,
): WorkloadSnapshot {
  return {
    kind,
    name: nameOf(w.metadata),
    desired: w.spec?.replicas ?? 1,
    total: w.status?.replicas ?? 0,
    ready: w.status?.readyReplicas ?? 0,
    available: w.status?.availableReplicas ?? 0,
    updated: w.status?.updatedReplicas ?? 0,
    conditions: conditionsOf(w.status?.conditions),
  };
}

/** A ReplicaSet and the Deployment that owns it. */
export function replicaSetOf(r: V1ReplicaSet): ReplicaSetSnapshot {
  return { name: nameOf(r.metadata), ...ownerOf(r.metadata), desired: r.spec?.replicas ?? 0 };
}

/** A pod's phase, conditions and container states (init containers first). */
export function podOf(p: V1Pod): PodSnapshot {
  const o =
    p.metadata?.ownerReferences?.find((r) => r.controller) ?? p.metadata?.ownerReferences?.[0];
  return {
    name: nameOf(p.metadata),
    ...(o ? { owner: { kind: o.kind, name: o.name } } : {}),
    phase: p.status?.phase ?? 'Unknown',
    conditions: conditionsOf(p.status?.conditions),
    containers: [
      ...(p.status?.initContainerStatuses ?? []),
      ...(p.status?.containerStatuses ?? []),
    ].map(containerOf),
    claims: claimsOf(p),
    deleting: Boolean(p.metadata?.deletionTimestamp),
  };
}

/** A Job's progress. */
export function jobOf(j: V1Job): JobSnapshot {
  return {
    name: nameOf(j.metadata),
    ...ownerOf(j.metadata),
    active: j.status?.active ?? 0,
    succeeded: j.status?.succeeded ?? 0,
    failed: j.status?.failed ?? 0,
    conditions: conditionsOf(j.status?.conditions),
  };
}

/** A claim's binding. */
export function claimOf(c: V1PersistentVolumeClaim): ClaimSnapshot {
  return {
    name: nameOf(c.metadata),
    phase: c.status?.phase ?? 'Pending',
    ...(c.spec?.storageClassName ? { storageClass: c.spec.storageClassName } : {}),
  };
}

/** An Ingress's class and whether a controller gave it an address. */
export function ingressOf(i: V1Ingress): IngressSnapshot {
  return {
    name: nameOf(i.metadata),
    ...(i.spec?.ingressClassName ? { className: i.spec.ingressClassName } : {}),
    hasAddress: Boolean(i.status?.loadBalancer?.ingress?.length),
  };
}

/** An event about an object. */
export function eventOf(e: CoreV1Event): EventSnapshot {
  return {
    kind: e.involvedObject.kind ?? '',
    name: e.involvedObject.name ?? '',
    type: e.type ?? 'Normal',
    reason: e.reason ?? '',
    message: e.message ?? '',
    count: e.count ?? 1,
    last: iso(e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp),
  };
}

/** An object's name, `''` when it has none. */
export function nameOf(m: V1ObjectMeta | undefined): string {
  return m?.name ?? '';
}

function ownerOf(m: V1ObjectMeta | undefined): { owner?: string } {
  const o = m?.ownerReferences?.[0];
  return o ? { owner: o.name } : {};
}

function iso(t: Date | string | undefined): string {
  if (!t) return '';
  return t instanceof Date ? t.toISOString() : String(t);
}

type AnyCondition = Pick<V1Condition, 'type' | 'status'> & { reason?: string; message?: string };

/** Conditions of any kind of object, in the order the object lists them. */
export function conditionsOf(list: AnyCondition[] | undefined): ConditionSnapshot[] {
  return (list ?? []).map((c) => ({
    type: c.type,
    status: c.status,
    ...(c.reason ? { reason: c.reason } : {}),
    ...(c.message ? { message: c.message } : {}),
  }));
}

function containerOf(s: V1ContainerStatus): ContainerSnapshot {
  const term = (t: { reason?: string; exitCode: number; message?: string } | undefined) =>
    t
      ? {
          exitCode: t.exitCode,
          ...(t.reason ? { reason: t.reason } : {}),
          ...(t.message ? { message: t.message } : {}),
        }
      : undefined;
  const terminated = term(s.state?.terminated);
  const last = term(s.lastState?.terminated);
  return {
    name: s.name,
    ready: s.ready,
    restartCount: s.restartCount,
    ...(s.state?.waiting
      ? {
          waiting: {
            reason: s.state.waiting.reason ?? 'Waiting',
            ...(s.state.waiting.message ? { message: s.state.waiting.message } : {}),
          },
        }
      : {}),
    ...(terminated ? { terminated } : {}),
    ...(last ? { lastTerminated: last } : {}),
  };
}
