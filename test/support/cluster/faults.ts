/**
 * Faults of the nodes, put on the test cluster out of band the way an operator or a cloud
 * would: taints, cordons, and every node moved to one zone. Each has its undo, so one cluster
 * can present one fault after another.
 */
import type { ClusterApi } from './api';

/** A node taint. */
export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

async function nodeNames(api: ClusterApi, names?: string[]): Promise<string[]> {
  if (names) return names;
  const nodes = await api.list<{ metadata: { name: string } }>('/api/v1/nodes');
  return nodes.map((n) => n.metadata.name).sort();
}

/** Sets the taints of the named nodes (every node by default); `[]` removes them. */
export async function setTaints(api: ClusterApi, taints: Taint[], names?: string[]): Promise<void> {
  for (const name of await nodeNames(api, names))
    await api.mergePatch(`/api/v1/nodes/${name}`, { spec: { taints } });
}

/** Cordons the named nodes (or uncordons them with `on: false`). */
export async function cordon(api: ClusterApi, names: string[], on = true): Promise<void> {
  for (const name of names)
    await api.mergePatch(`/api/v1/nodes/${name}`, { spec: { unschedulable: on } });
}

/** Relabels the named nodes (every node by default) into `zone`. */
export async function setZone(api: ClusterApi, zone: string, names?: string[]): Promise<void> {
  for (const name of await nodeNames(api, names))
    await api.mergePatch(`/api/v1/nodes/${name}`, {
      metadata: { labels: { 'topology.kubernetes.io/zone': zone } },
    });
}
