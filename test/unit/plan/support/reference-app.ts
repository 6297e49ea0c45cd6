/**
 * The reference application, built by hand as the analyzer would describe it: a Next.js
 * frontend, a FastAPI backend with Alembic migrations on Neon, a streaming chatbot calling
 * OpenAI, Redis, and a Celery worker on RabbitMQ.
 */
import type { AppModel, Component, EnvVar } from '../../../../src/model/app';

function digest(seed: string): string {
  let hex = '';
  for (let i = 0; hex.length < 64; i++)
    hex += ((seed.charCodeAt(i % seed.length) * (i + 7)) % 256).toString(16).padStart(2, '0');
  return `sha256:${hex.slice(0, 64)}`;
}

function v(name: string, classification: 'config' | 'secret', extra: Partial<EnvVar> = {}): EnvVar {
  return {
    name,
    classification,
    reason: classification === 'secret' ? 'name suggests a credential' : 'plain setting',
    sources: ['dotenv-example'],
    buildTime: false,
    ...extra,
  };
}

function component(
  c: Partial<Component> & Pick<Component, 'name' | 'kind' | 'language'>,
): Component {
  return {
    path: c.name,
    build: { strategy: 'generate', context: c.name },
    env: [],
    public: false,
    features: {},
    sourceDigest: digest(c.name),
    evidence: [{ field: 'kind', file: `${c.name}/README.md`, line: 1 }],
    ...c,
  };
}

