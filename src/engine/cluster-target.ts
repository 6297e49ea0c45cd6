/**
 * What the engine checks before it applies anything, and what it does differently for a
 * cluster target: a preflight of the cluster and of the registries holding the plan's images
 * (a render target only gets warnings about images), and, when an update fails, the cause of
 * each object that did not become ready, read from the cluster's status and events.
 */
import { clusterClient } from '../cluster/client';
import { readClusterFacts } from '../cluster/facts';
import { preflight } from '../cluster/preflight';
import { readSnapshot } from '../cluster/snapshot';
import { explainUnready } from '../diagnose/unready';
import { imageFailures, imageWarnings, verifyImages, type VerifyOptions } from '../images/verify';
import type { Environment } from '../model/environment';
import { PreflightError, StackpilotError } from '../model/errors';
import type { DeploymentPlan } from '../model/plan';
import type { ClusterSnapshot } from '../model/snapshot';

/** What preflight let through: nodes to leave out on this cluster and the warnings about it. */
export interface ClusterCheck {
  omit: string[];
  warnings: string[];
}

/** No check for a render target. */
export const NO_CHECK: ClusterCheck = { omit: [], warnings: [] };

/**
 * Preflight of `plan` against `env`'s target: on a cluster, throws a {@link PreflightError}
 * listing every missing piece of the cluster and every image its registry lacks (or could
 * not be asked about), and an InputError when the cluster cannot be reached, all within
 * seconds; on a render target, missing images are warnings. `stackpilot:images.verify`
 * chooses which images are looked up.
 */
export async function checkTarget(
  plan: DeploymentPlan,
  env: Environment,
  registries: VerifyOptions = {},
): Promise<ClusterCheck> {
  const images = verifyImages(plan, env.images.verify, registries);
  if (env.target.kind !== 'cluster') {
    return { omit: [], warnings: imageWarnings(await images, plan) };
  }
  const client = clusterClient(env.target);
  const [facts, checks] = await Promise.all([readClusterFacts(client, plan.namespace), images]);
  const result = preflight(plan, env, facts);
  const failures = [...result.failures, ...imageFailures(checks, plan)];
  if (failures.length) throw new PreflightError(client.label, failures);
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
    return causeLines(await readSnapshot(clusterClient(env.target), plan.namespace));
  } catch (err) {
    const why = err instanceof StackpilotError ? err.message : String(err);
    return [`the cluster could not be read to explain the failure: ${why}`];
  }
}

/** One line per object of `snapshot` that is not ready: `Deployment shop-dev/api: <cause>`. */
export function causeLines(snapshot: ClusterSnapshot): string[] {
  return explainUnready(snapshot).map((f) => `${f.object}: ${f.cause}`);
}
