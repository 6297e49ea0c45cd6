/**
 * Puts a blob into a repository of a registry (OCI distribution API: a monolithic upload,
 * `POST …/blobs/uploads/` then `PUT <location>?digest=…`), skipped when the registry has it.
 * The in-cluster build sends its build context this way: through the registry the cluster
 * already pulls from, so nothing else has to be reachable from both sides.
 */
import { InputError } from '../model/errors';
import type { ImageReference } from './reference';
import { networkFailure, registryCall, registryUrl, type LookupOptions } from './registry';

/** Uploads `bytes` (whose digest is `digest`) to `ref`'s repository; `what` names it in errors. */
export async function pushBlob(
  ref: ImageReference,
  bytes: Buffer,
  digest: string,
  what: string,
  options: LookupOptions = {},
): Promise<void> {
  const call = registryCall(ref, 'pull,push', { timeoutMs: 60_000, ...options });
  const base = `${registryUrl(ref)}/v2/${ref.repository}/blobs`;
  const fail = (why: string): never => {
    throw new InputError(`uploading ${what} to ${ref.registry} failed: ${why}`);
  };
  const answer = async (res: Response | { refused: string }, expected: number[]) => {
    if ('refused' in res) return fail(res.refused);
    if (!expected.includes(res.status)) {
      const body = (await res.text().catch(() => '')).trim().slice(0, 200);
      fail(`${ref.registry} answered HTTP ${res.status}${body ? `: ${body}` : ''}`);
    }
    return res;
  };
  try {
    const head = await call(`${base}/${digest}`, { method: 'HEAD' });
    if (!('refused' in head) && head.status === 200) return;
    const started = await answer(await call(`${base}/uploads/`, { method: 'POST' }), [202]);
    const location = started.headers.get('location');
    if (!location) return fail('the registry named no upload location');
    const url = new URL(location, registryUrl(ref));
    url.searchParams.set('digest', digest);
    await answer(
      await call(url.toString(), {
        method: 'PUT',
        headers: { 'Content-Type': 'application/octet-stream' },
        body: bytes,
      }),
      [201, 204],
    );
  } catch (err) {
    if (err instanceof InputError) throw err;
    fail(networkFailure(ref, err));
  }
}
