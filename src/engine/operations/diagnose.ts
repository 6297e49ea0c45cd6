/**
 * Diagnose: why a cluster stack's objects are not doing their job, compared with a plan (the
 * one given, else the plan of the stack's latest update), read from a snapshot of its
 * namespace and explained by the pure `diagnose` of `src/diagnose/`. Changes nothing and takes
 * no stack lock: it is what a user runs while an up hangs. Log lines reach the diagnosis as
 * evidence, so every secret value the stack knows is masked in it before it leaves the engine.
 */
import type { Stack } from '@pulumi/pulumi/automation';
import { clusterClient } from '../../cluster/client';
import { readDiagnosisSnapshot } from '../../cluster/diagnosis-snapshot';
import { diagnose as diagnoseSnapshot } from '../../diagnose';
import { DiagnosisSchema, type Diagnosis } from '../../model/diagnosis';
import type { ClusterTarget, Environment } from '../../model/environment';
import { NotFoundError, StackpilotError } from '../../model/errors';
import type { DeploymentPlan } from '../../model/plan';
import type { DiagnosisSnapshot } from '../../model/snapshot';
import { causeLines, explainClusterFailure } from '../cluster-target';
import { emptyProgram, throwIfAborted, type EngineCore } from '../core';
import { redact } from '../redact';
import { requiredSecretKeys, SECRET_ENV_PREFIX } from '../secrets';
import { stateSecretValues } from '../state-secrets';
import { requireCluster } from './whole-stack';

/** Options of a diagnosis. */
export interface DiagnoseOptions {
  /** The plan to compare the cluster with. Default: the plan of the stack's latest update. */
  plan?: DeploymentPlan;
  /** Stops the diagnosis between its reads. Default: not cancellable. */
  signal?: AbortSignal;
}

/**
 * Diagnoses `project` in `env` (cluster targets only; a render target is an InputError). The
 * plan is `options.plan`, else the plan of the stack's latest stackpilot update, succeeded or
 * failed (a NotFoundError when the stack was never deployed, or that plan is not archived in
 * this state directory). An unreachable cluster is a ClusterUnreachableError.
 */
export async function diagnose(
  core: EngineCore,
  project: string,
  env: Environment,
  options: DiagnoseOptions = {},
): Promise<Diagnosis> {
  requireCluster(env, 'diagnose');
  throwIfAborted(options.signal);
  const plan = options.plan ?? (await latestPlan(core, project, env.name));
  throwIfAborted(options.signal);
  const client = clusterClient(env.target as ClusterTarget);
  const [snapshot, secrets] = await Promise.all([
    readDiagnosisSnapshot(client, plan.namespace, { logs: true }).then((s) =>
      releaseOwned(s, plan, env),
    ),
    openIfExists(core, project, env.name).then((stack) =>
      stackSecrets(core, stack, plan, project, env.name, [], { config: true }),
    ),
  ]);
  throwIfAborted(options.signal);
  return redactDiagnosis(
    diagnoseSnapshot({ plan, snapshot, project, environment: env.name }),
    secrets,
  );
}

/** What a failed update's result gets from the cluster: one line per cause, and the diagnosis. */
export interface FailureExplanation {
  /** One line per object that did not become ready (`Deployment shop-dev/api: …`). */
  causes: string[];
  diagnosis?: Diagnosis;
  /** Why there is no diagnosis, when there is none on a cluster target. */
  note?: string;
}

/**
 * Explains a failed update of `plan` on `stack`: its causes and its diagnosis, with every
 * secret value the stack knows (`known`, the operation's redaction list, and those in its
 * state) masked. Never throws: a diagnosis that cannot be made becomes the note, and the
 * causes are then read the way they were before diagnoses existed. Nothing for a render target.
 */
export async function explainFailedUpdate(
  core: EngineCore,
  stack: Stack,
  plan: DeploymentPlan,
  env: Environment,
  known: readonly string[],
): Promise<FailureExplanation> {
  if (env.target.kind !== 'cluster') return { causes: [] };
  try {
    const snapshot = releaseOwned(
      await readDiagnosisSnapshot(clusterClient(env.target), plan.namespace, { logs: true }),
      plan,
      env,
    );
    const causes = causeLines(snapshot);
    try {
      const secrets = await stackSecrets(core, stack, plan, plan.app, env.name, known, {
        config: false,
      });
      const diagnosis = diagnoseSnapshot({
        plan,
        snapshot,
        project: plan.app,
        environment: env.name,
      });
      return {
        causes: causes.map((c) => redact(c, secrets)),
        diagnosis: redactDiagnosis(diagnosis, secrets),
      };
    } catch (err) {
      return { causes: causes.map((c) => redact(c, known)), note: noDiagnosis(err, known) };
    }
  } catch (err) {
    const causes = await explainClusterFailure(plan, env);
    return { causes: causes.map((c) => redact(c, known)), note: noDiagnosis(err, known) };
  }
}

