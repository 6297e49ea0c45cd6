/** Reads a {@link ClusterSnapshot} of one namespace: a few list requests, side by side, bounded. */
import { AppsV1Api, BatchV1Api, CoreV1Api, NetworkingV1Api } from '@kubernetes/client-node';
import type { ClusterSnapshot } from '../model/snapshot';
import { bounded, type ClusterClient } from './client';
import { clusterSnapshotOf } from './snapshot-map';

/**
 * Reads every object of `namespace` that readiness depends on. Any refused or unanswered list
 * throws the `ClusterUnreachableError` of {@link bounded}: readiness needs all of them (the
 * diagnosis reader, `readDiagnosisSnapshot`, tolerates a kind it may not read).
 */
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
  return clusterSnapshotOf(namespace, {
    deployments: deps.items,
    statefulSets: sts.items,
    replicaSets: rss.items,
    pods: pods.items,
    jobs: jobs.items,
    claims: pvcs.items,
    ingresses: ings.items,
    events: events.items,
  });
}
