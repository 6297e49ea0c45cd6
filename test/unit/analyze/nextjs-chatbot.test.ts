/**
 * End to end on test/fixtures/nextjs-chatbot: one Next.js app whose API route streams from OpenAI through the Vercel AI SDK, with Postgres and Redis on external hosts and Drizzle migrations.
 */
import { strict as assert } from 'node:assert';
import { analyzeRepository } from '../../../src/analyze';
import { AppModelSchema, type AppModel, type Component } from '../../../src/model/app';
import { component, edgeRows, ev, fixture, withoutDigest } from './support';

const EXPECTED: Record<string, Omit<Component, 'sourceDigest'>> = {
  'acme-chatbot': {
    name: 'acme-chatbot',
    kind: 'chatbot',
    path: '.',
    language: 'typescript',
    framework: { name: 'nextjs', version: '15.3.3' },
    port: 3000,
    startCommand: 'next start',
    buildCommand: 'pnpm run build',
    healthPath: '/api/healthz',
    build: { strategy: 'generate', context: '.' },
    env: [
      {
        name: 'AUTH_SECRET',
        classification: 'secret',
        reason: 'name contains SECRET',
        sources: ['dotenv-example'],
        buildTime: false,
      },
      {
        name: 'DATABASE_URL',
        classification: 'secret',
        reason: 'URL with credentials',
        sources: ['code', 'dotenv-example'],
        buildTime: false,
        fingerprint: 'sha256:9f3856149788',
        refersTo: 'host:db.internal.acme-corp.com',
      },
      {
        name: 'NEXT_PUBLIC_APP_NAME',
        classification: 'config',
        reason: 'inlined into the browser bundle at build time: public by design',
        sources: ['code', 'dotenv-example'],
        buildTime: true,
        defaultValue: 'Chat',
      },
      {
        name: 'OPENAI_API_KEY',
        classification: 'secret',
        reason: 'name ends in _KEY',
        sources: ['dotenv-example'],
        buildTime: false,
        fingerprint: 'sha256:6daa583f0d9b',
        refersTo: 'openai',
      },
      {
        name: 'REDIS_URL',
        classification: 'secret',
        reason: 'URL with credentials',
        sources: ['code', 'dotenv-example'],
        buildTime: false,
        fingerprint: 'sha256:5a59e3caf0c8',
        refersTo: 'host:cache.acme-corp.com',
      },
    ],
    public: true,
    features: {
      nextOutput: 'default',
      apiRoutes: true,
      streaming: true,
      migrations: { tool: 'drizzle', command: 'pnpm run db:migrate' },
      writablePaths: ['.next/cache'],
    },
    evidence: ev(
      ['build', 'package.json', undefined, 'no Dockerfile: one is generated'],
      ['buildCommand', 'package.json', 7, 'script build: next build'],
      ['env.AUTH_SECRET', '.env.example', 5, 'dotenv-example'],
      ['env.DATABASE_URL', '.env.example', 3, 'dotenv-example'],
      ['env.DATABASE_URL', 'drizzle.config.ts', 7, 'code'],
      ['env.DATABASE_URL', 'lib/db.ts', 5, 'code'],
      ['env.NEXT_PUBLIC_APP_NAME', '.env.example', 6, 'dotenv-example'],
      ['env.NEXT_PUBLIC_APP_NAME', 'app/layout.tsx', 3, 'code'],
      ['env.OPENAI_API_KEY', '.env.example', 2, 'dotenv-example'],
      ['env.REDIS_URL', '.env.example', 4, 'dotenv-example'],
      ['env.REDIS_URL', 'lib/rate-limit.ts', 3, 'code'],
      ['features.apiRoutes', 'app/api/chat/route.ts', 9, 'route /api/chat'],
      ['features.migrations', 'package.json', 9, 'script db:migrate: drizzle-kit migrate'],
      ['features.nextOutput', 'next.config.mjs', undefined, 'no output setting'],
      ['features.streaming', 'app/api/chat/route.ts', 14, 'streams (streamText)'],
      [
        'features.writablePaths',
        'package.json',
        17,
        'Next.js writes its image and fetch cache at runtime',
      ],
      ['framework', 'package.json', 17, 'dependency next ^15.3.3'],
      ['healthPath', 'app/api/healthz/route.ts', 3, 'route /api/healthz'],
      ['kind', '.env.example', 2, 'API routes that call openai'],
      ['language', 'tsconfig.json', undefined, 'tsconfig.json'],
      ['port', 'package.json', 17, 'Next.js default port'],
      ['public', 'package.json', 17, 'a Next.js app serves browsers'],
      ['startCommand', 'package.json', 8, 'script start: next start'],
    ),
  },
};

