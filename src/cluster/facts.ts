/**
 * What a preflight needs to know about a live cluster, read in a handful of bounded requests:
 * server version, served API groups, StorageClasses, IngressClasses, the target namespace and
 * the nodes' allocatable capacity.
 */
import {
  ApisApi,
  CoreV1Api,
  NetworkingV1Api,
  StorageV1Api,
  VersionApi,
} from '@kubernetes/client-node';
import { z } from 'zod';
import { bounded, statusCode, type ClusterClient } from './client';

export const ClusterFactsSchema = z.strictObject({
  /** e.g. `v1.34.2`. */
  serverVersion: z.string(),
  /** The minor version the server reports (`34`), which builds without a git version still carry. */
  serverMinor: z.number().int(),
  /** Served `group/version`s of named API groups, e.g. `monitoring.coreos.com/v1`. Sorted. */
  apiGroupVersions: z.array(z.string()),
  storageClasses: z.array(
    z.strictObject({ name: z.string(), isDefault: z.boolean(), bindingMode: z.string() }),
  ),
  ingressClasses: z.array(z.strictObject({ name: z.string(), isDefault: z.boolean() })),
  /** The target namespace, when it exists. */
  namespace: z
    .strictObject({ name: z.string(), labels: z.record(z.string(), z.string()) })
    .optional(),
  /** Schedulable nodes and their allocatable cpu (millicores) and memory (bytes), summed. */
  nodes: z.strictObject({
    count: z.number().int(),
    cpuMillis: z.number(),
    memoryBytes: z.number(),
  }),
});
export type ClusterFacts = z.infer<typeof ClusterFactsSchema>;

const DEFAULT_SC = 'storageclass.kubernetes.io/is-default-class';
const DEFAULT_IC = 'ingressclass.kubernetes.io/is-default-class';

/** Reads the facts; the requests run side by side, each bounded. */
export async function readClusterFacts(
  client: ClusterClient,
  namespace: string,
): Promise<ClusterFacts> {
  const { kc } = client;
  const core = kc.makeApiClient(CoreV1Api);
  const [version, groups, scs, ics, ns, nodes] = await Promise.all([
    bounded(client, 'reading the server version', () => kc.makeApiClient(VersionApi).getCode()),
    bounded(client, 'listing API groups', () => kc.makeApiClient(ApisApi).getAPIVersions()),
    bounded(client, 'listing StorageClasses', () =>
      kc.makeApiClient(StorageV1Api).listStorageClass(),
    ),
    bounded(client, 'listing IngressClasses', () =>
      kc.makeApiClient(NetworkingV1Api).listIngressClass(),
    ),
    bounded(client, `reading namespace ${namespace}`, async () => {
      try {
        return await core.readNamespace({ name: namespace });
      } catch (err) {
        if (statusCode(err) === 404) return undefined;
        throw err;
      }
    }),
    bounded(client, 'listing nodes', () => core.listNode()),
  ]);
  const schedulable = nodes.items.filter((n) => !n.spec?.unschedulable);
  return {
    serverVersion: version.gitVersion,
    serverMinor: Number.parseInt(version.minor, 10) || 0,
    apiGroupVersions: groups.groups.flatMap((g) => g.versions.map((v) => v.groupVersion)).sort(),
    storageClasses: scs.items
      .map((s) => ({
        name: s.metadata?.name ?? '',
        isDefault: s.metadata?.annotations?.[DEFAULT_SC] === 'true',
        bindingMode: s.volumeBindingMode ?? 'Immediate',
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    ingressClasses: ics.items
      .map((c) => ({
        name: c.metadata?.name ?? '',
        isDefault: c.metadata?.annotations?.[DEFAULT_IC] === 'true',
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    ...(ns ? { namespace: { name: namespace, labels: { ...(ns.metadata?.labels ?? {}) } } } : {}),
    nodes: {
      count: schedulable.length,
      cpuMillis: schedulable.reduce((s, n) => s + cpuMillis(n.status?.allocatable?.cpu ?? '0'), 0),
      memoryBytes: schedulable.reduce((s, n) => s + bytes(n.status?.allocatable?.memory ?? '0'), 0),
    },
  };
}

/** `500m` → 500, `2` → 2000. */
export function cpuMillis(q: string): number {
  return q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000;
}

const UNITS: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
};

/** `512Mi` → 536870912. */
export function bytes(q: string): number {
  const m = /^([0-9.]+)([A-Za-z]*)$/.exec(q);
  if (!m) return 0;
  return Number(m[1]) * (UNITS[m[2] ?? ''] ?? 1);
}
