/**
 * Builds the images a plan builds from source — from the repository's Dockerfile or the
 * generated one, with the plan's tag and build arguments — and, when asked, pushes them and
 * checks that the registry holds each tag under the digest that was pushed: with a builder on
 * this machine (`local-build.ts`), else in the target cluster (`cluster-build.ts`). Images are
 * built one after another (a build uses every core).
 */
import type { ClusterTarget } from '../model/environment';
import { InputError } from '../model/errors';
import type { BuildEvent, BuildResult, BuiltImage } from '../model/images';
import type { DeploymentPlan } from '../model/plan';
import { findBuilder, noBuilderError, type Builder } from './builders';
import { buildInCluster } from './cluster-build';
import { credentialLookup, type CredentialLookup } from './credentials';
import { jobs, type Emit } from './jobs';
import { buildLocally } from './local-build';

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
    if (!options.cluster)
      throw inCluster
        ? new InputError(
            'STACKPILOT_BUILDER=cluster builds in the target cluster, but this environment renders to a directory: unset it, or use an environment with a cluster target',
          )
        : noBuilderError();
    const images = await buildInCluster(todo, options.cluster, {
      push: base.push,
      emit,
      credentials,
      env: options.env ?? process.env,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return { ...base, builder: 'cluster', status: outcome(images, base.push), images };
  }
  const images = await buildLocally(
    todo,
    builder,
    { ...options, push: base.push },
    emit,
    credentials,
  );
  return { ...base, builder: builder.name, status: outcome(images, base.push), images };
}
