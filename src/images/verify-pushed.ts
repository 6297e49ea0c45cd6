/** After a push: the registry must hold the tag, under the digest the builder pushed. */
import type { CredentialLookup } from './credentials';
import type { Job } from './jobs';
import { lookupManifest } from './registry';

/** The digest the registry holds for `job`'s tag, or the error saying why it is not right. */
export async function verifyPushed(
  job: Job,
  pushed: string | undefined,
  credentials: CredentialLookup,
): Promise<{ digest?: string; error?: string }> {
  const who = `image ${job.plan.image} (component ${job.plan.component})`;
  const creds = credentials(job.ref.registry);
  const held = await lookupManifest(job.ref, creds ? { credentials: creds } : {});
  if (held.state === 'missing')
    return { error: `${who} was pushed, but the registry does not hold its tag` };
  if (held.state !== 'present')
    return { error: `${who} was pushed, but the registry cannot be asked: ${held.detail}` };
  if (pushed && held.digest && pushed !== held.digest)
    return {
      error: `${who}: the registry holds ${held.digest} for its tag, not the pushed ${pushed} (did another push race this one?)`,
    };
  return held.digest ? { digest: held.digest } : {};
}
