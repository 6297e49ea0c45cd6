/**
 * The auth matrix: every route × every role (and no token) against the real server, each
 * expecting the route's success status, 401 or 403 by the role written out below — and each
 * request in the audit log under its request id, with who and the outcome.
 */
import { strict as assert } from 'node:assert';
import { ROUTES } from '../../../src/server/routes';
import type { Role } from '../../../src/store';
import { EXPECTED_ACCESS, LADDER } from '../../support/route-roles';
import { FULLSTACK_PATH, startHarness, type Harness } from './support/harness';

type Caller = Role | 'anonymous';
const CALLERS: Caller[] = ['anonymous', ...LADDER];

/** Routes whose answer for an allowed caller is not their success on the matrix's render stack. */
const ON_RENDER_STACK: Record<string, number> = {
  // A render target has no live cluster to compare with: a 400, after the role check.
  'get /v1/stacks/:env/drift': 400,
  'get /v1/stacks/:env/diagnosis': 400,
};

function success(path: string, method: string): number {
  const own = ON_RENDER_STACK[`${method} ${path}`];
  if (own !== undefined) return own;
  // The documented success status (which status, not who may get it, is the route's to say).
  const route = ROUTES.find((r) => r.path === path && r.method === method);
  return Number(Object.keys(route?.responses ?? {})[0]);
}

describe('server auth matrix (real engine)', function () {
  this.timeout(600_000);
  let h: Harness;
  let fill: (path: string) => string;
  let bodies: Record<string, (caller: Caller) => unknown>;
  let queries: Record<string, string>;

  before(async () => {
    h = await startHarness({ extraEnvs: ['matrix'] });
    const deployer = h.as('deployer');
    const analysis = await deployer.expect(201, 'POST', '/v1/analyses', { path: FULLSTACK_PATH });
    const plan = await deployer.expect(201, 'POST', '/v1/plans', {
      analysisId: analysis.id,
      environment: 'matrix',
    });
    // Succeeded previews by the deployer, one for each role that may decide on one.
    const previewFor: Partial<Record<Caller, string>> = {};
    for (const who of ['approver', 'admin'] as const)
      previewFor[who] = String(
        (await deployer.run('/v1/stacks/matrix/previews', { planId: plan.id })).id,
      );
    const anyPreview = previewFor.admin ?? '';
    const params: Record<string, string> = {
      ':env': 'matrix',
      ':id': '',
      ':a': String(plan.id),
      ':b': String(plan.id),
    };
    fill = (path) =>
      path
        .replace(':env', params[':env'] ?? '')
        .replace(':a', params[':a'] ?? '')
        .replace(':b', params[':b'] ?? '')
        .replace(
          ':id',
          path.startsWith('/v1/analyses')
            ? String(analysis.id)
            : path.startsWith('/v1/plans')
              ? String(plan.id)
              : anyPreview,
        );
    bodies = {
      '/v1/analyses': () => ({ path: FULLSTACK_PATH }),
      '/v1/plans': () => ({ analysisId: analysis.id, environment: 'matrix' }),
      // Accepted, then fails offline (the base images cannot be pulled): access is the point.
      '/v1/plans/:id/builds': () => ({}),
      '/v1/stacks/:env/previews': () => ({ planId: plan.id }),
      '/v1/stacks/:env/deployments': () => ({ planId: plan.id }),
      '/v1/stacks/:env/rollbacks': () => ({ project: 'fullstack', to: plan.hash }),
      '/v1/stacks/:env/recover': () => ({ project: 'fullstack' }),
      '/v1/approvals': (caller) => ({
        previewOperationId: previewFor[caller] ?? anyPreview,
        decision: 'approve',
      }),
    };
    queries = {
      '/v1/stacks/:env/history': '?project=fullstack',
      '/v1/stacks/:env/current': '?project=fullstack',
      '/v1/stacks/:env/drift': '?project=fullstack',
      '/v1/stacks/:env/diagnosis': '?project=fullstack',
      '/v1/approvals': '?status=all',
    };
  });
  after(async () => h?.cleanup());

  it('answers every route × role with the success status, 401 or 403 as the expected-role table says', async () => {
    const expected: string[] = [];
    const actual: string[] = [];
    const sent: { requestId: string; caller: Caller; status: number }[] = [];
    let n = 0;
    // The server has exactly the routes of the table (so none goes unchecked below).
    assert.deepEqual(
      ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort(),
      Object.keys(EXPECTED_ACCESS).sort(),
    );
    for (const [key, access] of Object.entries(EXPECTED_ACCESS)) {
      const [upper = '', path = ''] = key.split(' ');
      const route = { method: upper.toLowerCase() as 'get' | 'post', path };
      for (const caller of CALLERS) {
        const status =
          access === 'public'
            ? success(route.path, route.method)
            : caller === 'anonymous'
              ? 401
              : LADDER.indexOf(caller) >= LADDER.indexOf(access)
                ? success(route.path, route.method)
                : 403;
        const key = `${route.method.toUpperCase()} ${route.path} as ${caller}`;
        expected.push(`${key} → ${status}`);
        const requestId = `matrix-${n++}`;
        const client = caller === 'anonymous' ? h.anonymous : h.as(caller);
        const body = route.method === 'post' ? bodies[route.path]?.(caller) : undefined;
        const res = await client.call(
          route.method.toUpperCase(),
          `${fill(route.path)}${route.method === 'get' ? (queries[route.path] ?? '') : ''}`,
          body,
          { 'X-Request-Id': requestId },
        );
        actual.push(`${key} → ${res.status}`);
        sent.push({ requestId, caller, status: res.status });
        // Let an accepted operation end before the next request: this test is about who may
        // call what, not about engine reads racing a running update (see concurrency.test.ts).
        if (res.status === 202) await h.as('viewer').settle(String(res.body.operationId));
      }
    }
    assert.deepEqual(actual, expected);

    const audit = await h.as('admin').expect(200, 'GET', '/v1/audit?limit=5000');
    // The request's own entry (`METHOD /path`); decisions it led to have entries of their own.
    const byRequest = new Map(
      (audit.entries as { requestId?: string; action: string; who: string; outcome: string }[])
        .filter((e) => e.action.includes(' '))
        .map((e) => [e.requestId, e]),
    );
    assert.deepEqual(
      sent.map((s) => {
        const e = byRequest.get(s.requestId);
        return `${s.requestId} ${e?.who} ${e?.outcome}`;
      }),
      sent.map((s) => `${s.requestId} ${s.caller} ${s.status}`),
    );
  });
});
