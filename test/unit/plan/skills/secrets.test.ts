import { strict as assert } from 'node:assert';
import { canonicalJson } from '../../../../src/model/canonical';
import { choices, envOf, node, planFor } from '../support/plan';
import { postgresApp, referenceApp } from '../support/reference-app';

describe('skill secrets', () => {
  it('gives each component a Secret with only the keys it references', async () => {
    const plan = await planFor('dev');
    const keys = (id: string): string[] => node(plan, id, 'secret').spec.entries.map((e) => e.key);
    assert.deepEqual(keys('secret/api'), [
      'CELERY_BROKER_URL',
      'DATABASE_URL',
      'REDIS_URL',
      'SECRET_KEY',
    ]);
    assert.deepEqual(keys('secret/chatbot'), ['OPENAI_API_KEY', 'REDIS_URL']);
    assert.deepEqual(keys('secret/web'), ['NEXTAUTH_SECRET']);
    assert.equal(
      envOf(node(plan, 'workload/chatbot', 'workload')).OPENAI_API_KEY,
      'secret:chatbot/OPENAI_API_KEY',
    );
  });

  it('takes external credentials from Pulumi secret config and generates what the app owns', async () => {
    const plan = await planFor('dev');
    const entry = (id: string, key: string) =>
      node(plan, id, 'secret').spec.entries.find((e) => e.key === key)!.parts;
    assert.deepEqual(entry('secret/chatbot', 'OPENAI_API_KEY'), [
      { config: 'secrets:OPENAI_API_KEY' },
    ]);
    assert.deepEqual(entry('secret/api', 'SECRET_KEY'), [
      { generated: 'generated-secret/secret-key' },
    ]);
    assert.deepEqual(entry('secret/api', 'REDIS_URL'), [
      { text: 'redis://:' },
      { generated: 'generated-secret/redis-password' },
      { text: '@redis.stackpilot-dev.svc.cluster.local:6379/0' },
    ]);
    assert.deepEqual(entry('secret/redis', 'REDIS_PASSWORD'), [
      { generated: 'generated-secret/redis-password' },
    ]);
    assert.deepEqual(node(plan, 'generated-secret/redis-password', 'generated-secret').spec, {
      length: 32,
      special: false,
    });
  });

  it('gives the app the pooled Neon URL and its migration Job the direct one', async () => {
    const plan = await planFor('dev');
    assert.deepEqual(
      node(plan, 'secret/api', 'secret').spec.entries.find((e) => e.key === 'DATABASE_URL')!.parts,
      [{ config: 'secrets:DATABASE_URL' }],
    );
    assert.deepEqual(node(plan, 'secret/api-migrate', 'secret').spec.entries, [
      { key: 'DATABASE_URL', parts: [{ config: 'secrets:DATABASE_URL_UNPOOLED' }] },
    ]);
    const job = envOf(node(plan, 'job/api-migrate', 'job'));
    assert.equal(job.DATABASE_URL, 'secret:api-migrate/DATABASE_URL');
    assert.equal(job.SECRET_KEY, 'secret:api/SECRET_KEY');
    assert.match(
      choices(plan, 'secrets', 'api')['database URLs']!,
      /migrations: direct URL \(secrets:DATABASE_URL_UNPOOLED\)/,
    );
  });

  it('uses the direct URL variable the app itself declares', async () => {
    const app = referenceApp();
    const api = app.components.find((c) => c.name === 'api')!;
    api.env.push({
      name: 'DIRECT_URL',
      classification: 'secret',
      reason: 'x',
      sources: ['code'],
      buildTime: false,
      refersTo: 'neon',
    });
    const plan = await planFor('dev', {}, app);
    assert.deepEqual(node(plan, 'secret/api-migrate', 'secret').spec.entries, [
      { key: 'DATABASE_URL', parts: [{ config: 'secrets:DIRECT_URL' }] },
    ]);
  });

  it('never puts a secret variable in a ConfigMap, and ignores a secret value typed into the stack', async () => {
    const plan = await planFor('dev', {
      components: { api: { env: { SECRET_KEY: 'sk-live-do-not-leak', CORS_ORIGINS: '*' } } },
    });
    const secretNames = new Set(
      referenceApp().components.flatMap((c) =>
        c.env.filter((v) => v.classification === 'secret').map((v) => v.name),
      ),
    );
    for (const n of plan.nodes)
      if (n.kind === 'config')
        for (const k of Object.keys(n.spec.data)) assert.ok(!secretNames.has(k), k);
    assert.ok(!canonicalJson(plan).includes('sk-live-do-not-leak'));
    assert.ok(
      plan.warnings.some((w) => /ignoring stackpilot:components\.api\.env\.SECRET_KEY/.test(w)),
    );
  });

  it('reads a managed service URL from secret config instead of generating one', async () => {
    const plan = await planFor('prod', { managed: { redis: true } });
    assert.deepEqual(
      node(plan, 'secret/api', 'secret').spec.entries.find((e) => e.key === 'REDIS_URL')!.parts,
      [{ config: 'secrets:REDIS_URL' }],
    );
    assert.ok(
      !plan.nodes.some(
        (n) => n.id === 'generated-secret/redis-password' || n.id === 'workload/redis',
      ),
    );
  });
});

describe('skill secrets with data-service URLs', () => {
  it("keeps the Redis database index of the app's default URL", async () => {
    const app = referenceApp();
    app.components
      .find((c) => c.name === 'worker')!
      .env.find((v) => v.name === 'REDIS_URL')!.defaultValue = 'redis://localhost:6379/2';
    const plan = await planFor('dev', {}, app);
    const parts = node(plan, 'secret/worker', 'secret').spec.entries.find(
      (e) => e.key === 'REDIS_URL',
    )!.parts;
    assert.deepEqual(parts[2], { text: '@redis.stackpilot-dev.svc.cluster.local:6379/2' });
  });

  it('keeps the Postgres user and database the compose file declares', async () => {
    const app = postgresApp();
    const db = app.components.find((c) => c.name === 'db')!;
    db.env = [
      {
        name: 'POSTGRES_USER',
        classification: 'config',
        reason: 'x',
        sources: ['compose'],
        buildTime: false,
        defaultValue: 'shop',
      },
      {
        name: 'POSTGRES_DB',
        classification: 'config',
        reason: 'x',
        sources: ['compose'],
        buildTime: false,
        defaultValue: 'orders',
      },
    ];
    const plan = await planFor('dev', {}, app);
    assert.deepEqual(
      node(plan, 'secret/api', 'secret').spec.entries.find((e) => e.key === 'DATABASE_URL')!.parts,
      [
        { text: 'postgresql://shop:' },
        { generated: 'generated-secret/db-password' },
        { text: '@db.stackpilot-dev.svc.cluster.local:5432/orders' },
      ],
    );
    assert.equal(envOf(node(plan, 'workload/db', 'workload')).POSTGRES_DB, 'orders');
  });
});