describe('analyze: nextjs-chatbot', () => {
  let model: AppModel;
  before(async () => {
    model = await analyzeRepository(fixture('nextjs-chatbot'));
  });

  it('passes the schema and finds exactly the expected components', () => {
    assert.deepEqual(AppModelSchema.parse(model), model);
    assert.deepEqual(
      model.components.map((c) => c.name),
      Object.keys(EXPECTED).sort(),
    );
  });

  for (const name of Object.keys(EXPECTED))
    it(`describes ${name} completely, with evidence`, () => {
      assert.deepEqual(withoutDigest(component(model, name)), EXPECTED[name]);
    });

  it('infers the edges, with how and where each was found', () => {
    assert.deepEqual(edgeRows(model), [
      [
        'acme-chatbot',
        'host:cache.acme-corp.com',
        'external',
        'env',
        'REDIS_URL',
        null,
        ['env.REDIS_URL .env.example:4', 'env.REDIS_URL lib/rate-limit.ts:3'],
      ],
      [
        'acme-chatbot',
        'host:db.internal.acme-corp.com',
        'external',
        'env',
        'DATABASE_URL',
        null,
        [
          'env.DATABASE_URL .env.example:3',
          'env.DATABASE_URL drizzle.config.ts:7',
          'env.DATABASE_URL lib/db.ts:5',
        ],
      ],
      [
        'acme-chatbot',
        'openai',
        'external',
        'env',
        'OPENAI_API_KEY',
        null,
        [
          'env.OPENAI_API_KEY .env.example:2',
          'uses.openai package.json:12 (dependency @ai-sdk/openai)',
        ],
      ],
    ]);
  });

  it('lists the external services', () => {
    assert.deepEqual(model.externalServices, [
      {
        id: 'host:cache.acme-corp.com',
        kind: 'cache',
        provider: 'redis',
        hosts: ['cache.acme-corp.com'],
        port: 6380,
        usedBy: ['acme-chatbot'],
        evidence: ev(
          ['env.REDIS_URL', '.env.example', 4],
          ['env.REDIS_URL', 'lib/rate-limit.ts', 3],
        ),
      },
      {
        id: 'host:db.internal.acme-corp.com',
        kind: 'postgres',
        provider: 'postgres',
        hosts: ['db.internal.acme-corp.com'],
        port: 5432,
        usedBy: ['acme-chatbot'],
        evidence: ev(
          ['env.DATABASE_URL', '.env.example', 3],
          ['env.DATABASE_URL', 'drizzle.config.ts', 7],
          ['env.DATABASE_URL', 'lib/db.ts', 5],
        ),
      },
      {
        id: 'openai',
        kind: 'llm',
        provider: 'openai',
        hosts: ['api.openai.com'],
        port: 443,
        usedBy: ['acme-chatbot'],
        evidence: ev(
          ['env.OPENAI_API_KEY', '.env.example', 2],
          ['uses.openai', 'package.json', 12, 'dependency @ai-sdk/openai'],
        ),
      },
    ]);
  });

  it('reports the expected warnings', () => {
    assert.deepEqual(model.warnings, []);
  });
});
