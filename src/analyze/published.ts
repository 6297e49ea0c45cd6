/**
 * Published images: the image a repository names for a component it also builds, found by
 * one detector per kind of file and attached to the component as `publishedImage`. Only
 * components built from source (a Dockerfile or a generated one) get one: a prebuilt image has
 * nothing to choose between.
 *
 * Precedence when several files name one: compose (`image:` beside `build:`), then the
 * repository's Kubernetes manifests, then its Helm values, then skaffold.yaml; within one kind
 * the first in file order. Every detector runs, so that a malformed file is reported even when
 * a higher one already named the image.
 */
import type { Component } from '../model/app';
import type { ComposeService } from './detectors/compose';
import { detectComposePublished } from './detectors/published-compose';
import type { PublishedCandidate, PublishedDetector } from './detectors/published-context';
import { detectHelmPublished } from './detectors/published-helm';
import { detectManifestPublished } from './detectors/published-manifests';
import { detectSkaffoldPublished } from './detectors/published-skaffold';
import { toEvidence } from './edges';
import { compareStrings } from './paths';
import type { Repo } from './repo';
import type { WarningSink } from './warnings';

/** Published-image detectors, highest precedence first. */
export const PUBLISHED_DETECTORS: readonly PublishedDetector[] = [
  detectComposePublished,
  detectManifestPublished,
  detectHelmPublished,
  detectSkaffoldPublished,
];

/** What the published-image detectors read besides the components. */
export interface PublishedInput {
  repo: Repo;
  warnings: WarningSink;
  appName: string;
  services: readonly ComposeService[];
}

/** The components with `publishedImage` set where a file names one, in the same order. */
export function withPublishedImages(
  components: readonly Component[],
  input: PublishedInput,
): Component[] {
  const built = components
    .flatMap((c) =>
      c.build.strategy === 'image' ? [] : [{ name: c.name, context: c.build.context }],
    )
    .sort((a, b) => compareStrings(a.name, b.name));
  if (!built.length) return [...components];
  const ctx = { ...input, components: built };
  const found = new Map<string, PublishedCandidate>();
  for (const detect of PUBLISHED_DETECTORS)
    for (const candidate of detect(ctx))
      if (!found.has(candidate.component)) found.set(candidate.component, candidate);
  return components.map((c) => {
    const p = found.get(c.name);
    if (!p) return c;
    return {
      ...c,
      publishedImage: {
        image: p.image,
        from: p.from,
        evidence: toEvidence('publishedImage', p.loc),
      },
    };
  });
}
