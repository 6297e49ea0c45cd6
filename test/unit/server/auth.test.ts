import { strict as assert } from 'node:assert';
import { ForbiddenError } from '../../../src/model/errors';
import { authenticate, authorize } from '../../../src/server/auth';
import { UnauthenticatedError } from '../../../src/server/problem';
import {
  createToken,
  ManualClock,
  openStore,
  roleAtLeast,
  ROLES,
  type Store,
} from '../../../src/store';

describe('server: auth', () => {
  let store: Store;
  let tokens: Record<string, string>;
  beforeEach(() => {
    store = openStore({ file: ':memory:', clock: new ManualClock() });
    tokens = Object.fromEntries(ROLES.map((r) => [r, createToken(store, `t-${r}`, r).token]));
  });
  afterEach(() => store.close());

  it('orders roles viewer < deployer < approver < admin', () => {
    const table = ROLES.map((have) => ROLES.map((need) => roleAtLeast(have, need)));
    assert.deepEqual(table, [
      [true, false, false, false],
      [true, true, false, false],
      [true, true, true, false],
      [true, true, true, true],
    ]);
  });

  it('refuses missing, malformed and unknown credentials with 401 errors', () => {
    for (const header of [
      undefined,
      '',
      'Basic abc',
      'Bearer',
      'Bearer a b',
      `bearer ${tokens.admin}`,
      'Bearer sp_nope',
    ])
      assert.throws(() => authenticate(store, header), UnauthenticatedError, String(header));
    assert.deepEqual(authenticate(store, `Bearer ${tokens.approver}`), {
      name: 't-approver',
      role: 'approver',
    });
  });

  it('allows a role at or above the route’s, forbids below it, and lets anyone call public routes', () => {
    assert.deepEqual(authorize(store, 'deployer', `Bearer ${tokens.admin}`)?.role, 'admin');
    assert.throws(() => authorize(store, 'approver', `Bearer ${tokens.deployer}`), ForbiddenError);
    assert.equal(authorize(store, 'public', undefined), undefined);
    assert.equal(authorize(store, 'public', 'Bearer garbage'), undefined);
    assert.equal(authorize(store, 'public', `Bearer ${tokens.viewer}`)?.name, 't-viewer');
  });
});
