/**
 * What the engine does differently for a cluster target: a preflight before anything is
 * applied, and, when an update fails, the cause of each object that did not become ready,
 * read from the cluster's status and events.
 */
import { clusterClient } from '../cluster/client';
import { readClusterFacts } from '../cluster/facts';
import { preflight } from '../cluster/preflight';
import { readSnapshot } from '../cluster/snapshot';
import { explainUnready } from '../diagnose/unready';
import type { Environment } from '../model/environment';
import { PreflightError, StackpilotError } from '../model/errors';
import type { DeploymentPlan } from '../model/plan';

/** What preflight let through: nodes to leave out on this cluster and the warnings about it. */
export interface ClusterCheck {
  omit: string[];
  warnings: string[];
}

/** No check for a render target. */
export const NO_CHECK: ClusterCheck = { omit: [], warnings: [] };

/**
 * Preflight of `plan` against `env`'s cluster: throws a {@link PreflightError} listing every
 * missing piece, and an InputError when the cluster cannot be reached, both within seconds.
 */
export async function checkClusterTarget(
  plan: DeploymentPlan,
  env: Environment,
): Promise<ClusterCheck> {
  if (env.target.kind !== 'cluster') return NO_CHECK;
  const client = clusterClient(env.target);
  const facts = await readClusterFacts(client, plan.namespace);
  const result = preflight(plan, env, facts);
  if (result.failures.length) throw new PreflightError(client.label, result.failures);
  return { omit: result.omit?.ids ?? [], warnings: result.warnings };
}

/**
 * One line per object of the plan's namespace that is not ready, with its cause; an empty
 * list for a render target. Never throws: a cluster that cannot be read says so in its line.
 */
export async function explainClusterFailure(
  plan: DeploymentPlan,
  env: Environment,
): Promise<string[]> {
  if (env.target.kind !== 'cluster') return [];
  try {
    const snapshot = await readSnapshot(clusterClient(env.target), plan.namespace);
    return explainUnready(snapshot).map((f) => `${f.object}: ${f.cause}`);
  } catch (err) {
    const why = err instanceof StackpilotError ? err.message : String(err);
    return [`the cluster could not be read to explain the failure: ${why}`];
  }
}
