import { randomBytes } from 'node:crypto';

/** Kinds of record with a public id, and the prefix that makes each id self-describing. */
export const ID_PREFIX = {
  analysis: 'an',
  plan: 'pl',
  operation: 'op',
  approval: 'ap',
  token: 'tk',
} as const;
export type IdKind = keyof typeof ID_PREFIX;

/** A new random id: `<prefix>_<20 lowercase base32 chars>` (100 bits). */
export function newId(kind: IdKind): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  const bytes = randomBytes(20);
  let body = '';
  for (const b of bytes) body += alphabet[b & 31];
  return `${ID_PREFIX[kind]}_${body}`;
}

/** The shape of an id of `kind`, for validating ids that arrive in URLs and bodies. */
export function idPattern(kind: IdKind): RegExp {
  return new RegExp(`^${ID_PREFIX[kind]}_[a-z2-7]{20}$`);
}
