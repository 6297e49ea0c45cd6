/** Reads a {@link ClusterSnapshot} of one namespace: a few list requests, side by side, bounded. */
import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  NetworkingV1Api,
  type V1Condition,
  type V1ContainerStatus,
  type V1Deployment,
  type V1ObjectMeta,
  type V1StatefulSet,
} from '@kubernetes/client-node';
import type { ClusterSnapshot, ConditionSnapshot, ContainerSnapshot } from '../model/snapshot';
import { bounded, type ClusterClient } from './client';

/** Reads every object of `namespace` that readiness depends on. */
export async function readSnapshot(
  client: ClusterClient,
  namespace: string,
): Promise<ClusterSnapshot> {
  const { kc } = client;
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const q = { namespace };
  const [deps, sts, rss, pods, jobs, pvcs, ings, events] = await Promise.all([
    bounded(client, 'listing Deployments', () => apps.listNamespacedDeployment(q)),
    bounded(client, 'listing StatefulSets', () => apps.listNamespacedStatefulSet(q)),
    bounded(client, 'listing ReplicaSets', () => apps.listNamespacedReplicaSet(q)),
    bounded(client, 'listing Pods', () => core.listNamespacedPod(q)),
    bounded(client, 'listing Jobs', () => kc.makeApiClient(BatchV1Api).listNamespacedJob(q)),
    bounded(client, 'listing PersistentVolumeClaims', () =>
      core.listNamespacedPersistentVolumeClaim(q),
    ),
    bounded(client, 'listing Ingresses', () =>
      kc.makeApiClient(NetworkingV1Api).listNamespacedIngress(q),
    ),
    bounded(client, 'listing Events', () => core.listNamespacedEvent(q)),
  ]);
  return {
    namespace,
    workloads: [
      ...deps.items.map((d) => workload('Deployment', d)),
      ...sts.items.map((st) => workload('StatefulSet', st)),
    ],
    replicaSets: rss.items.map((r) => ({
      name: name(r.metadata),
      ...owner(r.metadata),
      desired: r.spec?.replicas ?? 0,
    })),
    pods: pods.items.map((p) => {
      const o =
        p.metadata?.ownerReferences?.find((r) => r.controller) ?? p.metadata?.ownerReferences?.[0];
      return {
        name: name(p.metadata),
        ...(o ? { owner: { kind: o.kind, name: o.name } } : {}),
        phase: p.status?.phase ?? 'Unknown',
        conditions: conditions(p.status?.conditions),
        containers: [
          ...(p.status?.initContainerStatuses ?? []),
          ...(p.status?.containerStatuses ?? []),
        ].map(container),
        deleting: Boolean(p.metadata?.deletionTimestamp),
      };
    }),
    jobs: jobs.items.map((j) => ({
      name: name(j.metadata),
      ...owner(j.metadata),
      active: j.status?.active ?? 0,
      succeeded: j.status?.succeeded ?? 0,
      failed: j.status?.failed ?? 0,
      conditions: conditions(j.status?.conditions),
    })),
    claims: pvcs.items.map((c) => ({
      name: name(c.metadata),
      phase: c.status?.phase ?? 'Pending',
      ...(c.spec?.storageClassName ? { storageClass: c.spec.storageClassName } : {}),
    })),
    ingresses: ings.items.map((i) => ({
      name: name(i.metadata),
      ...(i.spec?.ingressClassName ? { className: i.spec.ingressClassName } : {}),
      hasAddress: Boolean(i.status?.loadBalancer?.ingress?.length),
    })),
    events: events.items.map((e) => ({
      kind: e.involvedObject.kind ?? '',
      name: e.involvedObject.name ?? '',
      type: e.type ?? 'Normal',
      reason: e.reason ?? '',
      message: e.message ?? '',
      count: e.count ?? 1,
      last: iso(e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp),
    })),
  };
}

function workload(
  kind: 'Deployment' | 'StatefulSet',
  w: V1Deployment | V1StatefulSet,
): ClusterSnapshot['workloads'][number] {
  return {
    kind,
    name: name(w.metadata),
    desired: w.spec?.replicas ?? 1,
    total: w.status?.replicas ?? 0,
    ready: w.status?.readyReplicas ?? 0,
    available: w.status?.availableReplicas ?? 0,
    updated: w.status?.updatedReplicas ?? 0,
    conditions: conditions(w.status?.conditions),
  };
}

function name(m: V1ObjectMeta | undefined): string {
  return m?.name ?? '';
}

function owner(m: V1ObjectMeta | undefined): { owner?: string } {
  const o = m?.ownerReferences?.[0];
  return o ? { owner: o.name } : {};
}

function iso(t: Date | string | undefined): string {
  if (!t) return '';
  return t instanceof Date ? t.toISOString() : String(t);
}

type AnyCondition = Pick<V1Condition, 'type' | 'status'> & { reason?: string; message?: string };

function conditions(list: AnyCondition[] | undefined): ConditionSnapshot[] {
  return (list ?? []).map((c) => ({
    type: c.type,
    status: c.status,
    ...(c.reason ? { reason: c.reason } : {}),
    ...(c.message ? { message: c.message } : {}),
  }));
}

function container(s: V1ContainerStatus): ContainerSnapshot {
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
