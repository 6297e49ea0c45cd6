/**
 * Secret or config: the classification of one environment variable from its name, its values
 * and where they were found. A secret keeps its name, sources, the reason and a fingerprint
 * (`sha256:` + 12 hex of the value) — never the value. Rules, first match wins:
 *
 * 1. Browser-inlined names (`NEXT_PUBLIC_*`, `VITE_*`, `REACT_APP_*`): config, build-time,
 *    never secret — they end up in public JavaScript anyway.
 * 2. Secret-shaped names: `*_KEY`, `*_SECRET`, `*_TOKEN`, `*PASSWORD*`/`*_PASS`/`*_PWD`,
 *    `*_DSN`, `*_CREDENTIALS`, `*PRIVATE*`, `*_SALT`, `*_AUTH`.
 * 3. A value that is a URL with a password, or with a token-like query parameter.
 * 4. Connection-string names (`DATABASE_URL`, `REDIS_URL`, `*_BROKER_URL`…) whose value is not
 *    known: connection strings usually carry credentials, so they are assumed secret.
 * 5. A high-entropy value (≥ 24 characters, letters and digits, ≥ 3.5 bits per character).
 * 6. Otherwise config; its value, if any, is kept as `defaultValue`.
 */
import { createHash } from 'node:crypto';
import type { EnvSource, EnvVar } from '../model/app';
import { storeFromEnvName } from './detectors/datastores';

/** The reason of a variable `stackpilot.yaml` declares config, value and all. */
export const DECLARED_CONFIG_REASON = 'declared config in stackpilot.yaml';

/** One value of a variable as found, with where it came from. */
export interface EnvValue {
  source: EnvSource;
  value?: string;
}

const BUILD_TIME = /^(NEXT_PUBLIC_|VITE_|REACT_APP_)/;

const SECRET_NAMES: Array<[RegExp, string]> = [
  [/(^|_)(API_?)?KEY$/, 'name ends in _KEY'],
  [/(^|_)KEYS?_ID$|ACCESS_KEY/, 'name holds an access key'],
  [/(^|_)SECRET(S|_KEY)?($|_)/, 'name contains SECRET'],
  [/(^|_)TOKENS?$/, 'name ends in _TOKEN'],
  [/PASSWORD|PASSWD|(^|_)PASS$|(^|_)PWD$/, 'name contains PASSWORD'],
  [/(^|_)DSN$/, 'name ends in _DSN (connection string)'],
  [/CREDENTIALS?($|_)/, 'name contains CREDENTIALS'],
  [/PRIVATE/, 'name contains PRIVATE'],
  [/(^|_)SALT$/, 'name ends in _SALT'],
  [/(^|_)AUTH$/, 'name ends in _AUTH'],
  [/(^|_)WEBHOOK_SECRET$|SIGNING/, 'name contains SIGNING'],
];

const CONNECTION_NAME = /(_|^)(URL|URI)$/;

/** Placeholder values that carry nothing, in example files. */
const PLACEHOLDER =
  /^(|changeme|change-me|replace-me|xxx+|todo|your[-_ ].*|<.*>|\$\{?[A-Za-z_][A-Za-z0-9_]*(:?-[^}]*)?\}?)$/i;

/** `sha256:` + the first 12 hex digits of the value's hash. */
export function fingerprint(value: string): string {
  return `sha256:${createHash('sha256').update(value).digest('hex').slice(0, 12)}`;
}

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** True for strings that look generated (keys, tokens), not for words, paths or URLs. */
export function isHighEntropy(value: string): boolean {
  if (value.length < 24 || /[\s/:]/.test(value)) return false;
  if (!/[A-Za-z]/.test(value) || !/\d/.test(value)) return false;
  if (!/^[A-Za-z0-9+/=_.~-]+$/.test(value)) return false;
  return entropy(value) >= 3.5;
}

/** Why a URL value is secret (credentials or a token parameter), or `undefined`. */
export function urlSecretReason(value: string): string | undefined {
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/?#@\s]*)@/i.exec(value);
  if (m && m[2]!.includes(':') && m[2]!.split(':')[1]) return 'URL with credentials';
  if (
    /^https?:\/\//i.test(value) &&
    /[?&](token|key|api_?key|secret|sig|signature|password|access_token)=[^&]+/i.test(value)
  )
    return 'URL with a token parameter';
  return undefined;
}

