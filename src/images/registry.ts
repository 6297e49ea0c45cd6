/**
 * The one call stackpilot makes to image registries: does this manifest exist, and under
 * which digest (OCI distribution API, `HEAD /v2/<repository>/manifests/<tag or digest>`).
 * Handles the two auth schemes registries use: Basic, and Bearer tokens from the realm named
 * in `WWW-Authenticate` (Docker Hub, GHCR, ECR, GAR, Harbor). Loopback registries are asked
 * over plain HTTP, every other over HTTPS. Every request is bounded by a timeout.
 */
import type { RegistryCredentials } from './credentials';
import { manifestReference, type ImageReference } from './reference';

/** Media types a manifest HEAD accepts: OCI and Docker, single images and indexes. */
const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** What a registry said about one manifest. */
export type ManifestStatus =
  | { state: 'present'; digest?: string }
  | { state: 'missing' }
  | { state: 'unauthorized'; detail: string }
  | { state: 'unreachable'; detail: string }
  | { state: 'error'; detail: string };

/** How a manifest lookup is made. */
export interface LookupOptions {
  credentials?: RegistryCredentials;
  /** Milliseconds per request. Default 10 000. */
  timeoutMs?: number;
  /** The fetch to use (tests pass none: the real one talks to a real registry). */
  fetch?: typeof fetch;
}

/** The registry's base URL for `ref`. */
export function registryUrl(ref: ImageReference): string {
  return `${ref.loopback ? 'http' : 'https'}://${ref.apiHost}`;
}

/** Parses `Bearer realm="…",service="…",scope="…"` (or `Basic realm="…"`). */
export function parseChallenge(
  header: string,
): { scheme: string; params: Record<string, string> } | undefined {
  const m = /^\s*(\w+)\s*(.*)$/.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const p of m[2]!.matchAll(/(\w+)="([^"]*)"/g)) params[p[1]!.toLowerCase()] = p[2]!;
  return { scheme: m[1]!.toLowerCase(), params };
}

function basic(c: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
}

function describeNetworkError(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'no answer in time';
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}

/** Gets a Bearer token from the challenge's realm for `scope`, with the credentials when given. */
async function token(
  params: Record<string, string>,
  scope: string,
  opts: Required<Pick<LookupOptions, 'timeoutMs' | 'fetch'>> & LookupOptions,
): Promise<{ token?: string; status?: number }> {
  const realm = params.realm;
  if (!realm) return {};
  const url = new URL(realm);
  if (params.service) url.searchParams.set('service', params.service);
  url.searchParams.set('scope', scope);
  const res = await opts.fetch(url, {
    headers: opts.credentials ? { Authorization: basic(opts.credentials) } : {},
    signal: AbortSignal.timeout(opts.timeoutMs),
  });
  if (!res.ok) return { status: res.status };
  const body = (await res.json()) as { token?: string; access_token?: string };
  return { token: body.token ?? body.access_token };
}

/** One registry request, answering a 401 challenge (Bearer for `actions`, or Basic) once. */
export type RegistryCall = (
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: Buffer },
) => Promise<Response | { refused: string }>;

/**
 * A request function for `ref`'s repository with `actions` (`pull`, `pull,push`) that logs in
 * the way the registry's challenge asks. Network errors reject; a refused token is `refused`.
 */
export function registryCall(
  ref: ImageReference,
  actions: string,
  options: LookupOptions = {},
): RegistryCall {
  const opts = { timeoutMs: 10_000, fetch: globalThis.fetch, ...options };
  let authorization: string | undefined;
  const send = (url: string, init: Parameters<RegistryCall>[1]) =>
    opts.fetch(url, {
      method: init.method,
      headers: { ...init.headers, ...(authorization ? { Authorization: authorization } : {}) },
      ...(init.body ? { body: init.body } : {}),
      redirect: 'follow',
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
  return async (url, init) => {
    const res = await send(url, init);
    if (res.status !== 401 || authorization) return res;
    const challenge = parseChallenge(res.headers.get('www-authenticate') ?? '');
    if (challenge?.scheme === 'bearer') {
      const got = await token(challenge.params, `repository:${ref.repository}:${actions}`, opts);
      if (!got.token)
        return {
          refused: `the token service refused ${opts.credentials ? 'the credentials' : 'anonymous access'}${got.status ? ` (HTTP ${got.status})` : ''}`,
        };
      authorization = `Bearer ${got.token}`;
    } else if (challenge?.scheme === 'basic' && opts.credentials) {
      authorization = basic(opts.credentials);
    } else return res;
    return send(url, init);
  };
}

/** Describes a fetch failure (refused, unknown host, timeout) in a few words. */
export function networkFailure(ref: ImageReference, err: unknown): string {
  return `${registryUrl(ref)} cannot be reached: ${describeNetworkError(err)}`;
}

/**
 * Looks up `ref`'s manifest. Never throws: an unreachable registry, a refused login or an
 * unexpected answer is a status with its detail (which never holds a credential).
 */
export async function lookupManifest(
  ref: ImageReference,
  options: LookupOptions = {},
): Promise<ManifestStatus> {
  const call = registryCall(ref, 'pull', options);
  const url = `${registryUrl(ref)}/v2/${ref.repository}/manifests/${manifestReference(ref)}`;
  try {
    const res = await call(url, { method: 'HEAD', headers: { Accept: ACCEPT } });
    if ('refused' in res) return { state: 'unauthorized', detail: res.refused };
    if (res.status === 401 || res.status === 403)
      return {
        state: 'unauthorized',
        detail: `${ref.registry} answered HTTP ${res.status} ${options.credentials ? 'to the stored credentials' : 'without credentials'}`,
      };
    if (res.status === 404) return { state: 'missing' };
    if (!res.ok) return { state: 'error', detail: `${ref.registry} answered HTTP ${res.status}` };
    const digest = res.headers.get('docker-content-digest') ?? undefined;
    return { state: 'present', ...(digest ? { digest } : {}) };
  } catch (err) {
    return { state: 'unreachable', detail: networkFailure(ref, err) };
  }
}
