/** Inline apps are bounded: an oversize name or a flood of env entries is a 400 naming the bound. */
import { strict as assert } from 'node:assert';
import request from 'supertest';
import type { AppModel } from '../../../src/model/app';
import { createApp } from '../../../src/server/app';
import { fakeDeps } from './support/fakes';

const component = (env: AppModel['components'][number]['env']) => ({
  name: 'web',
  kind: 'backend' as const,
  path: '.',
  language: 'javascript' as const,
  build: { strategy: 'generate' as const, context: '.' },
  env,
  public: true,
  features: {},
  sourceDigest: `sha256:${'0'.repeat(64)}`,
  evidence: [],
});
const envVar = (name: string) => ({
  name,
  classification: 'config' as const,
  reason: 'test',
  sources: ['code' as const],
  buildTime: false,
});
const app = (env: ReturnType<typeof envVar>[]): AppModel => ({
  schemaVersion: 1,
  name: 'shop',
  components: [component(env)],
  externalServices: [],
  edges: [],
  warnings: [],
});

describe('server: bounds on inline apps', () => {
  const { deps, tokens } = fakeDeps();
  const server = createApp(deps);
  after(() => deps.store.close());
  const plan = (body: object) =>
    request(server)
      .post('/v1/plans')
      .set({ Authorization: `Bearer ${tokens.deployer}` })
      .send(body);

  it('refuses a 100,000-character env var name, naming the bound', async () => {
    const res = await plan({ environment: 'dev', app: app([envVar(`A${'B'.repeat(99_999)}`)]) });
    assert.equal(res.status, 400);
    const issues = res.body.issues as { field: string; message: string }[];
    assert.ok(
      issues.some(
        (i) => i.field.endsWith('components.0.env.0.name') && /maxEnvNameLength/.test(i.message),
      ),
      JSON.stringify(issues).slice(0, 500),
    );
    assert.ok(res.text.length < 5000, 'the name is not echoed back');
  });

  it('refuses 3,000 duplicate env entries, naming the bound and the duplicate', async () => {
    const res = await plan({
      environment: 'dev',
      app: app(Array.from({ length: 3000 }, () => envVar('DATABASE_URL'))),
    });
    assert.equal(res.status, 400);
    const messages = (res.body.issues as { message: string }[]).map((i) => i.message);
    assert.ok(
      messages.some((m) => /3000 env entries.*maxEnvPerComponent/.test(m)),
      messages[0],
    );
    assert.ok(messages.some((m) => /DATABASE_URL is listed twice/.test(m)));
    assert.ok(messages.length <= 21, `${messages.length} issues`);
  });

  it('accepts an app within the bounds', async () => {
    const res = await plan({
      environment: 'dev',
      app: app([envVar('PORT'), envVar('DATABASE_URL')]),
    });
    assert.equal(res.status, 201, res.text.slice(0, 300));
  });
});
