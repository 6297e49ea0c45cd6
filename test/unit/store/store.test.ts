import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { ManualClock, migrate, MIGRATIONS, openStore } from '../../../src/store';

describe('store: database file and migrations', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stackpilot-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates <stateDir>/stackpilot.db in WAL mode with foreign keys and records each migration once', () => {
    const store = openStore({ stateDir: dir });
    assert.equal(store.db.name, join(dir, 'stackpilot.db'));
    assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(store.db.pragma('foreign_keys', { simple: true }), 1);
    const versions = store.db.prepare('SELECT version FROM migrations ORDER BY version').all();
    assert.deepEqual(
      versions,
      MIGRATIONS.map((m) => ({ version: m.version })),
    );
    store.close();
    const again = openStore({ stateDir: dir });
    assert.equal(
      (again.db.prepare('SELECT COUNT(*) AS n FROM migrations').get() as { n: number }).n,
      MIGRATIONS.length,
    );
    again.close();
  });

  it('applies a failing migration not at all: its statements and its record roll back together', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db);
    const bad = [
      { version: 99, name: 'broken', sql: 'CREATE TABLE half (x INTEGER); SELECT * FROM nope;' },
    ];
    assert.throws(() => migrate(db, () => new Date(), [...MIGRATIONS, ...bad]), /no such table/);
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'half'")
      .all();
    assert.deepEqual(tables, []);
    assert.deepEqual(db.prepare('SELECT version FROM migrations WHERE version = 99').all(), []);
    db.close();
  });

  it('migrates a version-1 database to build operations keeping every operation, event and reference', () => {
    const db = new BetterSqlite3(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, () => new Date(), MIGRATIONS.slice(0, 1));
    const at = '2026-12-01T00:00:00.000Z';
    db.prepare(
      `INSERT INTO operations (id, kind, project, environment, requester, status, created_at)
       VALUES ('op_1', 'preview', 'app', 'prod', 'ci', 'succeeded', ?)`,
    ).run(at);
    db.prepare(
      `INSERT INTO operations (id, kind, project, environment, preview_operation_id, requester, status, created_at)
       VALUES ('op_2', 'up', 'app', 'prod', 'op_1', 'ci', 'succeeded', ?)`,
    ).run(at);
    assert.throws(
      () =>
        db
          .prepare(
            `INSERT INTO operations (id, kind, project, environment, requester, status, created_at)
             VALUES ('op_b', 'build', 'app', 'prod', 'ci', 'queued', ?)`,
          )
          .run(at),
      /CHECK/,
    );
    const eventCols = (
      db.prepare('PRAGMA table_info(operation_events)').all() as { name: string }[]
    ).map((c) => c.name);
    assert.ok(eventCols.includes('operation_id'), eventCols.join(','));

    assert.deepEqual(migrate(db), [2]);
    db.prepare(
      `INSERT INTO operations (id, kind, project, environment, requester, status, created_at)
       VALUES ('op_3', 'build', 'app', 'prod', 'ci', 'queued', ?)`,
    ).run(at);
    assert.deepEqual(
      db.prepare('SELECT id, kind, preview_operation_id AS p FROM operations ORDER BY id').all(),
      [
        { id: 'op_1', kind: 'preview', p: null },
        { id: 'op_2', kind: 'up', p: 'op_1' },
        { id: 'op_3', kind: 'build', p: null },
      ],
    );
    assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
    assert.deepEqual(db.pragma('foreign_key_check'), []);
    // References into the rebuilt table still hold.
    assert.throws(
      () =>
        db
          .prepare(
            `INSERT INTO operations (id, kind, project, environment, preview_operation_id, requester, status, created_at)
             VALUES ('op_4', 'up', 'app', 'prod', 'op_nope', 'ci', 'queued', ?)`,
          )
          .run(at),
      /FOREIGN KEY/,
    );
    db.close();
  });

  it('enforces foreign keys: an event of an unknown operation is refused', () => {
    const store = openStore({ file: ':memory:', clock: new ManualClock() });
    assert.throws(
      () => store.events.append('op_unknown', { sequence: 1, kind: 'summary' }),
      /FOREIGN KEY/,
    );
    store.close();
  });

  it('rolls a transaction back as a whole', () => {
    const store = openStore({ file: ':memory:', clock: new ManualClock() });
    assert.throws(() =>
      store.transaction(() => {
        store.audit.record({ who: 'a', action: 'x', target: 't', outcome: 'ok' });
        throw new Error('boom');
      }),
    );
    assert.equal(store.audit.count(), 0);
    store.close();
  });
});
