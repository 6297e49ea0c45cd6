/**
 * The two jobs of one environment: `images-<env>` builds (and on a push, pushes) every image
 * the plan builds, then `gate-<env>` deploys through `stackpilot gate`.
 */
import {
  buildStep,
  compareStep,
  gateStep,
  loginStep,
  ON_PUSH,
  planStep,
  pushStep,
  setupSteps,
  type CallOptions,
  type Step,
} from './github-steps';
import type { PushRegistry } from './registries';

/** One job, its keys in the order GitHub's documentation writes them. */
export interface Job {
  name: string;
  needs?: string;
  if?: string;
  'runs-on': string;
  environment?: string;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  permissions: Record<string, 'read' | 'write'>;
  steps: Step[];
}

/** The id of an environment's images job. */
export function imagesJobId(env: string): string {
  return `images-${env}`;
}

/** The id of an environment's gate job. */
export function gateJobId(env: string): string {
  return `gate-${env}`;
}

/**
 * Builds the images on every run; logs in, pushes and checks the tags on pushes only.
 * `packages: write` only when one of the registries is GHCR.
 */
export function imagesJob(call: CallOptions, env: string, registries: PushRegistry[]): Job {
  const ghcr = registries.some((r) => r.kind === 'ghcr');
  return {
    name: `images (${env})`,
    'runs-on': 'ubuntu-latest',
    permissions: ghcr ? { contents: 'read', packages: 'write' } : { contents: 'read' },
    steps: [
      ...setupSteps(),
      { uses: 'docker/setup-buildx-action@v3' },
      ...registries.filter((r) => r.kind !== 'loopback').map(loginStep),
      planStep(call, env),
      buildStep(call, env),
      pushStep(call, env, registries),
      compareStep(env),
    ],
  };
}

/** What a gate job needs to know about its environment. */
export interface GateJobOptions {
  env: string;
  /** How the gate calls stackpilot (the skills file whose ids it sends). */
  call: CallOptions;
  /** The images job it waits for; none when the plan builds no image. */
  needs?: string;
  /** Runs in the GitHub environment of the same name (its protection rules and secrets). */
  protectedEnvironment: boolean;
}

/**
 * Deploys on pushes only, one gate of an environment at a time (a second waits instead of
 * cancelling the first, which may hold an approval).
 */
export function gateJob(options: GateJobOptions): Job {
  const { env } = options;
  return {
    name: `gate (${env})`,
    ...(options.needs ? { needs: options.needs } : {}),
    if: ON_PUSH,
    'runs-on': 'ubuntu-latest',
    ...(options.protectedEnvironment ? { environment: env } : {}),
    concurrency: { group: `stackpilot-gate-${env}`, 'cancel-in-progress': false },
    permissions: { contents: 'read' },
    steps: [...setupSteps(), gateStep(options.call, env)],
  };
}
