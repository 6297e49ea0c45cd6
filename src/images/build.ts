/**
 * Builds the images a plan builds from source — from the repository's Dockerfile or the
 * generated one, with the plan's tag and build arguments — and, when asked, pushes them and
 * checks that the registry holds each tag under the digest that was pushed. Images are built
 * one after another (a build uses every core); the first failure stops the build and nothing
 * is pushed, so a registry never holds half a release.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterTarget } from '../model/environment';
import type { BuildEvent, BuildResult, BuiltImage } from '../model/images';
import type { DeploymentPlan } from '../model/plan';
import { findBuilder, noBuilderError, type Builder } from './builders';
import { buildInCluster } from './cluster-build';
import { credentialLookup, type CredentialLookup } from './credentials';
import { jobs, writeGenerated, type Emit, type Job } from './jobs';
import { runCommand } from './run';
import { verifyPushed } from './verify-pushed';

/** Options of {@link buildImages}. */
export interface BuildOptions {
  /** Push each image and verify its digest in the registry. Default false. */
  push?: boolean;
  /** Where generated Dockerfiles are written (`<dir>/<component>/Dockerfile`). */
  buildDir: string;
  /** The builder; default: the first found ({@link findBuilder}). */
  builder?: Builder;
  /** Environment of builder processes. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  credentials?: CredentialLookup;
  onEvent?: (event: BuildEvent) => void;
  signal?: AbortSignal;
  /**
   * The cluster to build in when this machine has no builder (or `STACKPILOT_BUILDER` is
   * `cluster`): a Kaniko Job per image (see `cluster-build.ts`).
   */
  cluster?: { target: ClusterTarget };
}

/** Succeeded when every image got as far as asked. */
function outcome(images: BuiltImage[], push: boolean): BuildResult['status'] {
  return images.every((i) => i.status === (push ? 'pushed' : 'built')) ? 'succeeded' : 'failed';
}

/** The error of a failed phase, with the builder's last lines. */
export function failure(job: Job, what: string, tail: string[]): string {
  const last = tail.length ? `\n${tail.map((l) => `    ${l}`).join('\n')}` : '';
  return `${what} image ${job.plan.image} (component ${job.plan.component}) failed${last}`;
}

/** The digest a push reported: the builder's digest file, else a `digest: sha256:…` line. */
function pushedDigest(file: string, tail: string[]): string | undefined {
  const fromFile = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  if (fromFile) return fromFile;
  for (const line of [...tail].reverse()) {
    const m = /digest: (sha256:[a-f0-9]{64})/.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

/**
 * Builds (and with `push`, pushes and verifies) the images `plan` builds from source in the
 * repository at `repo`. A build failure is a `failed` result naming the image and component;
 * a plan that cannot be built (malformed reference, missing Dockerfile) and a machine with no
 * builder are InputErrors, raised before anything runs.
 */
export async function buildImages(
  plan: DeploymentPlan,
  repo: string,
  options: BuildOptions,
): Promise<BuildResult> {
  const todo = jobs(plan, repo, options.buildDir);
  const base = {
    project: plan.app,
    environment: plan.environment,
    planHash: plan.hash,
    push: options.push ?? false,
  };
  if (!todo.length) return { ...base, status: 'succeeded', images: [] };
  const emit: Emit = (job, phase, state, message) =>
    options.onEvent?.({
      component: job.plan.component,
      image: job.plan.image,
      phase,
      state,
      ...(message !== undefined ? { message } : {}),
    });
  const credentials = options.credentials ?? credentialLookup(options.env);
  const inCluster = (options.env ?? process.env).STACKPILOT_BUILDER === 'cluster';
  const builder = options.builder ?? (inCluster ? undefined : await findBuilder(options.env));
  if (!builder) {
    if (!options.cluster) throw noBuilderError();
    const images = await buildInCluster(todo, options.cluster, {
      push: base.push,
      emit,
      credentials,
      env: options.env ?? process.env,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return { ...base, builder: 'cluster', status: outcome(images, base.push), images };
  }
  writeGenerated(todo);
  const run = (job: Job, phase: BuildEvent['phase'], argv: string[]) =>
    runCommand([builder.path, ...argv], {
      env: options.env ?? process.env,
      ...(options.signal ? { signal: options.signal } : {}),
      onLine: (line) => emit(job, phase, 'output', line),
    });
  const images: BuiltImage[] = todo.map((j) => ({
    component: j.plan.component,
    image: j.plan.image,
    status: 'skipped',
  }));
  const done = (): BuildResult => ({
    ...base,
    builder: builder.name,
    status: outcome(images, base.push),
    images,
  });

  for (const [i, job] of todo.entries()) {
    emit(job, 'build', 'start');
    const r = await run(job, 'build', builder.buildArgv(job.spec));
    if (r.code !== 0) {
      images[i] = { ...images[i]!, status: 'failed', error: failure(job, 'building', r.tail) };
      emit(job, 'build', 'failed', images[i]!.error);
      return done();
    }
    images[i] = { ...images[i]!, status: 'built' };
    emit(job, 'build', 'done');
  }
  if (!base.push) return done();

  const scratch = mkdtempSync(join(tmpdir(), 'stackpilot-push-'));
  try {
    for (const [i, job] of todo.entries()) {
      emit(job, 'push', 'start');
      const digestFile = join(scratch, `${i}.digest`);
      const r = await run(
        job,
        'push',
        builder.pushArgv(job.plan.image, job.ref.loopback, digestFile),
      );
      if (r.code !== 0) {
        images[i] = { ...images[i]!, status: 'failed', error: failure(job, 'pushing', r.tail) };
        emit(job, 'push', 'failed', images[i]!.error);
        return done();
      }
      emit(job, 'push', 'done');
      emit(job, 'verify', 'start');
      const held = await verifyPushed(job, pushedDigest(digestFile, r.tail), credentials);
      if (held.error) {
        images[i] = { ...images[i]!, status: 'failed', error: held.error };
        emit(job, 'verify', 'failed', held.error);
        return done();
      }
      images[i] = {
        ...images[i]!,
        status: 'pushed',
        ...(held.digest ? { digest: held.digest } : {}),
      };
      emit(job, 'verify', 'done', held.digest);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return done();
}