/** A fresh copy of the reference AppModel. */
export function referenceApp(): AppModel {
  return {
    schemaVersion: 1,
    name: 'acme-chat',
    components: [
      component({
        name: 'api',
        kind: 'backend',
        language: 'python',
        framework: { name: 'fastapi', version: '0.115.6' },
        port: 8000,
        startCommand: 'uvicorn app.main:app --host 0.0.0.0 --port 8000',
        healthPath: '/api/health',
        readinessPath: '/api/ready',
        public: true,
        env: [
          v('CELERY_BROKER_URL', 'secret', {
            refersTo: 'rabbitmq',
            reason: 'URL with credentials',
          }),
          v('CORS_ORIGINS', 'config'),
          v('DATABASE_URL', 'secret', { refersTo: 'neon', fingerprint: 'sha256:0123456789ab' }),
          v('LOG_LEVEL', 'config', { defaultValue: 'info' }),
          v('REDIS_URL', 'config', { refersTo: 'redis', defaultValue: 'redis://localhost:6379/0' }),
          v('SECRET_KEY', 'secret'),
        ],
        features: {
          migrations: { tool: 'alembic', command: 'alembic upgrade head' },
          appObject: 'app.main:app',
        },
        evidence: [
          { field: 'framework', file: 'api/requirements.txt', line: 1 },
          { field: 'port', file: 'api/app/main.py', line: 12 },
        ],
      }),
      component({
        name: 'chatbot',
        kind: 'chatbot',
        language: 'python',
        framework: { name: 'fastapi', version: '0.115.6' },
        port: 8001,
        startCommand: 'uvicorn chatbot.main:app --host 0.0.0.0 --port 8001',
        healthPath: '/chat/health',
        public: true,
        env: [
          v('API_URL', 'config', { refersTo: 'api', defaultValue: 'http://localhost:8000' }),
          v('OPENAI_API_KEY', 'secret', { refersTo: 'openai' }),
          v('OPENAI_MODEL', 'config', { defaultValue: 'gpt-4o-mini' }),
          v('REDIS_URL', 'config', { refersTo: 'redis', defaultValue: 'redis://localhost:6379/0' }),
        ],
        features: { streaming: true, appObject: 'chatbot.main:app' },
      }),
      component({
        name: 'rabbitmq',
        kind: 'queue',
        language: 'other',
        port: 5672,
        build: { strategy: 'image', image: 'rabbitmq:3-management-alpine' },
        features: { volumes: [{ name: 'rabbitmq-data', mountPath: '/var/lib/rabbitmq' }] },
      }),
      component({
        name: 'redis',
        kind: 'cache',
        language: 'other',
        port: 6379,
        build: { strategy: 'image', image: 'redis:7-alpine' },
      }),
      component({
        name: 'web',
        kind: 'frontend',
        language: 'typescript',
        framework: { name: 'next', version: '15.1.0' },
        port: 3000,
        public: true,
        env: [
          v('API_URL', 'config', { refersTo: 'api', sources: ['code'] }),
          v('NEXTAUTH_SECRET', 'secret'),
          v('NEXT_PUBLIC_API_URL', 'config', { refersTo: 'api', buildTime: true }),
          v('NEXT_PUBLIC_CHAT_URL', 'config', { refersTo: 'chatbot', buildTime: true }),
        ],
        features: { nextOutput: 'standalone', apiRoutes: false },
      }),
      component({
        name: 'worker',
        kind: 'worker',
        language: 'python',
        path: 'api',
        startCommand: 'celery -A app.worker worker --loglevel=INFO',
        build: { strategy: 'generate', context: 'api' },
        env: [
          v('CELERY_BROKER_URL', 'secret', {
            refersTo: 'rabbitmq',
            reason: 'URL with credentials',
          }),
          v('DATABASE_URL', 'secret', { refersTo: 'neon' }),
          v('OPENAI_API_KEY', 'secret', { refersTo: 'openai' }),
          v('REDIS_URL', 'config', { refersTo: 'redis', defaultValue: 'redis://localhost:6379/0' }),
        ],
        features: { queueFramework: 'celery' },
      }),
    ],
    externalServices: [
      {
        id: 'neon',
        kind: 'postgres',
        provider: 'neon',
        hosts: ['ep-cool-darkness-123456-pooler.eu-central-1.aws.neon.tech'],
        port: 5432,
        usedBy: ['api', 'worker'],
        evidence: [{ field: 'env.DATABASE_URL', file: 'api/.env.example', line: 2 }],
      },
      {
        id: 'openai',
        kind: 'llm',
        provider: 'openai',
        hosts: ['api.openai.com'],
        port: 443,
        usedBy: ['chatbot', 'worker'],
        evidence: [{ field: 'import', file: 'chatbot/chatbot/llm.py', line: 3 }],
      },
    ],
    edges: [
      edge('api', 'neon', 'external', 'DATABASE_URL'),
      edge('api', 'rabbitmq', 'component', 'CELERY_BROKER_URL'),
      edge('api', 'redis', 'component', 'REDIS_URL'),
      edge('chatbot', 'api', 'component', 'API_URL'),
      edge('chatbot', 'openai', 'external', 'OPENAI_API_KEY'),
      edge('chatbot', 'redis', 'component', 'REDIS_URL'),
      edge('web', 'api', 'component', 'NEXT_PUBLIC_API_URL'),
      edge('web', 'chatbot', 'component', 'NEXT_PUBLIC_CHAT_URL'),
      edge('worker', 'neon', 'external', 'DATABASE_URL'),
      edge('worker', 'openai', 'external', 'OPENAI_API_KEY'),
      edge('worker', 'rabbitmq', 'component', 'CELERY_BROKER_URL'),
      edge('worker', 'redis', 'component', 'REDIS_URL'),
    ],
    warnings: [],
  };
}

function edge(
  from: string,
  to: string,
  target: 'component' | 'external',
  envVar: string,
): AppModel['edges'][number] {
  return {
    from,
    to,
    target,
    via: 'env',
    envVar,
    evidence: [{ field: `env.${envVar}`, file: `${from}/.env.example`, line: 1 }],
  };
}

/**
 * The reference app with an in-cluster Postgres (`db`, from compose) instead of Neon; the
 * api uses pgvector.
 */
export function postgresApp(): AppModel {
  const app = referenceApp();
  app.externalServices = app.externalServices.filter((s) => s.id !== 'neon');
  app.components.push(
    component({
      name: 'db',
      kind: 'database',
      language: 'other',
      port: 5432,
      build: { strategy: 'image', image: 'postgres:16' },
    }),
  );
  for (const c of app.components)
    for (const v of c.env) if (v.refersTo === 'neon') v.refersTo = 'db';
  app.components.find((c) => c.name === 'api')!.features.vector = 'pgvector';
  app.edges = app.edges
    .map((e) => (e.to === 'neon' ? { ...e, to: 'db', target: 'component' as const } : e))
    .sort((a, b) => (a.from + a.to < b.from + b.to ? -1 : 1));
  app.components.sort((a, b) => (a.name < b.name ? -1 : 1));
  return app;
}
