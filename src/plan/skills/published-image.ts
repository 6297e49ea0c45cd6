/**
 * containerize's choice between building a component and deploying the image the repository
 * publishes of it (`publishedImage` of the AppModel), as `stackpilot:images.source` says:
 * `published` deploys that image when it carries an immutable tag and no per-environment
 * build args; anything else builds from source. Either way a decision names the alternative
 * and where the published image was found.
 */
import type { Component, PublishedImage } from '../../model/app';
import type { Decision } from '../../model/plan';
import type { Environment } from '../../model/environment';
import { decision } from '../skill';
import { isPinned } from './data-catalog';

const ID = 'containerize';

const FOUND_IN: Record<PublishedImage['from'], string> = {
  compose: 'compose image: beside build:',
  manifest: "the repository's Kubernetes manifest",
  helm: "the repository's Helm values",
  skaffold: 'a skaffold artifact',
};

/** What to do with a component's published image, and the decision (and warning) saying so. */
export type PublishedChoice =
  | { deploy: true; image: string; decision: Decision }
  | { deploy: false; decision: Decision; warning?: string };

function location(p: PublishedImage): string {
  const { file, line } = p.evidence;
  return line ? `${file}:${line}` : file;
}

function where(p: PublishedImage): string {
  return `${location(p)}, ${FOUND_IN[p.from]}`;
}

/** Why the published image cannot be deployed in this environment, if it cannot. */
function obstacle(
  c: Component,
  p: PublishedImage,
  buildArgs: Record<string, string>,
): { reason: string; warning: string } | undefined {
  if (!isPinned(p.image)) {
    const why =
      p.from === 'skaffold'
        ? 'is a skaffold image name, which carries no tag'
        : /:latest$/.test(p.image)
          ? 'is tagged latest'
          : 'has no tag';
    const fix =
      p.from === 'skaffold'
        ? `skaffold names images without tags: name a pinned tag in compose, the manifests or the Helm values, or set stackpilot:components.${c.name}.image`
        : `pin a version tag or digest in ${location(p)} to deploy it`;
    return {
      reason: `${p.image} ${why}, so a deploy of it would not be reproducible`,
      warning: `${c.name}: ${location(p)} publishes ${p.image} without a pinned tag, so it is built from source although stackpilot:images.source is published; ${fix}`,
    };
  }
  const args = Object.keys(buildArgs).sort();
  if (args.length)
    return {
      reason: `${args.join(', ')} ${args.length === 1 ? 'is' : 'are'} inlined into the image at build time with this environment's values, which ${p.image} cannot carry`,
      warning: `${c.name}: built from source although stackpilot:images.source is published: its build args ${args.join(', ')} differ per environment, which the published image ${p.image} cannot`,
    };
  return undefined;
}

/**
 * The published-image choice for a component the repository builds, or `undefined` when it
 * publishes no image of it. `builtTag` is the tag the build would give (`src-<hex>`).
 */
export function publishedChoice(
  c: Component,
  env: Environment,
  builtTag: string,
  buildArgs: Record<string, string>,
): PublishedChoice | undefined {
  const p = c.publishedImage;
  if (!p) return undefined;
  const build = `build from source (${builtTag})`;
  const alternative = `published image ${p.image}`;
  const blocked = obstacle(c, p, buildArgs);
  if (env.images.source === 'build')
    return {
      deploy: false,
      decision: decision(
        ID,
        c.name,
        'image source',
        build,
        `the repository also publishes ${p.image} (${where(p)}); ${env.name} builds from source (stackpilot:images.source: build, the default), so the deployed image is exactly this source; ${
          blocked
            ? `stackpilot:images.source: published would still build it: ${blocked.reason}`
            : 'set stackpilot:images.source: published to deploy the published image instead'
        }`,
        [alternative],
      ),
    };
  if (blocked)
    return {
      deploy: false,
      decision: decision(
        ID,
        c.name,
        'image source',
        build,
        `stackpilot:images.source is published, but the image the repository publishes (${where(p)}) cannot be deployed here: ${blocked.reason}; the component is built from source`,
        [alternative],
      ),
      warning: blocked.warning,
    };
  return {
    deploy: true,
    image: p.image,
    decision: decision(
      ID,
      c.name,
      'image',
      p.image,
      `the repository publishes this image (${where(p)}) and ${env.name} sets stackpilot:images.source: published; it is deployed as published, nothing is built`,
      [build],
    ),
  };
}
