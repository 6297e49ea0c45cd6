/**
 * Builds with a builder on this machine: every image first, then, with `push`, each pushed and
 * its digest checked in the registry. The first failure stops it; a failed build pushes
 * nothing, so a registry never holds half a release.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildEvent, BuiltImage } from '../model/images';
import type { Builder } from './builders';
import type { CredentialLookup } from './credentials';
import { writeGenerated, type Emit, type Job } from './jobs';
import { runCommand } from './run';
import { verifyPushed } from './verify-pushed';

/** The error of a failed phase, with the builder's last lines. */
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

/** Builds (and pushes) `todo` with `builder`; each image's outcome, in order. */
export async function buildLocally(
  todo: Job[],
  builder: Builder,
  options: { push: boolean; env?: NodeJS.ProcessEnv; signal?: AbortSignal },
  emit: Emit,
  credentials: CredentialLookup,
): Promise<BuiltImage[]> {
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

  for (const [i, job] of todo.entries()) {
    emit(job, 'build', 'start');
    const r = await run(job, 'build', builder.buildArgv(job.spec));
    if (r.code !== 0) {
      images[i] = { ...images[i]!, status: 'failed', error: failure(job, 'building', r.tail) };
      emit(job, 'build', 'failed', images[i]!.error);
      return images;
    }
    images[i] = { ...images[i]!, status: 'built' };
    emit(job, 'build', 'done');
  }
  if (!options.push) return images;

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
        return images;
      }
      emit(job, 'push', 'done');
      emit(job, 'verify', 'start');
      const held = await verifyPushed(job, pushedDigest(digestFile, r.tail), credentials);
      if (held.error) {
        images[i] = { ...images[i]!, status: 'failed', error: held.error };
        emit(job, 'verify', 'failed', held.error);
        return images;
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
  return images;
}
