/**
 * Builds the images a plan builds from source — from the repository's Dockerfile or the
 * generated one, with the plan's tag and build arguments — and, when asked, pushes them and
 * checks that the registry holds each tag under the digest that was pushed. Images are built
 * one after another (a build uses every core); the first failure stops the build and nothing
 * is pushed, so a registry never holds half a release.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BuildEvent, BuildResult, BuiltImage } from '../model/images';
import { InputError } from '../model/errors';
import type { DeploymentPlan, ImagePlan } from '../model/plan';
import { findBuilder, noBuilderError, type Builder, type BuildSpec } from './builders';
import { credentialLookup, type CredentialLookup } from './credentials';
import { parseImageReference, type ImageReference } from './reference';
import { lookupManifest } from './registry';
import { runCommand } from './run';

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
}

/** An image to build, with everything checked that can be checked before building. */
interface Job {
  plan: ImagePlan;
  ref: ImageReference;
  spec: BuildSpec;
}

/** The images of `plan` built from source, checked; every problem is one InputError. */
function jobs(plan: DeploymentPlan, repo: string, buildDir: string): Job[] {
  const issues: { field: string; message: string }[] = [];
  const out: Job[] = [];
  for (const image of plan.images) {
    if (image.source !== 'dockerfile' && image.source !== 'generated') continue;
    const where = `component ${image.component}`;
    let ref: ImageReference;
    try {
      ref = parseImageReference(image.image, where);
    } catch (err) {
      issues.push({ field: `images.${image.component}`, message: (err as Error).message });
      continue;
    }
    const context = resolve(repo, image.context ?? '.');
    if (!existsSync(context)) {
      issues.push({
        field: `images.${image.component}`,
        message: `${where}: build context ${image.context ?? '.'} does not exist in ${repo}`,
      });
      continue;
    }
    let dockerfile: string;
    if (image.source === 'dockerfile') {
      dockerfile = resolve(repo, image.dockerfile ?? 'Dockerfile');
      if (!existsSync(dockerfile))
        issues.push({
          field: `images.${image.component}`,
          message: `${where}: Dockerfile ${image.dockerfile} does not exist in ${repo}`,
        });
    } else {
      dockerfile = join(buildDir, image.component, 'Dockerfile');
    }
    out.push({
      plan: image,
      ref,
      spec: { image: image.image, dockerfile, context, buildArgs: image.buildArgs ?? {} },
    });
  }
  if (issues.length)
    throw new InputError(`the images of ${plan.app}/${plan.environment} cannot be built`, issues);
  return out;
}

/** Writes each generated Dockerfile where its job expects it. */
function writeGenerated(all: Job[]): void {
  for (const job of all) {
    if (job.plan.source !== 'generated') continue;
    mkdirSync(join(job.spec.dockerfile, '..'), { recursive: true });
    writeFileSync(job.spec.dockerfile, job.plan.generatedDockerfile ?? '');
  }
}

function failure(job: Job, what: string, tail: string[]): string {
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
  const builder = options.builder ?? (await findBuilder(options.env));
  if (!builder) throw noBuilderError();
  writeGenerated(todo);

  const emit = (
    job: Job,
    phase: BuildEvent['phase'],
    state: BuildEvent['state'],
    message?: string,
  ) =>
    options.onEvent?.({
      component: job.plan.component,
      image: job.plan.image,
      phase,
      state,
      ...(message !== undefined ? { message } : {}),
    });
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
    status: images.every((i) => i.status === (base.push ? 'pushed' : 'built'))
      ? 'succeeded'
      : 'failed',
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

  const credentials = options.credentials ?? credentialLookup(options.env);
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
      const pushed = pushedDigest(digestFile, r.tail);
      const creds = credentials(job.ref.registry);
      const held = await lookupManifest(job.ref, creds ? { credentials: creds } : {});
      const error =
        held.state !== 'present'
          ? `image ${job.plan.image} (component ${job.plan.component}) was pushed, but the registry ${held.state === 'missing' ? 'does not hold its tag' : `cannot be asked: ${held.detail}`}`
          : pushed && held.digest && pushed !== held.digest
            ? `image ${job.plan.image} (component ${job.plan.component}): the registry holds ${held.digest} for its tag, not the pushed ${pushed} (another push raced this one?)`
            : undefined;
      if (error) {
        images[i] = { ...images[i]!, status: 'failed', error };
        emit(job, 'verify', 'failed', error);
        return done();
      }
      images[i] = {
        ...images[i]!,
        status: 'pushed',
        ...(held.state === 'present' && held.digest ? { digest: held.digest } : {}),
      };
      emit(job, 'verify', 'done', held.state === 'present' ? held.digest : undefined);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return done();
}
