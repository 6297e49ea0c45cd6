/**
 * The two per-environment names a chart takes from its release rather than from values: the
 * namespace (`.Release.Namespace`) and the `app.kubernetes.io/instance` label value. Strings of
 * each environment's objects have them replaced by markers before the environments are
 * compared, so `redis.shop-dev.svc` and `redis.shop-prod.svc` are one template string.
 */
import { isMap, type Json } from './json';

/** The token kinds, as markers inside a string. */
export const TOKENS = { namespace: '\u0000ns\u0000', instance: '\u0000instance\u0000' } as const;
export type Token = keyof typeof TOKENS;

/** A piece of a tokenized string: literal text or a token. */
export type Piece = string | { token: Token };

/** What one environment calls its namespace and its instance. */
export interface EnvNames {
  namespace: string;
  instance: string;
}

/**
 * `v` with the environment's names tokenized: a string equal to the instance label value
 * becomes the instance token, and the namespace becomes the namespace token wherever it stands
 * as a whole DNS label (`redis.shop-dev.svc`, never `shop-dev2`).
 */
export function tokenize(v: Json, names: EnvNames): Json {
  if (typeof v === 'string') return tokenizeString(v, names);
  if (Array.isArray(v)) return v.map((x) => tokenize(x, names));
  if (isMap(v))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, tokenize(x, names)]));
  return v;
}

function tokenizeString(s: string, { namespace, instance }: EnvNames): string {
  if (s === instance) return TOKENS.instance;
  const escaped = namespace.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return s.replace(new RegExp(`(?<![a-z0-9-])${escaped}(?![a-z0-9-])`, 'g'), TOKENS.namespace);
}

/** Whether a (tokenized) string holds a token. */
export function hasToken(s: string): boolean {
  return s.includes('\u0000');
}

/** A tokenized string split into its pieces. */
export function pieces(s: string): Piece[] {
  const out: Piece[] = [];
  for (const part of s.split(new RegExp(`(${TOKENS.namespace}|${TOKENS.instance})`))) {
    if (part === TOKENS.namespace) out.push({ token: 'namespace' });
    else if (part === TOKENS.instance) out.push({ token: 'instance' });
    else if (part) out.push(part);
  }
  return out;
}
