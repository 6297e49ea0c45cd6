/**
 * End to end on the reference app (test/fixtures/fullstack, a copy of examples/fullstack):
 * every component field, env var classification, edge and external service, with evidence.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { analyzeRepository } from '../../../src/analyze';
import { AppModelSchema, type AppModel, type Component } from '../../../src/model/app';
import { component, edgeRows, ev, fixture, withoutDigest } from './support';

const EXPECTED: Record<string, Omit<Component, 'sourceDigest'>> = {
  api: {
    name: 'api',
    kind: 'backend',
    path: 'apps/api',
    language: 'python',
    framework: { name: 'fastapi', version: '0.115.6' },
    port: 8000,
    startCommand: 'uv run --no-sync uvicorn app.main:app --host 0.0.0.0 --port 8000',
    healthPath: '/healthz',
    readinessPath: '/readyz',
    build: { strategy: 'dockerfile', dockerfile: 'apps/api/Dockerfile', context: 'apps/api' },
    env: [
      {
        name: 'CELERY_BROKER_URL',
        classification: 'secret',
        reason: 'URL with credentials',
        sources: ['dotenv-example', 'settings'],
        buildTime: false,
        fingerprint: 'sha256:5c2509b28052',
        refersTo: 'rabbitmq',
      },
      {
        name: 'CORS_ORIGINS',
        classification: 'config',
        reason: 'plain value',
        sources: ['dotenv-example', 'settings'],
        buildTime: false,
        defaultValue: 'http://localhost:3000',
      },
      {
        name: 'DATABASE_URL',
        classification: 'secret',
        reason: 'URL with credentials',
        sources: ['code', 'dotenv-example', 'settings'],
        buildTime: false,
        fingerprint: 'sha256:17a91fdba344',
        refersTo: 'neon',
      },
      {
        name: 'REDIS_URL',
        classification: 'config',
        reason: 'plain value',
        sources: ['dotenv-example', 'settings'],
        buildTime: false,
        defaultValue: 'redis://localhost:6379/0',
        refersTo: 'redis',
      },
    ],
    public: true,
    features: {
      migrations: { tool: 'alembic', command: 'alembic upgrade head' },
      appObject: 'app.main:app',
      dockerUser: 'app',
      dockerHealthcheck:
        'python -c "import urllib.request; urllib.request.urlopen(\'http://localhost:8000/healthz\')"',
    },
    evidence: ev(
      ['build', 'apps/api/Dockerfile', 1, 'existing Dockerfile'],
      ['env.CELERY_BROKER_URL', 'apps/api/.env.example', 4, 'dotenv-example'],
      ['env.CELERY_BROKER_URL', 'apps/api/app/settings.py', 9, 'settings'],
      ['env.CORS_ORIGINS', 'apps/api/.env.example', 5, 'dotenv-example'],
      ['env.CORS_ORIGINS', 'apps/api/app/settings.py', 10, 'settings'],
      ['env.DATABASE_URL', 'apps/api/.env.example', 2, 'dotenv-example'],
      ['env.DATABASE_URL', 'apps/api/alembic/env.py', 9, 'code'],
      ['env.DATABASE_URL', 'apps/api/app/settings.py', 7, 'settings'],
      ['env.REDIS_URL', 'apps/api/.env.example', 3, 'dotenv-example'],
      ['env.REDIS_URL', 'apps/api/app/settings.py', 8, 'settings'],
      ['features.appObject', 'apps/api/Dockerfile', 15, 'CMD serves app.main:app'],
      ['features.dockerHealthcheck', 'apps/api/Dockerfile', 14, 'HEALTHCHECK'],
      ['features.dockerUser', 'apps/api/Dockerfile', 12, 'USER'],
      ['features.migrations', 'apps/api/alembic.ini', 2, 'Alembic configuration'],
      ['framework', 'apps/api/pyproject.toml', 7, 'dependency fastapi >=0.115.6'],
      ['healthPath', 'apps/api/Dockerfile', 14, 'HEALTHCHECK requests /healthz'],
      ['kind', 'apps/api/pyproject.toml', 7, 'FastAPI service'],
      ['language', 'apps/api/pyproject.toml', undefined, 'Python (uv)'],
      ['port', 'apps/api/Dockerfile', 15, 'CMD listens on 8000'],
      ['public', 'apps/web/.env.example', 2, 'browser code of web calls it (NEXT_PUBLIC_API_URL)'],
      ['readinessPath', 'apps/api/app/main.py', 23, 'route /readyz'],
      ['startCommand', 'apps/api/Dockerfile', 15, 'CMD'],
    ),
  },
  chat: {
    name: 'chat',
    kind: 'chatbot',
    path: 'apps/chat',
    language: 'python',
    framework: { name: 'fastapi', version: '0.115.6' },
    port: 8001,
    startCommand: 'uvicorn chat.main:create_app --factory --host 0.0.0.0 --port ${PORT:-8001}',
    healthPath: '/health',
    build: { strategy: 'generate', context: 'apps/chat' },
    env: [
      {
        name: 'ALLOWED_ORIGIN',
        classification: 'config',
        reason: 'plain value',
        sources: ['code', 'dotenv-example'],
        buildTime: false,
        defaultValue: 'http://localhost:3000',
      },
      {
        name: 'ANTHROPIC_API_KEY',
        classification: 'secret',
        reason: 'name ends in _KEY',
        sources: ['code', 'dotenv-example'],
        buildTime: false,
        fingerprint: 'sha256:92b5f9986c24',
        refersTo: 'anthropic',
      },
      {
        name: 'CHAT_MODEL',
        classification: 'config',
        reason: 'plain value',
        sources: ['code', 'dotenv-example'],
        buildTime: false,
        defaultValue: 'gpt-4o-mini',
      },
      {
        name: 'FALLBACK_MODEL',
        classification: 'config',
        reason: 'plain value',
        sources: ['code', 'dotenv-example'],
        buildTime: false,
        defaultValue: 'claude-3-5-haiku-latest',
      },
      {
        name: 'OPENAI_API_KEY',
        classification: 'secret',
        reason: 'name ends in _KEY',
        sources: ['code', 'dotenv-example'],
        buildTime: false,
        fingerprint: 'sha256:1dd576e7af6c',
        refersTo: 'openai',
      },
      {
        name: 'REDIS_URL',
        classification: 'config',
        reason: 'plain value',
        sources: ['code', 'dotenv-example'],
        buildTime: false,
        defaultValue: 'redis://localhost:6379/1',
        refersTo: 'redis',
      },
    ],
    public: true,
    features: { streaming: true, appObject: 'chat.main:create_app()' },
    evidence: ev(
      ['build', 'apps/chat/pyproject.toml', undefined, 'no Dockerfile: one is generated'],
      ['env.ALLOWED_ORIGIN', 'apps/chat/.env.example', 6, 'dotenv-example'],
      ['env.ALLOWED_ORIGIN', 'apps/chat/chat/main.py', 21, 'code'],
      ['env.ANTHROPIC_API_KEY', 'apps/chat/.env.example', 2, 'dotenv-example'],
      ['env.ANTHROPIC_API_KEY', 'apps/chat/chat/llm.py', 8, 'code'],
      ['env.CHAT_MODEL', 'apps/chat/.env.example', 3, 'dotenv-example'],
      ['env.CHAT_MODEL', 'apps/chat/chat/llm.py', 9, 'code'],
      ['env.FALLBACK_MODEL', 'apps/chat/.env.example', 4, 'dotenv-example'],
      ['env.FALLBACK_MODEL', 'apps/chat/chat/llm.py', 10, 'code'],
      ['env.OPENAI_API_KEY', 'apps/chat/.env.example', 1, 'dotenv-example'],
      ['env.OPENAI_API_KEY', 'apps/chat/chat/llm.py', 7, 'code'],
      ['env.REDIS_URL', 'apps/chat/.env.example', 5, 'dotenv-example'],
      ['env.REDIS_URL', 'apps/chat/chat/history.py', 5, 'code'],
      ['features.appObject', 'apps/chat/Procfile', 1, 'Procfile web'],
      ['features.streaming', 'apps/chat/chat/llm.py', 18, 'streams (stream=True)'],
      ['framework', 'apps/chat/pyproject.toml', 7, 'dependency fastapi >=0.115.6'],
      ['healthPath', 'apps/chat/chat/main.py', 26, 'route /health'],
      ['kind', 'apps/chat/.env.example', 2, 'chat service calling anthropic'],
      ['language', 'apps/chat/pyproject.toml', undefined, 'Python (uv)'],
      ['port', 'apps/chat/Procfile', 1, 'Procfile web'],
      ['public', 'apps/chat/Procfile', 1, 'Procfile web process receives outside traffic'],
      ['startCommand', 'apps/chat/Procfile', 1, 'Procfile web'],
    ),
  },
  rabbitmq: {
    name: 'rabbitmq',
    kind: 'queue',
    path: '.',
    language: 'other',
    framework: { name: 'rabbitmq', version: '3.13' },
    port: 5672,
    build: { strategy: 'image', image: 'rabbitmq:3.13-management-alpine' },
    env: [],
    public: false,
    features: {
      dockerHealthcheck: 'rabbitmq-diagnostics -q ping',
      volumes: [{ name: 'rabbitmq-data', mountPath: '/var/lib/rabbitmq' }],
    },
    evidence: ev(
      ['build', 'compose.yaml', 14, 'image rabbitmq:3.13-management-alpine'],
      ['features.dockerHealthcheck', 'compose.yaml', 20],
      ['features.volumes', 'compose.yaml', 19],
      ['framework', 'compose.yaml', 14, 'image rabbitmq:3.13-management-alpine'],
      ['kind', 'compose.yaml', 14, 'rabbitmq queue'],
      ['language', 'compose.yaml', 14, 'prebuilt image'],
      ['port', 'compose.yaml', 14, 'rabbitmq port'],
      ['public', 'compose.yaml', 14, 'datastores are internal'],
    ),
  },
  redis: {
    name: 'redis',
    kind: 'cache',
    path: '.',
    language: 'other',
    framework: { name: 'redis', version: '7.4' },
    port: 6379,
    build: { strategy: 'image', image: 'redis:7.4-alpine' },
    env: [],
    public: false,
    features: {
      dockerHealthcheck: 'redis-cli ping',
      volumes: [{ name: 'redis-data', mountPath: '/data' }],
    },
    evidence: ev(
      ['build', 'compose.yaml', 4, 'image redis:7.4-alpine'],
      ['features.dockerHealthcheck', 'compose.yaml', 9],
      ['features.volumes', 'compose.yaml', 8],
      ['framework', 'compose.yaml', 4, 'image redis:7.4-alpine'],
      ['kind', 'compose.yaml', 4, 'redis cache'],
      ['language', 'compose.yaml', 4, 'prebuilt image'],
      ['port', 'compose.yaml', 4, 'redis port'],
      ['public', 'compose.yaml', 4, 'datastores are internal'],
    ),
  },
  web: {
    name: 'web',
    kind: 'frontend',
    path: 'apps/web',
    language: 'typescript',
    framework: { name: 'nextjs', version: '15.1.6' },
    port: 3000,
    startCommand: 'node server.js',
    buildCommand: 'pnpm run build',
    healthPath: '/api/health',
    build: { strategy: 'dockerfile', dockerfile: 'apps/web/Dockerfile', context: 'apps/web' },
    env: [
      {
        name: 'HOSTNAME',
        classification: 'config',
        reason: 'plain value',
        sources: ['dockerfile'],
        buildTime: false,
        defaultValue: '0.0.0.0',
      },
      {
        name: 'NEXT_PUBLIC_API_URL',
        classification: 'config',
        reason: 'inlined into the browser bundle at build time: public by design',
        sources: ['code', 'dotenv-example'],
        buildTime: true,
        defaultValue: 'http://localhost:8000',
        refersTo: 'api',
      },
      {
        name: 'NEXT_PUBLIC_CHAT_URL',
        classification: 'config',
        reason: 'inlined into the browser bundle at build time: public by design',
        sources: ['code', 'dotenv-example'],
        buildTime: true,
        defaultValue: 'http://localhost:8001',
        refersTo: 'chat',
      },
      {
        name: 'NODE_ENV',
        classification: 'config',
        reason: 'plain value',
        sources: ['dockerfile'],
        buildTime: false,
        defaultValue: 'production',
      },
      {
        name: 'PORT',
        classification: 'config',
        reason: 'plain value',
        sources: ['dockerfile'],
        buildTime: false,
        defaultValue: '3000',
      },
    ],
    public: true,
    features: {
      nextOutput: 'standalone',
      apiRoutes: true,
      writablePaths: ['.next/cache'],
      dockerUser: 'nextjs',
    },
    evidence: ev(
      ['build', 'apps/web/Dockerfile', 2, 'existing Dockerfile'],
      ['buildCommand', 'apps/web/package.json', 7, 'script build: next build'],
      ['env.HOSTNAME', 'apps/web/Dockerfile', 19, 'dockerfile'],
      ['env.NEXT_PUBLIC_API_URL', 'apps/web/.env.example', 2, 'dotenv-example'],
      ['env.NEXT_PUBLIC_API_URL', 'apps/web/app/page.tsx', 9, 'code'],
      ['env.NEXT_PUBLIC_CHAT_URL', 'apps/web/.env.example', 3, 'dotenv-example'],
      ['env.NEXT_PUBLIC_CHAT_URL', 'apps/web/app/components/chat.tsx', 5, 'code'],
      ['env.NODE_ENV', 'apps/web/Dockerfile', 19, 'dockerfile'],
      ['env.PORT', 'apps/web/Dockerfile', 19, 'dockerfile'],
      ['features.apiRoutes', 'apps/web/app/api/health/route.ts', 3, 'route /api/health'],
      ['features.dockerUser', 'apps/web/Dockerfile', 26, 'USER'],
      ['features.nextOutput', 'apps/web/next.config.ts', 4, "output: 'standalone'"],
      [
        'features.writablePaths',
        'apps/web/package.json',
        12,
        'Next.js writes its image and fetch cache at runtime',
      ],
      ['framework', 'apps/web/package.json', 12, 'dependency next 15.1.6'],
      ['healthPath', 'apps/web/app/api/health/route.ts', 3, 'route /api/health'],
      ['kind', 'apps/web/package.json', 12, 'Next.js app'],
      ['language', 'apps/web/tsconfig.json', undefined, 'tsconfig.json'],
      ['port', 'apps/web/Dockerfile', 27, 'EXPOSE 3000'],
      ['public', 'apps/web/package.json', 12, 'a Next.js app serves browsers'],
      ['startCommand', 'apps/web/Dockerfile', 28, 'CMD'],
    ),
  },
  worker: {
    name: 'worker',
    kind: 'worker',
    path: 'apps/worker',
    language: 'python',
    framework: { name: 'celery', version: '5.4.0' },
    startCommand: 'uv run --no-sync celery -A worker.celery_app worker --loglevel=INFO',
    build: { strategy: 'dockerfile', dockerfile: 'apps/worker/Dockerfile', context: 'apps/worker' },
    env: [
      {
        name: 'CELERY_BROKER_URL',
        classification: 'secret',
        reason: 'URL with credentials',
        sources: ['code', 'dotenv-example'],
        buildTime: false,
        fingerprint: 'sha256:9fbd5bcf6c7a',
        refersTo: 'rabbitmq',
      },
      {
        name: 'CELERY_RESULT_BACKEND',
        classification: 'config',
        reason: 'plain value',
        sources: ['code', 'dotenv-example'],
        buildTime: false,
        defaultValue: 'redis://localhost:6379/2',
        refersTo: 'redis',
      },
      {
        name: 'DATABASE_URL',
        classification: 'secret',
        reason: 'URL with credentials',
        sources: ['code', 'dotenv-example'],
        buildTime: false,
        fingerprint: 'sha256:17a91fdba344',
        refersTo: 'neon',
      },
    ],
    public: false,
    features: { dockerUser: 'worker', queueFramework: 'celery' },
    evidence: ev(
      ['build', 'apps/worker/Dockerfile', 1, 'existing Dockerfile'],
      ['env.CELERY_BROKER_URL', 'apps/worker/.env.example', 1, 'dotenv-example'],
      ['env.CELERY_BROKER_URL', 'apps/worker/worker/celery_app.py', 7, 'code'],
      ['env.CELERY_RESULT_BACKEND', 'apps/worker/.env.example', 2, 'dotenv-example'],
      ['env.CELERY_RESULT_BACKEND', 'apps/worker/worker/celery_app.py', 8, 'code'],
      ['env.DATABASE_URL', 'apps/worker/.env.example', 3, 'dotenv-example'],
      ['env.DATABASE_URL', 'apps/worker/worker/tasks.py', 7, 'code'],
      ['features.dockerUser', 'apps/worker/Dockerfile', 8, 'USER'],
      ['features.queueFramework', 'apps/worker/Dockerfile', 9],
      ['framework', 'apps/worker/pyproject.toml', 7, 'dependency celery'],
      ['kind', 'apps/worker/Dockerfile', 9, 'celery worker command'],
      ['language', 'apps/worker/pyproject.toml', undefined, 'Python (pip)'],
      ['startCommand', 'apps/worker/Dockerfile', 9, 'CMD'],
    ),
  },
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

describe('analyze: fullstack reference app', () => {
  let model: AppModel;
  before(async () => {
    model = await analyzeRepository(fixture('fullstack'));
  });

  it('is the same repository as examples/fullstack', () => {
    const ex = join(__dirname, '../../../examples/fullstack');
    const list = (root: string): string[] =>
      files(root)
        .map((f) => relative(root, f))
        .sort();
    assert.deepEqual(list(fixture('fullstack')), list(ex));
    for (const f of list(ex))
      assert.equal(
        readFileSync(join(fixture('fullstack'), f), 'utf8'),
        readFileSync(join(ex, f), 'utf8'),
        f,
      );
  });

  it('passes the schema and names the app after the root package', () => {
    assert.deepEqual(AppModelSchema.parse(model), model);
    assert.equal(model.name, 'fullstack');
    assert.deepEqual(
      model.components.map((c) => c.name),
      ['api', 'chat', 'rabbitmq', 'redis', 'web', 'worker'],
    );
  });

  for (const name of Object.keys(EXPECTED))
    it(`describes ${name} completely, with evidence`, () => {
      assert.deepEqual(withoutDigest(component(model, name)), EXPECTED[name]);
    });

  it('infers the edges, with how and where each was found', () => {
    assert.deepEqual(edgeRows(model), [
      [
        'api',
        'neon',
        'external',
        'env',
        'DATABASE_URL',
        null,
        [
          'env.DATABASE_URL apps/api/.env.example:2',
          'env.DATABASE_URL apps/api/alembic/env.py:9',
          'env.DATABASE_URL apps/api/app/settings.py:7 (settings field database_url)',
        ],
      ],
      [
        'api',
        'rabbitmq',
        'component',
        'env',
        'CELERY_BROKER_URL',
        null,
        [
          'env.CELERY_BROKER_URL apps/api/.env.example:4',
          'env.CELERY_BROKER_URL apps/api/app/settings.py:9 (settings field celery_broker_url)',
        ],
      ],
      [
        'api',
        'redis',
        'component',
        'env',
        'REDIS_URL',
        null,
        [
          'env.REDIS_URL apps/api/.env.example:3',
          'env.REDIS_URL apps/api/app/settings.py:8 (settings field redis_url)',
        ],
      ],
      [
        'chat',
        'anthropic',
        'external',
        'env',
        'ANTHROPIC_API_KEY',
        null,
        [
          'env.ANTHROPIC_API_KEY apps/chat/.env.example:2',
          'env.ANTHROPIC_API_KEY apps/chat/chat/llm.py:8',
          'uses.anthropic apps/chat/pyproject.toml:10 (dependency anthropic)',
        ],
      ],
      [
        'chat',
        'openai',
        'external',
        'env',
        'OPENAI_API_KEY',
        null,
        [
          'env.OPENAI_API_KEY apps/chat/.env.example:1',
          'env.OPENAI_API_KEY apps/chat/chat/llm.py:7',
          'uses.openai apps/chat/pyproject.toml:9 (dependency openai)',
        ],
      ],
      [
        'chat',
        'redis',
        'component',
        'env',
        'REDIS_URL',
        null,
        ['env.REDIS_URL apps/chat/.env.example:5', 'env.REDIS_URL apps/chat/chat/history.py:5'],
      ],
      [
        'web',
        'api',
        'component',
        'env',
        'NEXT_PUBLIC_API_URL',
        null,
        [
          'env.NEXT_PUBLIC_API_URL apps/web/.env.example:2',
          'env.NEXT_PUBLIC_API_URL apps/web/app/page.tsx:9',
        ],
      ],
      [
        'web',
        'chat',
        'component',
        'env',
        'NEXT_PUBLIC_CHAT_URL',
        null,
        [
          'env.NEXT_PUBLIC_CHAT_URL apps/web/.env.example:3',
          'env.NEXT_PUBLIC_CHAT_URL apps/web/app/components/chat.tsx:5',
        ],
      ],
      [
        'worker',
        'neon',
        'external',
        'env',
        'DATABASE_URL',
        null,
        [
          'env.DATABASE_URL apps/worker/.env.example:3',
          'env.DATABASE_URL apps/worker/worker/tasks.py:7',
        ],
      ],
      [
        'worker',
        'rabbitmq',
        'component',
        'env',
        'CELERY_BROKER_URL',
        null,
        [
          'env.CELERY_BROKER_URL apps/worker/.env.example:1',
          'env.CELERY_BROKER_URL apps/worker/worker/celery_app.py:7',
        ],
      ],
      [
        'worker',
        'redis',
        'component',
        'env',
        'CELERY_RESULT_BACKEND',
        null,
        [
          'env.CELERY_RESULT_BACKEND apps/worker/.env.example:2',
          'env.CELERY_RESULT_BACKEND apps/worker/worker/celery_app.py:8',
        ],
      ],
    ]);
  });

  it('finds Neon, OpenAI and Anthropic as external services', () => {
    assert.deepEqual(model.externalServices, [
      {
        id: 'anthropic',
        kind: 'llm',
        provider: 'anthropic',
        hosts: ['api.anthropic.com'],
        port: 443,
        usedBy: ['chat'],
        evidence: ev(
          ['env.ANTHROPIC_API_KEY', 'apps/chat/.env.example', 2],
          ['env.ANTHROPIC_API_KEY', 'apps/chat/chat/llm.py', 8],
          ['uses.anthropic', 'apps/chat/pyproject.toml', 10, 'dependency anthropic'],
        ),
      },
      {
        id: 'neon',
        kind: 'postgres',
        provider: 'neon',
        hosts: ['ep-quiet-meadow-a1b2c3d4-pooler.eu-central-1.aws.neon.tech'],
        port: 5432,
        usedBy: ['api', 'worker'],
        evidence: ev(
          ['env.DATABASE_URL', 'apps/api/.env.example', 2],
          ['env.DATABASE_URL', 'apps/api/alembic/env.py', 9],
          ['env.DATABASE_URL', 'apps/api/app/settings.py', 7, 'settings field database_url'],
          ['env.DATABASE_URL', 'apps/worker/.env.example', 3],
          ['env.DATABASE_URL', 'apps/worker/worker/tasks.py', 7],
        ),
      },
      {
        id: 'openai',
        kind: 'llm',
        provider: 'openai',
        hosts: ['api.openai.com'],
        port: 443,
        usedBy: ['chat'],
        evidence: ev(
          ['env.OPENAI_API_KEY', 'apps/chat/.env.example', 1],
          ['env.OPENAI_API_KEY', 'apps/chat/chat/llm.py', 7],
          ['uses.openai', 'apps/chat/pyproject.toml', 9, 'dependency openai'],
        ),
      },
    ]);
  });

  it('has no warnings', () => {
    assert.deepEqual(model.warnings, []);
  });

  it('gives each built component its own source digest and each image the digest of its reference', () => {
    const digests = model.components.map((c) => c.sourceDigest);
    assert.equal(new Set(digests).size, digests.length);
    for (const d of digests) assert.match(d, /^sha256:[0-9a-f]{64}$/);
  });
});
