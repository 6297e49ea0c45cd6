import { strict as assert } from 'node:assert';
import { ConflictError, InputError } from '../../../src/model/errors';
import { createToken, hashToken, ManualClock, openStore, type Store } from '../../../src/store';

describe('store: tokens', () => {
  let store: Store;
  beforeEach(() => {
    store = openStore({ file: ':memory:', clock: new ManualClock('2030-05-01T10:00:00Z') });
  });
  afterEach(() => store.close());

  it('returns the plaintext once and stores only its sha256', () => {
    const created = createToken(store, 'ci-bot', 'deployer');
    assert.match(created.token, /^sp_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(
      { name: created.name, role: created.role, createdAt: created.createdAt },
      { name: 'ci-bot', role: 'deployer', createdAt: '2030-05-01T10:00:00.000Z' },
    );
    const rows = store.db.prepare('SELECT * FROM tokens').all() as Record<string, unknown>[];
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.hash, hashToken(created.token));
    assert.ok(
      !JSON.stringify(rows).includes(created.token),
      'the plaintext is nowhere in the table',
    );
    assert.deepEqual(store.tokens.verify(created.token)?.name, 'ci-bot');
  });

  it('verifies nothing for an unknown or revoked token', () => {
    const created = createToken(store, 'alice', 'approver');
    assert.equal(store.tokens.verify(`${created.token}x`), undefined);
    assert.equal(store.tokens.revoke('alice'), true);
    assert.equal(store.tokens.verify(created.token), undefined);
    assert.equal(store.tokens.revoke('alice'), false);
  });

  it('refuses a second token with the same name, and reports every invalid field', () => {
    createToken(store, 'bob', 'viewer');
    assert.throws(() => createToken(store, 'bob', 'admin'), ConflictError);
    assert.throws(
      // @ts-expect-error an invalid role, as the CLI could pass it
      () => createToken(store, 'bad name!', 'root'),
      (err: unknown) =>
        err instanceof InputError &&
        JSON.stringify(err.issues.map((i) => i.field)) === JSON.stringify(['name', 'role']),
    );
  });
});
