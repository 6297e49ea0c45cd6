/**
 * The registries a CI job pushes a plan's images to, and how it logs in to each: GHCR with
 * the job's own token, a loopback registry not at all (nothing off the machine reaches it),
 * any other with credentials the repository keeps as secrets.
 */
import { parseImageReference } from '../images/reference';
import type { DeploymentPlan } from '../model/plan';

/**
 * How a job logs in to a registry: `ghcr` with `github.actor` and `GITHUB_TOKEN` (and
 * `packages: write`), `loopback` not at all, `other` with `REGISTRY_USERNAME`/`REGISTRY_PASSWORD`.
 */
export type RegistryKind = 'ghcr' | 'loopback' | 'other';

/** One registry a job pushes to. */
export interface PushRegistry {
  /** Host as the image names it (`ghcr.io`, `localhost:5000`, `docker.io` for Docker Hub). */
  host: string;
  kind: RegistryKind;
}

/** The kind of login a registry host needs. */
export function registryKind(host: string, loopback: boolean): RegistryKind {
  if (loopback) return 'loopback';
  return host === 'ghcr.io' ? 'ghcr' : 'other';
}

/**
 * The registries of the images `plan` builds, sorted by host. A malformed image name is an
 * `InputError` naming its component.
 */
export function pushRegistries(plan: DeploymentPlan): PushRegistry[] {
  const byHost = new Map<string, PushRegistry>();
  for (const image of plan.images) {
    if (image.source !== 'dockerfile' && image.source !== 'generated') continue;
    const ref = parseImageReference(image.image, `component ${image.component}`);
    byHost.set(ref.registry, {
      host: ref.registry,
      kind: registryKind(ref.registry, ref.loopback),
    });
  }
  return [...byHost.values()].sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
}
