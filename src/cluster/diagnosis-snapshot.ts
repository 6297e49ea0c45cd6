/**
 * Reads a {@link DiagnosisSnapshot} of one namespace: the readiness objects plus Services,
 * EndpointSlices, HPAs, NetworkPolicies, Nodes, StorageClasses, IngressClasses, Secrets and
 * ConfigMaps (key names only) and the logs of failing containers. The lists run side by side, each bounded. A
 * kind the credentials may not list (403) or the cluster does not serve (404) is left empty and
 * named in `unreadable`; an unreachable server still throws one `ClusterUnreachableError`.
 */
import {
  AppsV1Api,
  AutoscalingV2Api,
  BatchV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  NetworkingV1Api,
  StorageV1Api,
  type V1Ingress,
} from '@kubernetes/client-node';
import type { DiagnosisSnapshot, IngressSnapshot } from '../model/snapshot';
import {
  bounded,
  ClusterUnreachableError,
  statusCode,
  statusMessage,
  type ClusterClient,
} from './client';
import {
  autoscalerOf,
  byKey,
  configMapKeysOf,
  endpointsOf,
  ingressClassOf,
  isFakeNode,
  networkPolicyOf,
  nodeOf,
  secretKeysOf,
  serviceOf,
  storageClassOf,
} from './diagnosis-map';
import { planLogReads, readLogs } from './logs';
import { sortedRecord } from '../model/canonical';
import { podDetailOf } from './pod-spec-map';
import {
  claimOf,
  eventOf,
  ingressOf,
  jobOf,
  podOf,
  replicaSetOf,
  workloadOf,
} from './snapshot-map';

/** Options of {@link readDiagnosisSnapshot}. */
export interface DiagnosisReadOptions {
  /** Read the logs of failing containers. Default true. */
  logs?: boolean;
  /** Lines per container log. Default 20. */
  logLines?: number;
}

/**
 * Lists one kind; a 403 or 404 answer is `undefined` and a line in `unreadable` (`Secrets:
 * forbidden by RBAC (secrets is forbidden: …)`), anything else is what {@link bounded} makes of it.
 */
async function listOrNote<T>(
  client: ClusterClient,
  kind: string,
  unreadable: Map<string, string>,
  list: () => Promise<{ items: T[] }>,
): Promise<T[] | undefined> {
  return bounded(client, `listing ${kind}`, async () => {
    try {
      return (await list()).items;
    } catch (err) {
      const status = statusCode(err);
      if (status !== undefined && status !== 401 && status !== 403 && status !== 404)
        throw new ClusterUnreachableError(
          `${client.label}: listing ${kind} failed (${status}${statusText(err)})`,
        );
      if (status !== 403 && status !== 404) throw err;
      const why = status === 403 ? 'forbidden by RBAC' : 'not served by the cluster (404)';
      unreadable.set(kind, `${kind}: ${why}${statusText(err, ' (', ')')}`);
      return undefined;
    }
  });
}

function statusText(err: unknown, before = ': ', after = ''): string {
  const message = statusMessage(err);
  return message ? `${before}${message}${after}` : '';
}

/**
 * Everything a diagnosis of `namespace` reads, every list sorted by name. Secrets and
 * ConfigMaps come as key names: their values are dropped as each object is mapped.
 */
