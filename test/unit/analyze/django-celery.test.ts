/**
 * End to end on test/fixtures/django-celery: a Django project with Celery worker and beat from its Procfile, a release migration, a committed .env with dev values, Postgres and Redis on localhost.
 */
import { strict as assert } from 'node:assert';
import { analyzeRepository } from '../../../src/analyze';
import { AppModelSchema, type AppModel, type Component } from '../../../src/model/app';
import { component, edgeRows, ev, fixture, withoutDigest } from './support';

const EXPECTED: Record<string, Omit<Component, 'sourceDigest'>> = {
  'django-celery': {
    name: 'django-celery',
    kind: 'backend',
    path: '.',
    language: 'python',
    framework: { name: 'django', version: '5.1.4' },
    port: 8000,
    startCommand: 'gunicorn shop.wsgi:application --bind 0.0.0.0:$PORT --workers 3',
    healthPath: '/healthz/',
    build: { strategy: 'generate', context: '.' },
    env: [
      {
        name: 'ALLOWED_HOSTS',
        classification: 'config',
        reason: 'plain value',
        sources: ['dotenv', 'settings'],
        buildTime: false,
        defaultValue: 'localhost,127.0.0.1',
      },
      {
        name: 'CELERY_BROKER_URL',
        classification: 'config',
        reason: 'plain value',
        sources: ['dotenv', 'settings'],
        buildTime: false,
        defaultValue: 'redis://localhost:6379/0',
        refersTo: 'redis',
      },
      {
        name: 'DATABASE_URL',
        classification: 'secret',
        reason: 'URL with credentials',
        sources: ['dotenv', 'settings'],
        buildTime: false,
        fingerprint: 'sha256:a0157f6fd0a0',
        refersTo: 'postgres',
      },
      {
        name: 'DEBUG',
        classification: 'config',
        reason: 'plain value',
        sources: ['dotenv', 'settings'],
        buildTime: false,
        defaultValue: '1',
      },
      {
        name: 'DJANGO_SECRET_KEY',
        classification: 'secret',
        reason: 'name ends in _KEY',
        sources: ['dotenv', 'settings'],
        buildTime: false,
        fingerprint: 'sha256:17f44f3db3e4',
      },
    ],
    public: true,
    features: {
      migrations: { tool: 'django', command: 'python manage.py migrate --noinput' },
      appObject: 'shop.wsgi:application',
    },
    evidence: ev(
      ['build', 'requirements.txt', undefined, 'no Dockerfile: one is generated'],
      ['env.ALLOWED_HOSTS', '.env', 6, 'dotenv'],
      ['env.ALLOWED_HOSTS', 'shop/settings.py', 11, 'settings'],
      ['env.CELERY_BROKER_URL', '.env', 5, 'dotenv'],
      ['env.CELERY_BROKER_URL', 'shop/settings.py', 34, 'settings'],
      ['env.DATABASE_URL', '.env', 4, 'dotenv'],
      ['env.DATABASE_URL', 'shop/settings.py', 32, 'settings'],
      ['env.DEBUG', '.env', 2, 'dotenv'],
      ['env.DEBUG', 'shop/settings.py', 10, 'settings'],
      ['env.DJANGO_SECRET_KEY', '.env', 3, 'dotenv'],
      ['env.DJANGO_SECRET_KEY', 'shop/settings.py', 9, 'settings'],
      ['features.appObject', 'Procfile', 1, 'Procfile web'],
      ['features.migrations', 'Procfile', 4, 'Procfile release'],
      ['framework', 'requirements.txt', 1, 'dependency django ==5.1.4'],
      ['healthPath', 'shop/urls.py', 12, 'route /healthz/'],
      ['kind', 'requirements.txt', 1, 'Django project'],
      ['language', 'requirements.txt', undefined, 'Python (pip)'],
      ['port', 'requirements.txt', 1, 'gunicorn/runserver default port'],
      ['public', 'Procfile', 1, 'Procfile web process receives outside traffic'],
      ['startCommand', 'Procfile', 1, 'Procfile web'],
    ),
  },
  'django-celery-beat': {
    name: 'django-celery-beat',
    kind: 'worker',
    path: '.',
    language: 'python',
    framework: { name: 'celery', version: '5.4.0' },
    startCommand: 'celery -A shop beat --loglevel=info',
    build: { strategy: 'generate', context: '.' },
    env: [
      {
        name: 'ALLOWED_HOSTS',
        classification: 'config',
        reason: 'plain value',
        sources: ['dotenv', 'settings'],
        buildTime: false,
        defaultValue: 'localhost,127.0.0.1',
      },
      {
        name: 'CELERY_BROKER_URL',
        classification: 'config',
        reason: 'plain value',
        sources: ['dotenv', 'settings'],
        buildTime: false,
        defaultValue: 'redis://localhost:6379/0',
        refersTo: 'redis',
      },
      {
        name: 'DATABASE_URL',
        classification: 'secret',
        reason: 'URL with credentials',
        sources: ['dotenv', 'settings'],
        buildTime: false,
        fingerprint: 'sha256:a0157f6fd0a0',
        refersTo: 'postgres',
      },
      {
        name: 'DEBUG',
        classification: 'config',
        reason: 'plain value',
        sources: ['dotenv', 'settings'],
        buildTime: false,
        defaultValue: '1',
      },
      {
        name: 'DJANGO_SECRET_KEY',
        classification: 'secret',
        reason: 'name ends in _KEY',
        sources: ['dotenv', 'settings'],
        buildTime: false,
        fingerprint: 'sha256:17f44f3db3e4',
      },
    ],
    public: false,
    features: { queueFramework: 'celery' },
    evidence: ev(
      ['build', 'requirements.txt', undefined, 'no Dockerfile: one is generated'],
      ['env.ALLOWED_HOSTS', '.env', 6, 'dotenv'],
      ['env.ALLOWED_HOSTS', 'shop/settings.py', 11, 'settings'],
      ['env.CELERY_BROKER_URL', '.env', 5, 'dotenv'],
      ['env.CELERY_BROKER_URL', 'shop/settings.py', 34, 'settings'],
      ['env.DATABASE_URL', '.env', 4, 'dotenv'],
      ['env.DATABASE_URL', 'shop/settings.py', 32, 'settings'],
      ['env.DEBUG', '.env', 2, 'dotenv'],
      ['env.DEBUG', 'shop/settings.py', 10, 'settings'],
      ['env.DJANGO_SECRET_KEY', '.env', 3, 'dotenv'],
      ['env.DJANGO_SECRET_KEY', 'shop/settings.py', 9, 'settings'],
      ['features.queueFramework', 'Procfile', 3],
      ['framework', 'requirements.txt', 3, 'dependency celery'],
      ['kind', 'Procfile', 3, 'Procfile process beat'],
      ['kind', 'Procfile', 3, 'celery scheduler command'],
      ['language', 'requirements.txt', undefined, 'Python (pip)'],
      ['startCommand', 'Procfile', 3, 'Procfile beat'],
    ),
  },
  'django-celery-worker': {
    name: 'django-celery-worker',
    kind: 'worker',
    path: '.',
    language: 'python',
    framework: { name: 'celery', version: '5.4.0' },
    startCommand: 'celery -A shop worker --loglevel=info --concurrency=2',
    build: { strategy: 'generate', context: '.' },
    env: [
      {
        name: 'ALLOWED_HOSTS',
        classification: 'config',
        reason: 'plain value',
        sources: ['dotenv', 'settings'],
        buildTime: false,
        defaultValue: 'localhost,127.0.0.1',
      },
      {
        name: 'CELERY_BROKER_URL',
        classification: 'config',
        reason: 'plain value',
        sources: ['dotenv', 'settings'],
        buildTime: false,
        defaultValue: 'redis://localhost:6379/0',
        refersTo: 'redis',
      },
      {
        name: 'DATABASE_URL',
        classification: 'secret',
        reason: 'URL with credentials',
        sources: ['dotenv', 'settings'],
        buildTime: false,
        fingerprint: 'sha256:a0157f6fd0a0',
        refersTo: 'postgres',
      },
      {
        name: 'DEBUG',
        classification: 'config',
        reason: 'plain value',
        sources: ['dotenv', 'settings'],
        buildTime: false,
        defaultValue: '1',
      },
      {
        name: 'DJANGO_SECRET_KEY',
        classification: 'secret',
        reason: 'name ends in _KEY',
        sources: ['dotenv', 'settings'],
        buildTime: false,
        fingerprint: 'sha256:17f44f3db3e4',
      },
    ],
    public: false,
    features: { queueFramework: 'celery' },
    evidence: ev(
      ['build', 'requirements.txt', undefined, 'no Dockerfile: one is generated'],
      ['env.ALLOWED_HOSTS', '.env', 6, 'dotenv'],
      ['env.ALLOWED_HOSTS', 'shop/settings.py', 11, 'settings'],
      ['env.CELERY_BROKER_URL', '.env', 5, 'dotenv'],
      ['env.CELERY_BROKER_URL', 'shop/settings.py', 34, 'settings'],
      ['env.DATABASE_URL', '.env', 4, 'dotenv'],
      ['env.DATABASE_URL', 'shop/settings.py', 32, 'settings'],
      ['env.DEBUG', '.env', 2, 'dotenv'],
      ['env.DEBUG', 'shop/settings.py', 10, 'settings'],
      ['env.DJANGO_SECRET_KEY', '.env', 3, 'dotenv'],
      ['env.DJANGO_SECRET_KEY', 'shop/settings.py', 9, 'settings'],
      ['features.queueFramework', 'Procfile', 2],
      ['framework', 'requirements.txt', 3, 'dependency celery'],
      ['kind', 'Procfile', 2, 'Procfile process worker'],
      ['kind', 'Procfile', 2, 'celery worker command'],
      ['language', 'requirements.txt', undefined, 'Python (pip)'],
      ['startCommand', 'Procfile', 2, 'Procfile worker'],
    ),
  },
  postgres: {
    name: 'postgres',
    kind: 'database',
    path: '.',
    language: 'other',
    framework: { name: 'postgres', version: '16' },
    port: 5432,
    build: { strategy: 'image', image: 'postgres:16-alpine' },
    env: [],
    public: false,
    features: {},
    evidence: ev(
      ['build', '.env', 4, 'postgres needed but not supplied: default image postgres:16-alpine'],
      ['framework', '.env', 4, 'image postgres:16-alpine'],
      ['kind', '.env', 4, 'postgres database'],
      ['language', '.env', 4, 'prebuilt image'],
      ['port', '.env', 4, 'postgres port'],
      ['public', '.env', 4, 'datastores are internal'],
    ),
  },
  redis: {
    name: 'redis',
    kind: 'cache',
    path: '.',
    language: 'other',
    framework: { name: 'redis', version: '7' },
    port: 6379,
    build: { strategy: 'image', image: 'redis:7-alpine' },
    env: [],
    public: false,
    features: {},
    evidence: ev(
      ['build', '.env', 5, 'redis needed but not supplied: default image redis:7-alpine'],
      ['framework', '.env', 5, 'image redis:7-alpine'],
      ['kind', '.env', 5, 'redis cache'],
      ['language', '.env', 5, 'prebuilt image'],
      ['port', '.env', 5, 'redis port'],
      ['public', '.env', 5, 'datastores are internal'],
    ),
  },
};

