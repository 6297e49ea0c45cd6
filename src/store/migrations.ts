/**
 * The database schema as numbered migrations. Each runs once, inside one transaction with
 * the row that records it, so that a crash mid-migration leaves the previous version intact.
 * Never edit a released migration: add the next number.
 */
import type { Database } from 'better-sqlite3';

/** One schema step. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  /**
   * The migration rebuilds a table others reference (SQLite cannot change a CHECK in place):
   * foreign keys are off while it runs, as SQLite's documented procedure says, and checked
   * before it commits.
   */
  rebuildsTables?: true;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE tokens (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE,
        role        TEXT NOT NULL CHECK (role IN ('viewer', 'deployer', 'approver', 'admin')),
        hash        TEXT NOT NULL UNIQUE,
        created_at  TEXT NOT NULL,
        revoked_at  TEXT
      );

      CREATE TABLE analyses (
        id          TEXT PRIMARY KEY,
        app         TEXT NOT NULL,
        path        TEXT NOT NULL,
        model_hash  TEXT NOT NULL,
        model       TEXT NOT NULL,
        requester   TEXT NOT NULL,
        created_at  TEXT NOT NULL
      );

      CREATE TABLE plans (
        id           TEXT PRIMARY KEY,
        hash         TEXT NOT NULL UNIQUE,
        app          TEXT NOT NULL,
        environment  TEXT NOT NULL,
        analysis_id  TEXT REFERENCES analyses (id),
        plan         TEXT NOT NULL,
        requester    TEXT NOT NULL,
        created_at   TEXT NOT NULL
      );

      CREATE TABLE operations (
        id                    TEXT PRIMARY KEY,
        kind                  TEXT NOT NULL CHECK (kind IN ('preview', 'up', 'rollback', 'recover')),
        project               TEXT NOT NULL,
        environment           TEXT NOT NULL,
        plan_id               TEXT REFERENCES plans (id),
        plan_hash             TEXT,
        preview_operation_id  TEXT REFERENCES operations (id),
        base_operation_id     TEXT REFERENCES operations (id),
        requester             TEXT NOT NULL,
        status                TEXT NOT NULL CHECK (status IN
                                ('queued', 'running', 'succeeded', 'failed', 'interrupted', 'rejected')),
        approval_required     INTEGER NOT NULL DEFAULT 0,
        approval_ttl_minutes  INTEGER,
        update_plan           TEXT,
        params                TEXT NOT NULL DEFAULT '{}',
        result                TEXT,
        error                 TEXT,
        created_at            TEXT NOT NULL,
        started_at            TEXT,
        finished_at           TEXT
      );
      CREATE INDEX operations_stack ON operations (project, environment);
      CREATE INDEX operations_status ON operations (status);

      CREATE TABLE operation_events (
        operation_id  TEXT NOT NULL REFERENCES operations (id),
        seq           INTEGER NOT NULL,
        event         TEXT NOT NULL,
        at            TEXT NOT NULL,
        PRIMARY KEY (operation_id, seq)
      ) WITHOUT ROWID;

      CREATE TABLE approvals (
        id                    TEXT PRIMARY KEY,
        preview_operation_id  TEXT NOT NULL UNIQUE REFERENCES operations (id),
        plan_hash             TEXT NOT NULL,
        project               TEXT NOT NULL,
        environment           TEXT NOT NULL,
        approver              TEXT NOT NULL,
        decision              TEXT NOT NULL CHECK (decision IN ('approve', 'reject')),
        comment               TEXT,
        created_at            TEXT NOT NULL,
        expires_at            TEXT NOT NULL,
        used_by_operation     TEXT UNIQUE REFERENCES operations (id),
        used_at               TEXT
      );

      CREATE TABLE audit_log (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        at          TEXT NOT NULL,
        who         TEXT NOT NULL,
        action      TEXT NOT NULL,
        target      TEXT NOT NULL,
        outcome     TEXT NOT NULL,
        request_id  TEXT,
        detail      TEXT
      );
    `,
  },
  {
    version: 2,
    name: 'operations may be image builds',
    rebuildsTables: true,
    sql: `
      CREATE TABLE operations_v2 (
        id                    TEXT PRIMARY KEY,
        kind                  TEXT NOT NULL CHECK (kind IN ('preview', 'up', 'rollback', 'recover', 'build')),
        project               TEXT NOT NULL,
        environment           TEXT NOT NULL,
        plan_id               TEXT REFERENCES plans (id),
        plan_hash             TEXT,
        preview_operation_id  TEXT REFERENCES operations (id),
        base_operation_id     TEXT REFERENCES operations (id),
        requester             TEXT NOT NULL,
        status                TEXT NOT NULL CHECK (status IN
                                ('queued', 'running', 'succeeded', 'failed', 'interrupted', 'rejected')),
        approval_required     INTEGER NOT NULL DEFAULT 0,
        approval_ttl_minutes  INTEGER,
        update_plan           TEXT,
        params                TEXT NOT NULL DEFAULT '{}',
        result                TEXT,
        error                 TEXT,
        created_at            TEXT NOT NULL,
        started_at            TEXT,
        finished_at           TEXT
      );
      INSERT INTO operations_v2 SELECT * FROM operations;
      DROP TABLE operations;
      ALTER TABLE operations_v2 RENAME TO operations;
      CREATE INDEX operations_stack ON operations (project, environment);
      CREATE INDEX operations_status ON operations (status);
    `,
  },
];

/**
 * Brings the database up to the newest migration. Each pending migration and its bookkeeping
 * row commit together. Returns the versions applied now (empty when already current).
 */
export function migrate(
  db: Database,
  now: () => Date = () => new Date(),
  migrations: readonly Migration[] = MIGRATIONS,
): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS migrations (
    version     INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    applied_at  TEXT NOT NULL
  )`);
  const applied = new Set(
    (db.prepare('SELECT version FROM migrations').all() as { version: number }[]).map(
      (r) => r.version,
    ),
  );
  const done: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    // Outside the transaction: SQLite ignores this pragma inside one.
    if (m.rebuildsTables) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(m.sql);
        if (m.rebuildsTables) {
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length)
            throw new Error(`migration ${m.version} would break ${broken.length} reference(s)`);
        }
        db.prepare('INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
          m.version,
          m.name,
          now().toISOString(),
        );
      })();
    } finally {
      if (m.rebuildsTables) db.pragma('foreign_keys = ON');
    }
    done.push(m.version);
  }
  return done;
}