export async function readDiagnosisSnapshot(
  client: ClusterClient,
  namespace: string,
  options: DiagnosisReadOptions = {},
): Promise<DiagnosisSnapshot> {
  const { kc } = client;
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const net = kc.makeApiClient(NetworkingV1Api);
  const q = { namespace };
  const skipped = new Map<string, string>();
  const list = <T>(kind: string, fn: () => Promise<{ items: T[] }>) =>
    listOrNote(client, kind, skipped, fn);
  const [
    deps,
    sts,
    rss,
    pods,
    jobs,
    pvcs,
    ings,
    events,
    services,
    slices,
    hpas,
    policies,
    nodes,
    classes,
    ingressClasses,
    secrets,
    configMaps,
  ] = await Promise.all([
    list('Deployments', () => apps.listNamespacedDeployment(q)),
    list('StatefulSets', () => apps.listNamespacedStatefulSet(q)),
    list('ReplicaSets', () => apps.listNamespacedReplicaSet(q)),
    list('Pods', () => core.listNamespacedPod(q)),
    list('Jobs', () => kc.makeApiClient(BatchV1Api).listNamespacedJob(q)),
    list('PersistentVolumeClaims', () => core.listNamespacedPersistentVolumeClaim(q)),
    list('Ingresses', () => net.listNamespacedIngress(q)),
    list('Events', () => core.listNamespacedEvent(q)),
    list('Services', () => core.listNamespacedService(q)),
    list('EndpointSlices', () => kc.makeApiClient(DiscoveryV1Api).listNamespacedEndpointSlice(q)),
    list('HorizontalPodAutoscalers', () =>
      kc.makeApiClient(AutoscalingV2Api).listNamespacedHorizontalPodAutoscaler(q),
    ),
    list('NetworkPolicies', () => net.listNamespacedNetworkPolicy(q)),
    list('Nodes', () => core.listNode()),
    list('StorageClasses', () => kc.makeApiClient(StorageV1Api).listStorageClass()),
    list('IngressClasses', () => net.listIngressClass()),
    // Mapped at once: the values of the list's Secrets go no further than this line.
    list('Secrets', () => core.listNamespacedSecret(q)).then((s) => s?.map(secretKeysOf)),
    list('ConfigMaps', () => core.listNamespacedConfigMap(q)).then((c) => c?.map(configMapKeysOf)),
  ]);

  const name = <T extends { name: string }>(items: T[]) => byKey(items, (i) => i.name);
  const podList = name(
    (pods ?? []).map((p) => {
      const { labels, nodeName, specs, claims } = podDetailOf(p);
      return {
        ...podOf(p),
        ...(labels ? { labels } : {}),
        ...(nodeName ? { nodeName } : {}),
        specs,
        claims,
      };
    }),
  );
  const policyList = (policies ?? []).map(networkPolicyOf);
  const unreadable = [...skipped.values(), ...policyList.flatMap((p) => p.unreadable).sort()];

  const logs: DiagnosisSnapshot['logs'] = [];
  if (options.logs ?? true) {
    const fake = new Set((nodes ?? []).filter(isFakeNode).map((n) => n.metadata?.name ?? ''));
    const plan = planLogReads(podList, fake);
    const read = await readLogs(client, namespace, plan.reads, { lines: options.logLines });
    logs.push(...read.logs);
    unreadable.push(...plan.notes, ...read.notes.sort());
  }

  return {
    namespace,
    workloads: byKey(
      [
        ...(deps ?? []).map((d) => ({
          ...workloadOf('Deployment', d),
          selector: sortedRecord(d.spec?.selector.matchLabels ?? {}),
        })),
        ...(sts ?? []).map((st) => ({
          ...workloadOf('StatefulSet', st),
          selector: sortedRecord(st.spec?.selector.matchLabels ?? {}),
        })),
      ],
      (w) => `${w.name}\u0000${w.kind}`,
    ),
    replicaSets: name((rss ?? []).map(replicaSetOf)),
    pods: podList,
    jobs: name(
      (jobs ?? []).map((j) => ({
        ...jobOf(j),
        ...(j.spec?.backoffLimit !== undefined ? { backoffLimit: j.spec.backoffLimit } : {}),
      })),
    ),
    claims: name(
      (pvcs ?? []).map((c) => {
        const requested = c.spec?.resources?.requests?.storage;
        return { ...claimOf(c), ...(requested ? { requested: String(requested) } : {}) };
      }),
    ),
    ingresses: name((ings ?? []).map((i) => ({ ...ingressOf(i), backends: backendsOf(i) }))),
    events: byKey((events ?? []).map(eventOf), (e) =>
      [e.kind, e.name, e.last, e.reason, e.message].join('\u0000'),
    ),
    services: name((services ?? []).map(serviceOf)),
    // Unknown without slices to read: no zeros are made up for Services then.
    endpoints: slices
      ? endpointsOf(
          slices,
          (services ?? []).map((s) => s.metadata?.name ?? ''),
        )
      : [],
    autoscalers: name((hpas ?? []).map(autoscalerOf)),
    networkPolicies: name(policyList.map((p) => p.policy)),
    nodes: name((nodes ?? []).map(nodeOf)),
    storageClasses: name((classes ?? []).map(storageClassOf)),
    // Absent when unreadable: the detectors then skip the class checks instead of reporting
    // every class missing.
    ...(ingressClasses ? { ingressClasses: name(ingressClasses.map(ingressClassOf)) } : {}),
    configs: byKey([...(secrets ?? []), ...(configMaps ?? [])], (c) => `${c.name}\u0000${c.kind}`),
    logs: byKey(logs, (l) => `${l.pod}\u0000${l.container}`),
    unreadable,
  };
}

/** Every Service an Ingress routes to, from its rules and its default backend; sorted, once each. */
function backendsOf(i: V1Ingress): NonNullable<IngressSnapshot['backends']> {
  const all = [
    ...(i.spec?.defaultBackend?.service ? [i.spec.defaultBackend.service] : []),
    ...(i.spec?.rules ?? []).flatMap((r) =>
      (r.http?.paths ?? []).flatMap((p) => (p.backend.service ? [p.backend.service] : [])),
    ),
  ].map((s) => ({ service: s.name, port: s.port?.number ?? s.port?.name ?? '' }));
  const unique = new Map(all.map((b) => [`${b.service}\u0000${b.port}`, b]));
  return byKey([...unique.values()], (b) => `${b.service}\u0000${b.port}`);
}
