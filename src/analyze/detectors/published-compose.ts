/**
 * Published images named by compose: a service with both `build:` and `image:` builds its
 * source and tags the result with that name, so the name is an image the repository
 * publishes. The service's component has the service's name and build context.
 */
import { sanitizeName } from '../paths';
import type { PublishedCandidate, PublishedContext } from './published-context';

/** Candidates from compose services that build and name their image, in service order. */
export function detectComposePublished(ctx: PublishedContext): PublishedCandidate[] {
  const out: PublishedCandidate[] = [];
  for (const svc of ctx.services) {
    if (!svc.build || !svc.image) continue;
    const name = sanitizeName(svc.name);
    const c = ctx.components.find((x) => x.name === name && x.context === svc.build!.context);
    if (!c) continue;
    out.push({
      component: c.name,
      image: svc.image.ref,
      from: 'compose',
      loc: {
        ...svc.image.loc,
        note: `compose service ${svc.name} builds ${svc.build.context} and names it ${svc.image.ref}`,
      },
    });
  }
  return out;
}
