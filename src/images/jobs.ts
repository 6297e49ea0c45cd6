/** The images a plan builds from source, checked before anything runs. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError } from '../model/errors';
import type { BuildEvent } from '../model/images';
import type { DeploymentPlan, ImagePlan } from '../model/plan';
import type { BuildSpec } from './builders';
import { parseImageReference, type ImageReference } from './reference';

/** An image to build, with everything checked that can be checked before building. */
export interface Job {
  plan: ImagePlan;
  ref: ImageReference;
  spec: BuildSpec;
}

/** The images of `plan` built from source, checked; every problem is one InputError. */
export function jobs(plan: DeploymentPlan, repo: string, buildDir: string): Job[] {
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
export function writeGenerated(all: Job[]): void {
  for (const job of all) {
    if (job.plan.source !== 'generated') continue;
    mkdirSync(dirname(job.spec.dockerfile), { recursive: true });
    writeFileSync(job.spec.dockerfile, job.plan.generatedDockerfile ?? '');
  }
}

/** Emits one event of `job`. */
export type Emit = (
  job: Job,
  phase: BuildEvent['phase'],
  state: BuildEvent['state'],
  message?: string,
) => void;