describe('analyze: django-celery', () => {
  let model: AppModel;
  before(async () => {
    model = await analyzeRepository(fixture('django-celery'));
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
        'django-celery',
        'postgres',
        'component',
        'env',
        'DATABASE_URL',
        null,
        ['env.DATABASE_URL .env:4', 'env.DATABASE_URL shop/settings.py:32'],
      ],
      [
        'django-celery',
        'redis',
        'component',
        'env',
        'CELERY_BROKER_URL',
        null,
        ['env.CELERY_BROKER_URL .env:5', 'env.CELERY_BROKER_URL shop/settings.py:34'],
      ],
      [
        'django-celery-beat',
        'postgres',
        'component',
        'env',
        'DATABASE_URL',
        null,
        ['env.DATABASE_URL .env:4', 'env.DATABASE_URL shop/settings.py:32'],
      ],
      [
        'django-celery-beat',
        'redis',
        'component',
        'env',
        'CELERY_BROKER_URL',
        null,
        ['env.CELERY_BROKER_URL .env:5', 'env.CELERY_BROKER_URL shop/settings.py:34'],
      ],
      [
        'django-celery-worker',
        'postgres',
        'component',
        'env',
        'DATABASE_URL',
        null,
        ['env.DATABASE_URL .env:4', 'env.DATABASE_URL shop/settings.py:32'],
      ],
      [
        'django-celery-worker',
        'redis',
        'component',
        'env',
        'CELERY_BROKER_URL',
        null,
        ['env.CELERY_BROKER_URL .env:5', 'env.CELERY_BROKER_URL shop/settings.py:34'],
      ],
    ]);
  });

  it('lists the external services', () => {
    assert.deepEqual(model.externalServices, []);
  });

  it('reports the expected warnings', () => {
    assert.deepEqual(model.warnings, []);
  });
});
