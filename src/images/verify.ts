/**
 * The registry preflight: before a deploy, every image the plan runs is looked up in its
 * registry, so that a missing image is a clear refusal now instead of pods in
 * ImagePullBackOff later. Lookups run side by side; each names its image and its users.
 */
import type { ImagePolicy } from '../model/environment';
import { InputError, type PreflightFailure } from '../model/errors';
import type { DeploymentPlan } from '../model/plan';
import { credentialLookup, type CredentialLookup } from './credentials';
import { plannedImages, type PlannedImage } from './plan-images';
import { parseImageReference } from './reference';
import { lookupManifest, type LookupOptions, type ManifestStatus } from './registry';

/** What the registry said about one of the plan's images. */
export interface ImageCheck extends PlannedImage {
  /** The registry host, when the reference parses. */
  registry?: string;
  status: ManifestStatus | { state: 'malformed'; detail: string };
}

/** How the preflight reaches registries. */
export interface VerifyOptions {
  /** Where credentials come from. Default: the environment and the Docker config. */
  credentials?: CredentialLookup;
  timeoutMs?: number;
  fetch?: LookupOptions['fetch'];
}

/** Looks up the images `policy` asks for (none when `off`), in the plan's image order. */
export async function verifyImages(
  plan: DeploymentPlan,
  policy: ImagePolicy['verify'],
  options: VerifyOptions = {},
): Promise<ImageCheck[]> {
  if (policy === 'off') return [];
  const wanted = plannedImages(plan).filter((i) => policy === 'all' || i.built);
  const credentials = options.credentials ?? credentialLookup();
  return Promise.all(
    wanted.map(async (image): Promise<ImageCheck> => {
      let ref;
      try {
        ref = parseImageReference(image.image, `used by ${image.users.join(', ')}`);
      } catch (err) {
        return { ...image, status: { state: 'malformed', detail: (err as InputError).message } };
      }
      const creds = credentials(ref.registry);
      const status = await lookupManifest(ref, {
        ...(creds ? { credentials: creds } : {}),
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      });
      return { ...image, registry: ref.registry, status };
    }),
  );
}

/** The command that builds and pushes a plan's images. */
export function buildCommand(plan: DeploymentPlan): string {
  return `stackpilot build <repo> --env ${plan.environment} --push`;
}

/** One line about an image that is not usable, naming it and its users; undefined when present. */
function problem(check: ImageCheck, plan: DeploymentPlan): PreflightFailure | undefined {
  const who = `image ${check.image} (${check.users.join(', ')})`;
  const s = check.status;
  const off = `or set stackpilot:images.verify: off when the cluster pulls through a mirror`;
  switch (s.state) {
    case 'present':
      return undefined;
    case 'missing':
      return {
        check: `image:${check.image}`,
        message: `${who} is not in its registry`,
        fix: check.built
          ? `build and push it with \`${buildCommand(plan)}\``
          : `check the name and tag, or pin another with stackpilot:components.<name>.image`,
      };
    case 'unauthorized':
      return {
        check: `image:${check.image}`,
        message: `${who} cannot be checked: ${s.detail}`,
        fix: `log in (docker login) or set STACKPILOT_REGISTRY_USERNAME and STACKPILOT_REGISTRY_PASSWORD, ${off}`,
      };
    case 'unreachable': // grouped by registry in imageFailures
    case 'error':
      return {
        check: `image:${check.image}`,
        message: `${who} cannot be checked: ${s.detail}`,
        fix: `check the registry address (stackpilot:registry), ${off}`,
      };
    case 'malformed':
      return {
        check: `image:${check.image}`,
        message: s.detail,
        fix: 'fix the image reference in the stack config or the repository',
      };
  }
}

/**
 * The preflight failures of `checks`: every image that is missing or could not be checked,
 * with the images behind one unreachable registry in one failure.
 */
export function imageFailures(checks: ImageCheck[], plan: DeploymentPlan): PreflightFailure[] {
  const unreachable = new Map<string, ImageCheck[]>();
  const failures: PreflightFailure[] = [];
  for (const c of checks) {
    if (c.status.state === 'unreachable')
      unreachable.set(c.status.detail, [...(unreachable.get(c.status.detail) ?? []), c]);
    else {
      const p = problem(c, plan);
      if (p) failures.push(p);
    }
  }
  for (const [detail, group] of unreachable)
    failures.push({
      check: `registry:${group[0]!.registry ?? ''}`,
      message: `${group.length} image(s) cannot be checked, ${detail}: ${group.map((c) => `${c.image} (${c.users.join(', ')})`).join(', ')}`,
      fix: 'check the registry address (stackpilot:registry), or set stackpilot:images.verify: off when the cluster pulls through a mirror',
    });
  return failures;
}

/** The warnings of `checks` for a render target, where nothing is pulled yet. */
export function imageWarnings(checks: ImageCheck[], plan: DeploymentPlan): string[] {
  return imageFailures(checks, plan).map(
    (f) => `${f.message}: ${f.fix}; a cluster deploy refuses until then`,
  );
}
