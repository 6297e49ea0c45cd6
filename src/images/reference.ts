/**
 * Image references (`[registry/]repository[:tag][@digest]`), parsed the way Docker resolves
 * them: a first path part with a dot, a colon or `localhost` names the registry, anything
 * else is on Docker Hub, where a one-part name lives under `library/`.
 */
import { InputError } from '../model/errors';

/** A parsed image reference and the address its registry answers on. */
export interface ImageReference {
  /** The reference as written. */
  text: string;
  /** Registry host as written, or `docker.io`. */
  registry: string;
  /** `host[:port]` of the registry's API (`registry-1.docker.io` for Docker Hub). */
  apiHost: string;
  /** Repository path inside the registry, e.g. `library/redis` or `acme/app-api`. */
  repository: string;
  tag?: string;
  /** `sha256:…` when the reference pins a digest. */
  digest?: string;
  /** Whether the registry is on this machine (plain HTTP, as Docker allows for loopback). */
  loopback: boolean;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const HOST = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?$/;

/** Whether `host` (with or without port) is this machine. */
export function isLoopbackHost(host: string): boolean {
  const name = host.replace(/:[0-9]+$/, '').replace(/^\[|\]$/g, '');
  return name === 'localhost' || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name);
}

/**
 * Parses `text`; an {@link InputError} says what is wrong with it, naming `where` (for
 * example `component api`) so the user knows which image it was.
 */
export function parseImageReference(text: string, where: string): ImageReference {
  const fail = (why: string): never => {
    throw new InputError(`malformed image reference "${text}" (${where}): ${why}`);
  };
  if (!text || /\s/.test(text)) fail('it is empty or contains whitespace');
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) fail(`digest "${digest}" is not sha256: and 64 hex digits`);
  }
  let tag: string | undefined;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) fail(`tag "${tag}" is not valid (letters, digits, _ . -; at most 128)`);
  }
  const parts = rest.split('/');
  const first = parts[0]!;
  const hasRegistry =
    parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasRegistry ? first : 'docker.io';
  if (hasRegistry && !HOST.test(registry)) fail(`registry "${registry}" is not a host name`);
  const path = hasRegistry ? parts.slice(1) : parts;
  if (!path.length || path.some((p) => !COMPONENT.test(p)))
    fail(`repository "${path.join('/')}" must be lower-case parts separated by /`);
  const repository =
    registry === 'docker.io' && path.length === 1 ? `library/${path[0]}` : path.join('/');
  return {
    text,
    registry,
    apiHost: registry === 'docker.io' ? 'registry-1.docker.io' : registry,
    repository,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
    loopback: isLoopbackHost(registry),
  };
}

/** What a manifest request asks for: the digest when pinned, else the tag (`latest` when none). */
export function manifestReference(ref: ImageReference): string {
  return ref.digest ?? ref.tag ?? 'latest';
}