/**
 * `snapshot` as stackpilot's own under helm delivery: Helm labels every object it installs
 * `app.kubernetes.io/managed-by: Helm`, so the plan's NetworkPolicies would read as someone
 * else's. A policy named like one of the plan's is the release's (Helm refuses to install over
 * an object it does not own), hence stackpilot's.
 */
export function releaseOwned(
  snapshot: DiagnosisSnapshot,
  plan: DeploymentPlan,
  env: Environment,
): DiagnosisSnapshot {
  if (env.delivery !== 'helm') return snapshot;
  const planned = new Set(plan.nodes.filter((n) => n.kind === 'network-policy').map((n) => n.name));
  return {
    ...snapshot,
    networkPolicies: snapshot.networkPolicies.map((p) =>
      planned.has(p.name) ? { ...p, managed: true } : p,
    ),
  };
}

/** Every string of `diagnosis` with each secret value (and its base64 form) masked. */
export function redactDiagnosis(diagnosis: Diagnosis, secrets: readonly string[]): Diagnosis {
  const scrub = (v: unknown): unknown => {
    if (typeof v === 'string') return redact(v, secrets);
    if (Array.isArray(v)) return v.map(scrub);
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrub(x)]));
    return v;
  };
  return DiagnosisSchema.parse(scrub(diagnosis));
}

function noDiagnosis(err: unknown, known: readonly string[]): string {
  const why = err instanceof StackpilotError ? err.message : String(err);
  return redact(`no diagnosis of the failure: ${why.split('\n')[0] ?? why}`, known);
}

function neverDeployed(project: string, environment: string): NotFoundError {
  return new NotFoundError(
    `stack ${project}/${environment} was never deployed: there is no plan to diagnose against (run \`stackpilot up\`, or diagnose the repository directory)`,
  );
}

/** The plan of the stack's latest stackpilot update (up or rollback, succeeded or failed). */
async function latestPlan(
  core: EngineCore,
  project: string,
  environment: string,
): Promise<DeploymentPlan> {
  let hash: string | undefined;
  try {
    hash = (await core.history(project, environment)).find((e) => e.action && e.planHash)?.planHash;
  } catch (err) {
    if (err instanceof NotFoundError) throw neverDeployed(project, environment);
    throw err;
  }
  if (!hash) throw neverDeployed(project, environment);
  if (!core.archive.has(hash))
    throw new NotFoundError(
      `the plan of ${project}/${environment}'s latest update (${hash.slice(0, 19)}) is not in this state directory's plan archive: diagnose the repository directory instead`,
    );
  return core.archive.get(hash);
}

async function openIfExists(
  core: EngineCore,
  project: string,
  environment: string,
): Promise<Stack | undefined> {
  try {
    return await core.open(project, environment, emptyProgram, 'select');
  } catch (err) {
    if (err instanceof NotFoundError) return undefined;
    throw err;
  }
}

/**
 * Every secret value the stack knows: `known`, the `STACKPILOT_SECRET_*` values of the
 * engine's environment, the values of the plan's secret keys and every secret config value
 * (`config`), and every secret in the stack's state (generated passwords, Secret data).
 */
async function stackSecrets(
  core: EngineCore,
  stack: Stack | undefined,
  plan: DeploymentPlan,
  project: string,
  environment: string,
  known: readonly string[],
  { config }: { config: boolean },
): Promise<string[]> {
  const values = new Set(known);
  for (const [k, v] of Object.entries(core.env()))
    if (k.startsWith(SECRET_ENV_PREFIX) && v) values.add(v);
  if (!stack) return [...values];
  if (config) {
    const all = await core.call(project, environment, [...values], () => stack.getAllConfig());
    const required = new Set(requiredSecretKeys(plan));
    for (const [key, c] of Object.entries(all))
      if (c.secret || required.has(key)) values.add(c.value);
  }
  const state = await core.call(project, environment, [...values], () => stateSecretValues(stack));
  for (const v of state) values.add(v);
  return [...values];
}
