/**
 * Bad input against the real server: a corpus of malformed bodies (fast-check arbitraries),
 * paths, ids and headers gets only 4xx answers with a clear problem+json message — never a
 * 5xx — and the server stays healthy.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { ROUTES } from '../../../src/server/routes';
import {
  FIXTURES,
  FULLSTACK_PATH,
  startHarness,
  type Answer,
  type Harness,
} from './support/harness';

/** Valid bodies' field names, to build near-misses from. */
const FIELDS: Record<string, string[]> = {
  '/v1/analyses': ['path'],
  '/v1/plans': ['environment', 'analysisId', 'app'],
  '/v1/stacks/:env/previews': ['planId'],
  '/v1/stacks/:env/deployments': ['planId', 'previewOperationId'],
  '/v1/stacks/:env/rollbacks': ['project', 'to'],
  '/v1/stacks/:env/recover': ['project', 'force'],
  '/v1/approvals': ['previewOperationId', 'decision', 'comment'],
  '/v1/plans/:id/builds': ['push'],
};

/** JSON values of the wrong type for every field of every body (no field takes an object or array of these shapes). */
const wrongValue = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

/** Bodies that cannot be valid for `fields`: not an object, an unknown key, or a wrong-typed field. */
function invalidBody(fields: string[]): fc.Arbitrary<unknown> {
  const notAnObject = fc.oneof(
    fc.integer(),
    fc.string(),
    fc.constant(null),
    fc.array(fc.jsonValue(), { maxLength: 4 }),
  );
  const unknownKey = fc
    .tuple(
      fc
        .string({ minLength: 1, maxLength: 12 })
        .filter((k) => !fields.includes(k) && k !== '__proto__'),
      fc.jsonValue(),
      fc.dictionary(fc.constantFrom(...fields), fc.jsonValue(), { maxKeys: 2 }),
    )
    .map(([k, v, rest]) => ({ ...rest, [k]: v }));
  const wrongTyped = fc
    .tuple(
      fc.constantFrom(...fields),
      wrongValue,
      fc.dictionary(fc.constantFrom(...fields), fc.string(), { maxKeys: 2 }),
    )
    .map(([k, v, rest]) => ({ ...rest, [k]: v }));
  return fc.oneof(notAnObject, unknownKey, wrongTyped);
}

function isProblem4xx(res: Answer): boolean {
  return (
    res.status >= 400 &&
    res.status < 500 &&
    /^application\/problem\+json/.test(res.headers.get('content-type') ?? '') &&
    typeof res.body.detail === 'string' &&
    (res.body.detail as string).length > 0 &&
    typeof res.body.code === 'string'
  );
}

