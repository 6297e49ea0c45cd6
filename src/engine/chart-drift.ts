/**
 * Drift of the objects a helm-delivered stack keeps in its chart. Pulumi holds those objects
 * as one Release, and the provider's refresh of a Release reads Helm's release record, never
 * the objects themselves: a Deployment scaled by hand is invisible to a refresh preview. So
 * each object of the deployed plan's chart is read from the cluster by name and compared with
 * what the plan declares, at the same fields manifest drift compares (`drift-diff.ts`), and
 * reported under the name and type the object's resource has under manifest delivery.
 *
 * Manifest drift compares the live object with the one recorded at deploy time, both as the
 * API server returns them; here the declared object stands in for the recorded one. The API
 * server leaves out fields at their zero value (`readOnly: false`, `initialDelaySeconds: 0`,
 * empty lists), so such declared fields are not compared: a change of one of them from its
 * zero value is the one drift this check does not see.
 */
import { ApisApi, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { bounded, clusterClient, statusCode } from '../cluster/client';
import type { ClusterTarget } from '../model/environment';
import type { DriftResult } from '../model/operations';
import type { DeploymentPlan } from '../model/plan';
import { chartObjects } from '../chart';
import { resourceName } from '../program';
import { driftFields } from './drift-diff';

type DriftEntry = DriftResult['resources'][number];

/**
 * The chart objects of `plan` that differ on `target`'s cluster from what the plan declares,
 * or are gone. An object whose API the cluster does not serve (a ServiceMonitor without the
 * Prometheus operator's CRD) is not compared: preflight left it out of the chart. Throws the
 * cluster's `ClusterUnreachableError` when it cannot be read.
 */
export async function chartDrift(
  plan: DeploymentPlan,
  target: ClusterTarget,
): Promise<DriftEntry[]> {
  const client = clusterClient(target);
  const groups = await bounded(client, 'listing API groups', () =>
    client.kc.makeApiClient(ApisApi).getAPIVersions(),
  );
  const served = new Set(groups.groups.flatMap((g) => g.versions.map((v) => v.groupVersion)));
  const api = KubernetesObjectApi.makeApiClient(client.kc);
  // The chart's own objects, less the Namespace, which a delivered chart leaves to Pulumi.
  const objects = chartObjects(plan).filter((o) => o.nodeKind !== 'namespace');
  const entries = await Promise.all(
    objects.map(async ({ nodeId, name, body }): Promise<DriftEntry | undefined> => {
      const apiVersion = String(body.apiVersion);
      const kind = String(body.kind);
      if (apiVersion.includes('/') && !served.has(apiVersion)) return undefined;
      const live = await bounded(client, `reading ${kind} ${plan.namespace}/${name}`, async () => {
        try {
          const header = { apiVersion, kind, metadata: { name, namespace: plan.namespace } };
          return await api.read<KubernetesObject>(header);
        } catch (err) {
          if (statusCode(err) === 404) return undefined;
          throw err;
        }
      });
      const type = `kubernetes:${apiVersion.includes('/') ? apiVersion : `core/${apiVersion}`}:${kind}`;
      const entry = { type, name: resourceName(nodeId) };
      if (!live) return { ...entry, change: 'deleted', fields: [] };
      const { apiVersion: _v, kind: _k, ...args } = body;
      const declared = withoutZeroFields(args) as Record<string, unknown>;
      const fields = driftFields(
        type,
        declared,
        declared,
        wireForm(live) as Record<string, unknown>,
      );
      return fields.length ? { ...entry, change: 'changed', fields } : undefined;
    }),
  );
  return entries.filter((e): e is DriftEntry => e !== undefined);
}

/**
 * An object as the client library hands it back (its typed models rename fields that are
 * reserved words, `from` → `_from`, and turn timestamps into Dates) in the API's own form.
 */
function wireForm(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (Array.isArray(v)) return v.map(wireForm);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(
    Object.entries(v)
      .filter(([, x]) => x !== undefined)
      .map(([k, x]) => [k.replace(/^_/, ''), wireForm(x)]),
  );
}

/** `v` without the object fields whose value is false, 0, '', or an empty list or object. */
function withoutZeroFields(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutZeroFields);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const kept = withoutZeroFields(x);
    const empty =
      kept === false ||
      kept === 0 ||
      kept === '' ||
      (Array.isArray(kept) && kept.length === 0) ||
      (typeof kept === 'object' && kept !== null && Object.keys(kept).length === 0);
    if (!empty) out[k] = kept;
  }
  return out;
}
