/**
 * API tokens. Only the sha256 of a token is stored: the plaintext is returned once, by
 * `create`, and cannot be recovered from the database.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { ConflictError, InputError } from '../model/errors';
import type { Clock } from './clock';
import { newId } from './ids';
import { RoleSchema, type Role } from './roles';

/** A token as stored: never its plaintext. */
export interface TokenRecord {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  revokedAt?: string;
}

/** What `create` hands back: the record and, this once, the plaintext token. */
export interface CreatedToken extends TokenRecord {
  token: string;
}

interface TokenRow {
  id: string;
  name: string;
  role: string;
  created_at: string;
  revoked_at: string | null;
}

const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** The stored form of a token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export class TokenRepository {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /**
   * Creates a token named `name` (unique; letters, digits and `._@-`) with `role`. The
   * plaintext (`sp_` + 43 base64url chars) is in the result and nowhere else.
   */
  create(name: string, role: Role): CreatedToken {
    const issues = [];
    if (!TOKEN_NAME.test(name))
      issues.push({ field: 'name', message: 'letters, digits and ._@- only, at most 64' });
    if (!RoleSchema.safeParse(role).success)
      issues.push({ field: 'role', message: `one of ${RoleSchema.options.join(', ')}` });
    if (issues.length) throw new InputError('invalid token', issues);
    const token = `sp_${randomBytes(32).toString('base64url')}`;
    const record: TokenRecord = {
      id: newId('token'),
      name,
      role,
      createdAt: this.clock.now().toISOString(),
    };
    try {
      this.db
        .prepare('INSERT INTO tokens (id, name, role, hash, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(record.id, name, role, hashToken(token), record.createdAt);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE')
        throw new ConflictError(`a token named ${name} exists already`, 'token_exists');
      throw err;
    }
    return { ...record, token };
  }

  /** The live (unrevoked) token with this plaintext, or undefined. */
  verify(token: string): TokenRecord | undefined {
    const row = this.db
      .prepare('SELECT * FROM tokens WHERE hash = ? AND revoked_at IS NULL')
      .get(hashToken(token)) as TokenRow | undefined;
    return row && toRecord(row);
  }

  /** Every token, by name. */
  list(): TokenRecord[] {
    return (this.db.prepare('SELECT * FROM tokens ORDER BY name').all() as TokenRow[]).map(
      toRecord,
    );
  }

  /** Revokes the token named `name`; true when there was a live one. */
  revoke(name: string): boolean {
    return (
      this.db
        .prepare('UPDATE tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL')
        .run(this.clock.now().toISOString(), name).changes === 1
    );
  }
}

function toRecord(row: TokenRow): TokenRecord {
  return {
    id: row.id,
    name: row.name,
    role: RoleSchema.parse(row.role),
    createdAt: row.created_at,
    ...(row.revoked_at ? { revokedAt: row.revoked_at } : {}),
  };
}