describe('server bad input (real server)', function () {
  this.timeout(300_000);
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h?.cleanup());

  const describeAnswer = (what: string, res: Answer) =>
    `${what} → ${res.status} ${res.text.slice(0, 300)}`;

  for (const route of ROUTES.filter((r) => r.body)) {
    it(`answers malformed bodies of ${route.method.toUpperCase()} ${route.path} with 4xx problems`, async () => {
      // A well-formed plan id that names no plan: the body is checked before the plan is looked up.
      const path = route.path.replace(':env', 'dev').replace(':id', `pl_${'a'.repeat(20)}`);
      const fields = FIELDS[route.path] ?? [];
      assert.ok(fields.length, `fields of ${route.path} are listed`);
      await fc.assert(
        fc.asyncProperty(invalidBody(fields), async (body) => {
          const res = await h.as('admin').call('POST', path, JSON.stringify(body), {
            'Content-Type': 'application/json',
          });
          assert.ok(
            isProblem4xx(res) && res.status === 400,
            describeAnswer(JSON.stringify(body), res),
          );
        }),
        { numRuns: 150 },
      );
    });
  }

  it('answers bytes that are not JSON with 400 malformed_json', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1 }).filter((s) => {
          try {
            JSON.parse(s);
            return false;
          } catch {
            return true;
          }
        }),
        async (text) => {
          const res = await h
            .as('admin')
            .call('POST', '/v1/plans', text, { 'Content-Type': 'application/json' });
          assert.ok(
            isProblem4xx(res) && res.body.code === 'malformed_json',
            describeAnswer(text, res),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('answers malformed paths and ids with 4xx problems', async () => {
    const fixed = [
      '/v1/operations/..%2F..%2Fetc%2Fpasswd',
      '/v1/operations/%E0%A4%A',
      '/v1/operations/%ZZ',
      '/v1/operations/op_%00',
      `/v1/operations/${'x'.repeat(5000)}`,
      '/v1/plans/sha256:zz',
      '/v1/plans/pl_aaaaaaaaaaaaaaaaaaaa/diff/..',
      '/v1/stacks/..%2Fprod/history?project=fullstack',
      '/v1/stacks/dev/history',
      '/v1/stacks/dev/history?project=UPPER',
      '/v1/stacks/dev/history?project=a&project=b',
      '/v1/stacks/nowhere/history?project=fullstack',
      '/v1/approvals?status=maybe',
      '/v1/audit?limit=-1',
      '/v1/operations/op_aaaaaaaaaaaaaaaaaaaa/events?after=x',
      '/v1/../../etc/passwd',
      '/v1/plans/%F0%9F%92%A9',
    ];
    for (const path of fixed) {
      const res = await h.as('admin').get(path);
      assert.ok(isProblem4xx(res), describeAnswer(path, res));
    }
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 80 }),
        fc.constantFrom('operations', 'plans', 'analyses'),
        async (id, kind) => {
          const path = `/v1/${kind}/${encodeURIComponent(id)}`;
          const res = await h.as('admin').get(path);
          assert.ok(isProblem4xx(res), describeAnswer(path, res));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('answers bad headers with 4xx problems', async () => {
    const viewerToken = h.tokens.viewer;
    const cases: [string, string, Record<string, string>, unknown?][] = [
      ['GET', '/v1/approvals', { Authorization: 'Basic dXNlcjpwYXNz' }],
      ['GET', '/v1/approvals', { Authorization: 'Bearer' }],
      ['GET', '/v1/approvals', { Authorization: `Bearer ${viewerToken} extra` }],
      ['GET', '/v1/approvals', { Authorization: `Bearer ${viewerToken.slice(0, -1)}` }],
      [
        'GET',
        '/v1/operations/op_aaaaaaaaaaaaaaaaaaaa/events',
        { Authorization: `Bearer ${viewerToken}`, 'Last-Event-ID': 'abc' },
      ],
      [
        'POST',
        '/v1/plans',
        {
          Authorization: `Bearer ${h.tokens.deployer}`,
          'Content-Type': 'application/json; charset=latin-9',
        },
        '{}',
      ],
      [
        'POST',
        '/v1/plans',
        { Authorization: `Bearer ${h.tokens.deployer}`, 'Content-Type': 'application/xml' },
        '<plan/>',
      ],
      [
        'POST',
        '/v1/plans',
        {
          Authorization: `Bearer ${h.tokens.deployer}`,
          'Content-Type': 'application/json',
          'Content-Encoding': 'gzip',
        },
        '{}',
      ],
      [
        'POST',
        '/v1/plans',
        { Authorization: `Bearer ${h.tokens.deployer}`, 'Content-Type': 'application/json' },
        `{"environment":"${'x'.repeat(6 * 1024 * 1024)}"}`,
      ],
    ];
    for (const [method, path, headers, body] of cases) {
      const res = await h.anonymous.call(method, path, body, headers);
      assert.ok(
        isProblem4xx(res),
        describeAnswer(`${method} ${path} ${JSON.stringify(headers).slice(0, 200)}`, res),
      );
    }
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: fc.constantFrom(...'abcXYZ019 ._~+/=-'.split('')), maxLength: 60 }),
        async (value) => {
          const res = await h.anonymous.get('/v1/approvals', { Authorization: value.trim() });
          assert.ok(isProblem4xx(res) && res.status === 401, describeAnswer(value, res));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('answers an unknown environment with 404 naming the known ones, not where the server keeps them', async () => {
    const analysis = await h
      .as('deployer')
      .expect(201, 'POST', '/v1/analyses', { path: FULLSTACK_PATH });
    const res = await h
      .as('deployer')
      .post('/v1/plans', { analysisId: analysis.id, environment: 'nowhere' });
    assert.ok(isProblem4xx(res) && res.status === 404, describeAnswer('environment nowhere', res));
    assert.equal(
      res.body.detail,
      'unknown environment "nowhere"; known environments: dev, prod, staging',
    );
    assert.ok(!res.text.includes(h.stacksDir));
  });

  it('refuses analyses outside the allowed roots: 403 for escapes, 404 for missing directories', async () => {
    for (const [path, status] of [
      [`${FIXTURES}/../..`, 403],
      ['/etc', 403],
      [`${FULLSTACK_PATH}/../../..`, 403],
      [`${FIXTURES}/no-such-app`, 404],
    ] as const) {
      const res = await h.as('deployer').post('/v1/analyses', { path });
      assert.ok(isProblem4xx(res) && res.status === status, describeAnswer(path, res));
    }
  });

  it("refuses a relative path with 400 before resolving it: the client's directory means nothing here", async () => {
    for (const path of ['.', 'fullstack', '../fixtures/fullstack']) {
      const res = await h.as('deployer').post('/v1/analyses', { path });
      assert.ok(isProblem4xx(res) && res.status === 400, describeAnswer(path, res));
      const issues = res.body.issues as { field: string; message: string }[];
      assert.equal(issues[0]?.field, 'body.path');
      assert.match(issues[0]!.message, /absolute path on the server.*POST \/v1\/plans/);
    }
  });

  it('stays healthy and has answered no request with a 5xx', async () => {
    assert.equal((await h.anonymous.get('/healthz')).status, 200);
    assert.equal((await h.anonymous.get('/readyz')).status, 200);
    const metrics = (await h.anonymous.get('/metrics')).text;
    assert.match(metrics, /stackpilot_http_requests_total\{[^}]*status="400"\}/);
    assert.doesNotMatch(metrics, /stackpilot_http_requests_total\{[^}]*status="5\d\d"\}/);
  });
});
