/**
 * Builds images inside the target cluster, one Kaniko Job per image (see `kaniko-job.ts`),
 * for a machine with no builder of its own. Each build context goes to the image's own
 * repository as a blob first; the Job fetches it, builds, and pushes. Waiting is bounded, and
 * a failed Job is explained from its pod's status: which container, its reason and exit code.
 * Kaniko pushes each image as soon as it is built; the first failure stops the rest.
 */
import { readFileSync } from 'node:fs';
import { BatchV1Api, CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { bounded, clusterClient, statusCode, type ClusterClient } from '../cluster/client';
import type { ClusterTarget } from '../model/environment';
import type { BuiltImage } from '../model/images';
import { pushBlob } from './blob-upload';
import { archiveContext } from './context-archive';
import type { CredentialLookup } from './credentials';
import type { Emit, Job } from './jobs';
import { kanikoJob } from './kaniko-job';
import { registryUrl } from './registry';
import { verifyPushed } from './verify-pushed';

/** How the in-cluster builds run. */
export interface ClusterBuildOptions {
  push: boolean;
  emit: Emit;
  credentials: CredentialLookup;
  /** Reads `STACKPILOT_BUILD_NAMESPACE`, `STACKPILOT_BUILD_PUSH_SECRET`, `STACKPILOT_KANIKO_IMAGE`, `STACKPILOT_FETCH_IMAGE`, `STACKPILOT_BUILD_TIMEOUT_SECONDS`. */
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/** The namespace build Jobs run in when `STACKPILOT_BUILD_NAMESPACE` names none. */
export const BUILD_NAMESPACE = 'stackpilot-builds';

/** What went wrong in a build pod, from its container statuses; undefined while it runs. */
export function podFailure(pod: V1Pod): string | undefined {
  const statuses = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ];
  for (const s of statuses) {
    const t = s.state?.terminated;
    if (t && t.exitCode !== 0)
      return `container ${s.name}: ${t.reason ?? 'Error'}, exit code ${t.exitCode}${t.message ? `: ${t.message.trim().slice(0, 300)}` : ''}`;
    const w = s.state?.waiting;
    if (w?.reason && /BackOff|Err|Invalid/.test(w.reason)) {
      const last = s.lastState?.terminated;
      return `container ${s.name}: ${w.reason}${last ? `, last exit code ${last.exitCode}${last.reason ? ` (${last.reason})` : ''}` : w.message ? `: ${w.message}` : ''}`;
    }
  }
  if (pod.status?.phase === 'Failed')
    return pod.status.message ?? pod.status.reason ?? 'pod failed';
  return undefined;
}

/** Creates the namespace unless it exists. */
async function ensureNamespace(
  client: ClusterClient,
  core: CoreV1Api,
  name: string,
): Promise<void> {
  try {
    await bounded(client, `reading namespace ${name}`, () => core.readNamespace({ name }));
  } catch (err) {
    if (statusCode(err) !== 404) throw err;
    await bounded(client, `creating namespace ${name}`, () =>
      core.createNamespace({
        body: { metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'stackpilot' } } },
      }),
    );
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs one build Job to its end: the pushed digest, or why it failed. */
async function runJob(
  client: ClusterClient,
  job: Job,
  namespace: string,
  options: ClusterBuildOptions,
  deadlineSeconds: number,
): Promise<{ digest?: string; error?: string }> {
  const batch = client.kc.makeApiClient(BatchV1Api);
  const core = client.kc.makeApiClient(CoreV1Api);
  const who = `image ${job.plan.image} (component ${job.plan.component})`;
  const dockerfile =
    job.plan.source === 'generated'
      ? (job.plan.generatedDockerfile ?? '')
      : readFileSync(job.spec.dockerfile, 'utf8');
  const archive = archiveContext(job.spec.context, dockerfile);
  const creds = options.credentials(job.ref.registry);
  options.emit(
    job,
    'build',
    'output',
    `uploading the build context (${archive.files} files) to ${job.ref.registry}`,
  );
  await pushBlob(
    job.ref,
    archive.bytes,
    archive.digest,
    `the build context of ${who}`,
    creds ? { credentials: creds } : {},
  );

  const name = `build-${job.plan.component}-${archive.digest.slice(7, 19)}`.slice(0, 63);
  const manifest = kanikoJob({
    name,
    namespace,
    component: job.plan.component,
    image: job.plan.image,
    contextUrl: `${registryUrl(job.ref)}/v2/${job.ref.repository}/blobs/${archive.digest}`,
    buildArgs: job.spec.buildArgs,
    push: options.push,
    insecure: job.ref.loopback,
    deadlineSeconds,
    ...(options.env.STACKPILOT_BUILD_PUSH_SECRET
      ? { pushSecret: options.env.STACKPILOT_BUILD_PUSH_SECRET }
      : {}),
    ...(options.env.STACKPILOT_KANIKO_IMAGE
      ? { kanikoImage: options.env.STACKPILOT_KANIKO_IMAGE }
      : {}),
    ...(options.env.STACKPILOT_FETCH_IMAGE
      ? { fetchImage: options.env.STACKPILOT_FETCH_IMAGE }
      : {}),
  });
  // A Job of the same name is an earlier build of the same context: replace it.
  await bounded(client, `deleting build Job ${namespace}/${name}`, () =>
    batch.deleteNamespacedJob({ name, namespace, propagationPolicy: 'Background' }),
  ).catch((err: unknown) => {
    if (statusCode(err) !== 404) throw err;
  });
  for (let i = 0; ; i++) {
    try {
      await bounded(client, `creating build Job ${namespace}/${name}`, () =>
        batch.createNamespacedJob({ namespace, body: manifest }),
      );
      break;
    } catch (err) {
      // 409 while the replaced Job is still being deleted.
      if (statusCode(err) !== 409 || i > 30) throw err;
      await sleep(500);
    }
  }
  options.emit(job, 'build', 'output', `build Job ${namespace}/${name} created`);

  const deadline = Date.now() + (deadlineSeconds + 30) * 1000;
  for (;;) {
    if (options.signal?.aborted)
      return {
        error: `${who}: the build was cancelled (Job ${namespace}/${name} is left to its deadline)`,
      };
    const pods = (
      await bounded(client, `listing the pods of build Job ${name}`, () =>
        core.listNamespacedPod({ namespace, labelSelector: `job-name=${name}` }),
      )
    ).items;
    const failed = pods.map(podFailure).find((f) => f !== undefined);
    const state = await bounded(client, `reading build Job ${name}`, () =>
      batch.readNamespacedJobStatus({ name, namespace }),
    );
    if (failed || (state.status?.failed ?? 0) > 0)
      return {
        error: `building ${who} in Job ${namespace}/${name} failed: ${failed ?? state.status?.conditions?.map((c) => c.message).join('; ') ?? 'the Job failed'}`,
      };
    if ((state.status?.succeeded ?? 0) > 0) {
      const kaniko = pods
        .flatMap((p) => p.status?.containerStatuses ?? [])
        .find((s) => s.name === 'kaniko');
      const digest = kaniko?.state?.terminated?.message?.trim();
      return /^sha256:[a-f0-9]{64}$/.test(digest ?? '') ? { digest } : {};
    }
    if (Date.now() > deadline)
      return {
        error: `building ${who} in Job ${namespace}/${name} did not finish within ${deadlineSeconds} s (STACKPILOT_BUILD_TIMEOUT_SECONDS)`,
      };
    await sleep(1000);
  }
}

/** Builds (and with `push`, pushes) every job's image in the cluster of `target`, in order. */
export async function buildInCluster(
  todo: Job[],
  cluster: { target: ClusterTarget },
  options: ClusterBuildOptions,
): Promise<BuiltImage[]> {
  const client = clusterClient(cluster.target);
  const namespace = options.env.STACKPILOT_BUILD_NAMESPACE ?? BUILD_NAMESPACE;
  const deadlineSeconds = Number(options.env.STACKPILOT_BUILD_TIMEOUT_SECONDS ?? 900);
  await ensureNamespace(client, client.kc.makeApiClient(CoreV1Api), namespace);
  const images: BuiltImage[] = todo.map((j) => ({
    component: j.plan.component,
    image: j.plan.image,
    status: 'skipped',
  }));
  for (const [i, job] of todo.entries()) {
    options.emit(job, 'build', 'start');
    const built = await runJob(client, job, namespace, options, deadlineSeconds);
    if (built.error) {
      images[i] = { ...images[i]!, status: 'failed', error: built.error };
      options.emit(job, 'build', 'failed', built.error);
      return images;
    }
    options.emit(job, 'build', 'done');
    if (!options.push) {
      images[i] = { ...images[i]!, status: 'built' };
      continue;
    }
    options.emit(job, 'verify', 'start');
    const held = await verifyPushed(job, built.digest, options.credentials);
    if (held.error) {
      images[i] = {
        ...images[i]!,
        status: 'failed',
        error: `${held.error} (the build Job reported success)`,
      };
      options.emit(job, 'verify', 'failed', images[i]!.error);
      return images;
    }
    images[i] = {
      ...images[i]!,
      status: 'pushed',
      ...(held.digest ? { digest: held.digest } : {}),
    };
    options.emit(job, 'verify', 'done', held.digest);
  }
  return images;
}