/** Source order for which value stands for the variable: a real .env first, examples last. */
const VALUE_ORDER: EnvSource[] = [
  'spec',
  'dotenv',
  'compose',
  'dockerfile',
  'settings',
  'code',
  'dotenv-example',
];

/**
 * Classifies a variable. `values` are all the places it was seen (at least one). The result
 * has everything of `EnvVar` but `name` and `refersTo`.
 */
export function classifyEnv(
  name: string,
  values: readonly EnvValue[],
): Omit<EnvVar, 'name' | 'refersTo'> {
  const sources = [...new Set(values.map((v) => v.source))].sort(
    (a, b) => VALUE_ORDER.indexOf(a) - VALUE_ORDER.indexOf(b),
  );
  const sortedSources = [...sources].sort();
  const withValue = values
    .filter((v): v is Required<EnvValue> => v.value !== undefined && !PLACEHOLDER.test(v.value))
    .sort((a, b) => VALUE_ORDER.indexOf(a.source) - VALUE_ORDER.indexOf(b.source));
  const value = withValue[0]?.value;

  if (BUILD_TIME.test(name)) {
    return {
      classification: 'config',
      reason: 'inlined into the browser bundle at build time: public by design',
      sources: sortedSources,
      buildTime: true,
      ...(value !== undefined ? { defaultValue: value } : {}),
    };
  }
  const secret = (reason: string): Omit<EnvVar, 'name' | 'refersTo'> => ({
    classification: 'secret',
    reason,
    sources: sortedSources,
    buildTime: false,
    ...(value !== undefined ? { fingerprint: fingerprint(value) } : {}),
  });
  const byName = SECRET_NAMES.find(([re]) => re.test(name));
  if (byName) return secret(byName[1]);
  for (const v of withValue) {
    const r = urlSecretReason(v.value);
    if (r) return secret(r);
  }
  if (
    value === undefined &&
    CONNECTION_NAME.test(name) &&
    (storeFromEnvName(name) || /BROKER|BACKEND|DATABASE|_DB_/.test(name))
  )
    return secret('connection string with unknown value (may carry credentials)');
  if (withValue.some((v) => isHighEntropy(v.value))) return secret('high-entropy value');
  return {
    classification: 'config',
    reason: value !== undefined ? 'plain value' : 'no secret-like name or value',
    sources: sortedSources,
    buildTime: false,
    ...(value !== undefined ? { defaultValue: value } : {}),
  };
}

const SECRET_FLAG =
  /(--?(?:password|passwd|pass|requirepass|masterauth|secret|token|api[-_]?key|apikey|access[-_]?key|auth[-_]?token|client[-_]?secret)(?:=|\s+))("[^"]*"|'[^']*'|\S+)/gi;

/**
 * Redacts secrets inlined in free text the model keeps verbatim (commands, healthchecks,
 * notes): secret-named assignments (`API_TOKEN=…`), secret-named flags (`--requirepass …`),
 * URL passwords and high-entropy tokens. Commands are facts the planner needs; the secrets in
 * them are not.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(
      /\b([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|[^\s;&|]+)/g,
      (all, name: string, value: string) =>
        !/^\$/.test(value) &&
        classifyEnv(name, [{ source: 'code', value: value.replace(/^["']|["']$/g, '') }])
          .classification === 'secret'
          ? `${name}=<redacted>`
          : all,
    )
    .replace(SECRET_FLAG, (all, flag: string, value: string) =>
      /^\$/.test(value) ? all : `${flag}<redacted>`,
    )
    .replace(
      /(\s(?:-u|--user)(?:=|\s+))([^\s:]+):([^\s@]+)/g,
      (all, flag: string, user: string, pw: string) =>
        /^\$/.test(pw) ? all : `${flag}${user}:<redacted>`,
    )
    .replace(
      /\b([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*):([^@/?#\s]+)@/gi,
      (all, head: string, pw: string) => (/^\$/.test(pw) ? all : `${head}:<redacted>@`),
    )
    .replace(/[A-Za-z0-9+/_=.~-]{24,}/g, (token) =>
      isHighEntropy(token) && !token.includes('/') ? '<redacted>' : token,
    );
}
