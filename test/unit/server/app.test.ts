/**
 * The HTTP layer over a fake engine and pipeline: auth, strict input, problem+json, routing,
 * metrics, OpenAPI and the audit trail. (The real engine is in test/integration/server/.)
 */
import { strict as assert } from 'node:assert';
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../../src/server/app';
import type { AppDeps } from '../../../src/server/deps';
import { ROUTES } from '../../../src/server/routes';
import { EXPECTED_ACCESS, LADDER } from '../../support/route-roles';
import { APP, fakeDeps, type fakePipeline, type Tokens } from './support/fakes';

/** Well-formed ids for the path parameters (the role check comes before any lookup). */
const SAMPLE_PARAMS: Record<string, string> = {
  ':id': 'op_aaaaaaaaaaaaaaaaaaaa',
  ':a': 'pl_aaaaaaaaaaaaaaaaaaaa',
  ':b': 'pl_bbbbbbbbbbbbbbbbbbbb',
  ':env': 'dev',
};

describe('server: HTTP layer (fake engine)', () => {
  let deps: AppDeps;
  let tokens: Tokens;
  let pipeline: ReturnType<typeof fakePipeline>;
  let app: Express;
  beforeEach(() => {
    ({ deps, tokens, pipeline } = fakeDeps());
    app = createApp(deps);
  });
  afterEach(() => deps.store.close());

  const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });

  it('answers /healthz without a token, and /readyz 200 ready when the database and the engine are', async () => {
    await request(app).get('/healthz').expect(200, { status: 'ok' });
    deps.engineReady = () => true;
    await request(app)
      .get('/readyz')
      .expect(200, { status: 'ready', checks: { database: true, engine: true } });
  });

  it('answers /readyz 503 not-ready when the engine toolchain is missing, or the database', async () => {
    deps.engineReady = () => false;
    await request(app)
      .get('/readyz')
      .expect(503, { status: 'not-ready', checks: { database: true, engine: false } });
    deps.engineReady = () => true;
    deps.store.ping = () => false;
    await request(app)
      .get('/readyz')
      .expect(503, { status: 'not-ready', checks: { database: false, engine: true } });
  });

  it('answers GET /current of a stack whose state a killed update damaged with 409 naming recover', async () => {
    deps.engine.inspect = async (project, environment) => ({
      project,
      environment,
      exists: true,
      locks: [],
      pendingOperations: [],
      damaged:
        "the stack's state cannot be read (failed to load checkpoint: EOF); `stackpilot recover` repairs what a killed update leaves",
    });
    const res = await request(app)
      .get('/v1/stacks/dev/current?project=shop')
      .set(bearer(tokens.viewer))
      .expect(409);
    assert.equal(res.body.code, 'state_damaged');
    assert.match(
      res.body.detail,
      /^stack shop\/dev: the stack's state cannot be read .*stackpilot recover/,
    );
  });

  it('answers 401 problem+json without, or with a bad, token and 403 when the role is too low', async () => {
    const none = await request(app).get('/v1/approvals').expect(401);
    assert.match(none.headers['content-type'] ?? '', /^application\/problem\+json/);
    assert.equal(none.headers['www-authenticate'], 'Bearer realm="stackpilot"');
    assert.equal(none.body.code, 'unauthenticated');
    await request(app).get('/v1/approvals').set('Authorization', 'Bearer sp_wrong').expect(401);
    const low = await request(app)
      .post('/v1/plans')
      .set(bearer(tokens.viewer))
      .send({ environment: 'dev', app: APP })
      .expect(403);
    assert.equal(low.body.code, 'insufficient_role');
  });

  it('parses bodies strictly: unknown keys, wrong types and missing fields are 400 with field paths', async () => {
    const res = await request(app)
      .post('/v1/stacks/dev/previews')
      .set(bearer(tokens.deployer))
      .send({ planId: 42, extra: true })
      .expect(400);
    assert.deepEqual(res.body.issues.map((i: { field: string }) => i.field).sort(), [
      'body.extra',
      'body.planId',
    ]);
    assert.equal(res.body.code, 'invalid_input');
    const empty = await request(app).post('/v1/approvals').set(bearer(tokens.approver)).expect(400);
    assert.deepEqual(empty.body.issues, [
      { field: 'body', message: 'Invalid input: expected object, received undefined' },
    ]);
  });

  it('answers malformed JSON with 400, a non-JSON body with 415, an unknown query key with 400', async () => {
    const bad = await request(app)
      .post('/v1/plans')
      .set(bearer(tokens.deployer))
      .set('Content-Type', 'application/json')
      .send('{"environment": ')
      .expect(400);
    assert.equal(bad.body.code, 'malformed_json');
    const text = await request(app)
      .post('/v1/plans')
      .set(bearer(tokens.deployer))
      .set('Content-Type', 'text/plain')
      .send('environment=dev')
      .expect(415);
    assert.equal(text.body.code, 'unsupported_media_type');
    const query = await request(app)
      .get('/v1/approvals?nope=1')
      .set(bearer(tokens.viewer))
      .expect(400);
    assert.deepEqual(
      query.body.issues.map((i: { field: string }) => i.field),
      ['query.nope'],
    );
  });

  it('answers unknown routes 404 and wrong methods 405 with Allow', async () => {
    const missing = await request(app).get('/v1/nothing').expect(404);
    assert.equal(missing.body.code, 'no_route');
    const wrong = await request(app).delete('/v1/approvals').expect(405);
    assert.equal(wrong.headers.allow, 'POST, GET');
  });

  it('creates plans from an inline app, and serves them as JSON, Markdown, graph and diff', async () => {
    const created = await request(app)
      .post('/v1/plans')
      .set(bearer(tokens.deployer))
      .send({ environment: 'dev', app: APP })
      .expect(201);
    const { id, hash } = created.body as { id: string; hash: string };
    assert.equal(created.headers.location, `/v1/plans/${id}`);
    // The view the server makes of the stored record: its id, who asked, and when (the clock).
    assert.match(id, /^pl_[a-z0-9]{20}$/);
    assert.deepEqual(
      [created.body.app, created.body.environment, created.body.requester, created.body.createdAt],
      ['shop', 'dev', 'deployer', '2030-01-01T00:00:00.000Z'],
    );
    // An equal plan is the same record, not a new one.
    const again = await request(app)
      .post('/v1/plans')
      .set(bearer(tokens.deployer))
      .send({ environment: 'dev', app: APP })
      .expect(201);
    assert.equal(again.body.id, id);
    const byHash = await request(app)
      .get(`/v1/plans/${hash}`)
      .set(bearer(tokens.viewer))
      .expect(200);
    assert.equal(byHash.body.id, id);
    const report = await request(app)
      .get(`/v1/plans/${id}/report`)
      .set(bearer(tokens.viewer))
      .expect(200);
    assert.equal(report.headers['content-type'], 'text/markdown; charset=utf-8');
    // The report is the pipeline's; the server's part is finding the plan by hash as by id.
    const reportByHash = await request(app)
      .get(`/v1/plans/${hash}/report`)
      .set(bearer(tokens.viewer))
      .expect(200);
    assert.equal(reportByHash.text, report.text);
    const graph = await request(app)
      .get(`/v1/plans/${id}/graph`)
      .set(bearer(tokens.viewer))
      .expect(200);
    const plan = byHash.body.plan as { nodes: { id: string; dependsOn: string[] }[] };
    assert.deepEqual(
      graph.body.nodes.map((n: { id: string }) => n.id),
      plan.nodes.map((n) => n.id).sort(),
    );
    assert.equal(
      graph.body.edges.length,
      plan.nodes.reduce((n, node) => n + node.dependsOn.length, 0),
    );
    const mermaid = await request(app)
      .get(`/v1/plans/${id}/graph?format=mermaid`)
      .set(bearer(tokens.viewer))
      .expect(200);
    assert.match(mermaid.text, /^flowchart TD\n/);
    // Diff a → b: the server finds a (by id) and b (by hash) and hands them over in that order.
    pipeline.variant = 1;
    const other = await request(app)
      .post('/v1/plans')
      .set(bearer(tokens.deployer))
      .send({ environment: 'dev', app: APP })
      .expect(201);
    assert.notEqual(other.body.id, id);
    const diff = await request(app)
      .get(`/v1/plans/${id}/diff/${String(other.body.hash)}`)
      .set(bearer(tokens.viewer))
      .expect(200);
    assert.match(diff.headers['content-type'] ?? '', /^application\/json/);
    assert.deepEqual(diff.body, { from: hash, to: other.body.hash });
    const text = await request(app)
      .get(`/v1/plans/${String(other.body.id)}/diff/${id}?format=text`)
      .set(bearer(tokens.viewer))
      .expect(200);
    assert.equal(text.headers['content-type'], 'text/plain; charset=utf-8');
    assert.deepEqual(JSON.parse(text.text), { from: other.body.hash, to: hash });
    const unknown = await request(app)
      .get(`/v1/plans/${id}/diff/pl_aaaaaaaaaaaaaaaaaaaa`)
      .set(bearer(tokens.viewer))
      .expect(404);
    assert.match(unknown.body.detail, /\(b\)$/);
  });

  it('answers 404 for ids of the right shape that do not exist, and 400 for ids of the wrong shape', async () => {
    const missing = await request(app)
      .get('/v1/operations/op_aaaaaaaaaaaaaaaaaaaa')
      .set(bearer(tokens.viewer))
      .expect(404);
    assert.equal(missing.body.code, 'not_found');
    const wrong = await request(app)
      .get('/v1/operations/..%2Fetc')
      .set(bearer(tokens.viewer))
      .expect(400);
    assert.equal(wrong.body.issues[0].field, 'params.id');
  });

  it('turns an unexpected error into a 500 with an errorId and none of its text', async () => {
    deps.pipeline.plan = async () => {
      throw new Error('database password hunter2 at /srv/x');
    };
    const res = await request(app)
      .post('/v1/plans')
      .set(bearer(tokens.deployer))
      .send({ environment: 'dev', app: APP })
      .expect(500);
    assert.equal(res.body.code, 'internal');
    assert.match(res.body.errorId, /^[0-9a-f-]{36}$/);
    assert.ok(!res.text.includes('hunter2') && !res.text.includes('/srv/x'));
  });

  it('writes every request to the audit log with who, what and the outcome', async () => {
    await request(app).get('/v1/approvals').set(bearer(tokens.viewer)).expect(200);
    await request(app).get('/v1/approvals').expect(401);
    await request(app).get('/v1/audit').set(bearer(tokens.deployer)).expect(403);
    const entries = deps.store.audit.list().reverse();
    assert.deepEqual(
      entries.map((e) => [e.who, e.action, e.outcome]),
      [
        ['viewer', 'GET /v1/approvals', '200'],
        ['anonymous', 'GET /v1/approvals', '401'],
        ['deployer', 'GET /v1/audit', '403'],
      ],
    );
    assert.ok(
      entries.every((e) => e.requestId),
      'each entry has its request id',
    );
  });

  it('counts requests by route pattern and status in /metrics', async () => {
    await request(app)
      .get('/v1/plans/pl_aaaaaaaaaaaaaaaaaaaa')
      .set(bearer(tokens.viewer))
      .expect(404);
    const metrics = await request(app).get('/metrics').expect(200);
    assert.match(
      metrics.text,
      /stackpilot_http_requests_total\{method="GET",route="\/v1\/plans\/:id",status="404"\} 1/,
    );
    assert.match(metrics.text, /stackpilot_operation_queue_depth 0/);
  });

  it('documents every route of the table, with its role, in /v1/openapi.json', async () => {
    const doc = (await request(app).get('/v1/openapi.json').expect(200)).body as {
      openapi: string;
      paths: Record<string, Record<string, { 'x-required-role': string; requestBody?: unknown }>>;
    };
    assert.equal(doc.openapi, '3.1.0');
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.entries(ops).map(([m, o]) => `${m} ${p} ${o['x-required-role']}`),
    );
    assert.deepEqual(
      documented.sort(),
      Object.entries(EXPECTED_ACCESS)
        .map(([key, access]) => {
          const [method = '', path = ''] = key.split(' ');
          return `${method.toLowerCase()} ${path.replace(/:(\w+)/g, '{$1}')} ${access}`;
        })
        .sort(),
    );
    const body = doc.paths['/v1/approvals']?.post?.requestBody as {
      content: {
        'application/json': { schema: { additionalProperties: boolean; required: string[] } };
      };
    };
    assert.equal(body.content['application/json'].schema.additionalProperties, false);
    assert.deepEqual(body.content['application/json'].schema.required.sort(), [
      'decision',
      'previewOperationId',
    ]);
  });

  it('has exactly the routes of the expected-role table, each needing the role written there', () => {
    assert.deepEqual(
      ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path} → ${r.access}`).sort(),
      Object.entries(EXPECTED_ACCESS)
        .map(([key, access]) => `${key} → ${access}`)
        .sort(),
    );
  });

  it('enforces the expected role of every route: 401 without a token, 403 below it, neither at or above it', async () => {
    const actual: string[] = [];
    const expected: string[] = [];
    for (const [key, access] of Object.entries(EXPECTED_ACCESS)) {
      const [method = '', pattern = ''] = key.split(' ');
      const path = pattern.replace(/:\w+/g, (p) => SAMPLE_PARAMS[p] ?? p);
      for (const caller of ['anonymous', ...LADDER] as const) {
        const allowed =
          access === 'public' ||
          (caller !== 'anonymous' && LADDER.indexOf(caller) >= LADDER.indexOf(access));
        const req = request(app)[method === 'POST' ? 'post' : 'get'](path);
        const res = await (caller === 'anonymous' ? req : req.set(bearer(tokens[caller])));
        const refused =
          res.status === 401
            ? 'unauthenticated'
            : res.status === 403 && res.body.code === 'insufficient_role'
              ? 'insufficient_role'
              : 'let through';
        actual.push(`${key} as ${caller}: ${refused}`);
        expected.push(
          `${key} as ${caller}: ${
            allowed
              ? 'let through'
              : caller === 'anonymous'
                ? 'unauthenticated'
                : 'insufficient_role'
          }`,
        );
      }
    }
    await deps.runner.idle();
    assert.deepEqual(actual, expected);
  });
});
