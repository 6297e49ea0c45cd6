import { strict as assert } from 'node:assert';
import { nameToken, parseUrl } from '../../../src/analyze/edges';
import { assembleFiles, component, edgeRows } from './support';

const fastapi = (extra = ''): Record<string, string> => ({
  'requirements.txt': `fastapi==0.115.6\n${extra}`,
  'main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
});

function under(dir: string, files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(files).map(([k, v]) => [`${dir}/${k}`, v]));
}

describe('analyze/edges', () => {
  it('parses URLs without ever returning credentials', () => {
    assert.deepEqual(parseUrl('postgresql+asyncpg://u:pw@db.internal:6543/app'), {
      scheme: 'postgresql+asyncpg',
      host: 'db.internal',
      port: 6543,
    });
    assert.deepEqual(parseUrl('mongodb+srv://u:p@c0.x.mongodb.net,c1.x.mongodb.net/db'), {
      scheme: 'mongodb+srv',
      host: 'c0.x.mongodb.net',
    });
    assert.equal(parseUrl('not a url'), undefined);
    assert.deepEqual(
      [
        'NEXT_PUBLIC_API_URL',
        'ORDERS_SERVICE_URL',
        'PAYMENTS_BASE_URL',
        'OPENAI_API_KEY',
        'USERS_HOST',
      ].map(nameToken),
      ['api', 'orders', 'payments', undefined, 'users'],
    );
  });

  it('resolves localhost URLs by port, compose hosts by name, external hosts by provider', () => {
    const model = assembleFiles({
      ...under('web', {
        'package.json': '{ "dependencies": { "next": "15.1.6" } }',
        '.env.example':
          'NEXT_PUBLIC_BACKEND=http://localhost:8000\nNEXT_PUBLIC_API_URL=http://localhost:8000/v1\n',
      }),
      ...under('api', {
        ...fastapi(),
        '.env':
          'DATABASE_URL=postgres://u:p@ep-1.neon.tech/db\nSEARCH_URL=http://search:7700\nBILLING_URL=https://billing.example.com\nSTATS_URL=https://stats.acme.io/api\n',
      }),
      'compose.yaml':
        'services:\n  search:\n    image: getmeili/meilisearch:v1.12\n    ports: ["7700:7700"]\n',
    });
    assert.deepEqual(
      edgeRows(model).map((r) => r.slice(0, 5)),
      [
        ['api', 'host:stats.acme.io', 'external', 'env', 'STATS_URL'],
        ['api', 'neon', 'external', 'env', 'DATABASE_URL'],
        ['api', 'search', 'component', 'env', 'SEARCH_URL'],
        ['web', 'api', 'component', 'env', 'NEXT_PUBLIC_API_URL'],
      ],
    );
    assert.deepEqual(
      model.externalServices.map((x) => [x.id, x.kind, x.provider, x.hosts, x.port, x.usedBy]),
      [
        ['host:stats.acme.io', 'http', 'http', ['stats.acme.io'], 443, ['api']],
        ['neon', 'postgres', 'neon', ['ep-1.neon.tech'], 5432, ['api']],
      ],
    );
    assert.equal(component(model, 'api').public, true, 'called from the browser');
    assert.equal(component(model, 'search').public, false);
    assert.equal(
      component(model, 'api').env.find((e) => e.name === 'SEARCH_URL')?.refersTo,
      'search',
    );
  });

  it('creates a local datastore the app needs but nothing supplies, once', () => {
    const model = assembleFiles({
      ...under('a', {
        ...fastapi('redis==5.2\n'),
        '.env.example': 'REDIS_URL=redis://localhost:6379/0\n',
      }),
      ...under('b', fastapi('psycopg==3.2\npgvector==0.3\nredis==5.2\n')),
    });
    assert.deepEqual(
      model.components.map((c) => [c.name, c.kind, c.build]),
      [
        ['a', 'backend', { strategy: 'generate', context: 'a' }],
        ['b', 'backend', { strategy: 'generate', context: 'b' }],
        ['postgres', 'database', { strategy: 'image', image: 'pgvector/pgvector:pg16' }],
        ['redis', 'cache', { strategy: 'image', image: 'redis:7-alpine' }],
      ],
    );
    assert.deepEqual(edgeRows(model), [
      ['a', 'redis', 'component', 'env', 'REDIS_URL', null, ['env.REDIS_URL a/.env.example:1']],
      [
        'b',
        'postgres',
        'component',
        'code',
        null,
        null,
        [
          'uses.postgres b/requirements.txt:2 (dependency psycopg)',
          'uses.postgres b/requirements.txt:3 (dependency pgvector)',
        ],
      ],
      [
        'b',
        'redis',
        'component',
        'code',
        null,
        null,
        ['uses.redis b/requirements.txt:4 (dependency redis)'],
      ],
    ]);
    assert.equal(component(model, 'postgres').features.vector, 'pgvector');
  });

  it('does not create a datastore the app reaches on a managed host', () => {
    const model = assembleFiles({
      ...fastapi('redis==5.2\nasyncpg==0.30\n'),
      '.env.example':
        'REDIS_URL=rediss://default:pw@eu1-fun-123.upstash.io:6379\nDATABASE_URL=postgresql+asyncpg://u:p@db.corp-internal.net:5432/app\n',
    });
    assert.deepEqual(
      model.components.map((c) => c.name),
      ['repo'],
    );
    assert.deepEqual(
      model.externalServices.map((x) => [x.id, x.kind, x.provider, x.port]),
      [
        ['host:db.corp-internal.net', 'postgres', 'postgres', 5432],
        ['upstash', 'cache', 'upstash', 6379],
      ],
    );
  });

  it('takes a template host in a connection string for an external service to be supplied', () => {
    const model = assembleFiles({
      ...fastapi('psycopg==3.2\n'),
      '.env.example': 'DATABASE_URL=postgres://user:pass@your-db-host.example.com:5432/app\n',
    });
    assert.deepEqual(
      model.components.map((c) => c.name),
      ['repo'],
    );
    assert.deepEqual(
      model.externalServices.map((x) => [x.id, x.kind, x.provider, x.hosts, x.port]),
      [['external-postgres', 'postgres', 'postgres', [], 5432]],
    );
  });

  it('treats CORS origins and callback URLs as references, not dependencies, and never depends on a frontend', () => {
    const model = assembleFiles({
      ...under('web', { 'package.json': '{ "dependencies": { "next": "15.1.6" } }' }),
      ...under('api', {
        ...fastapi(),
        '.env':
          'CORS_ORIGINS=http://localhost:3000\nWEB_BASE=http://localhost:3000\nOAUTH_CALLBACK_URL=http://localhost:3000/cb\n',
      }),
    });
    assert.deepEqual(model.edges, []);
    assert.equal(
      component(model, 'api').env.find((e) => e.name === 'WEB_BASE')?.refersTo,
      undefined,
    );
  });

  it('keeps one edge per pair, with the strongest way it was found and all evidence', () => {
    const model = assembleFiles({
      'compose.yaml':
        'services:\n  api:\n    build: .\n    environment:\n      REDIS_URL: redis://cache:6379\n    depends_on:\n      cache:\n        condition: service_healthy\n  cache:\n    image: redis:7\n',
      ...fastapi('redis==5.2\n'),
    });
    assert.deepEqual(edgeRows(model), [
      [
        'api',
        'cache',
        'component',
        'compose',
        'REDIS_URL',
        'healthy',
        ['depends_on compose.yaml:7', 'env.REDIS_URL compose.yaml:5'],
      ],
    ]);
  });

  it('names OPENAI_API_KEY’s service and links Neon by its driver when DATABASE_URL has no value', () => {
    const model = assembleFiles({
      'package.json':
        '{ "dependencies": { "express": "^5.1.0", "@neondatabase/serverless": "^0.10.0" } }',
      'index.js':
        'const db = neon(process.env.DATABASE_URL);\nconst key = process.env.OPENAI_API_KEY;\napp.listen(3000);\n',
    });
    assert.deepEqual(
      edgeRows(model).map((r) => r.slice(0, 5)),
      [
        ['repo', 'neon', 'external', 'env', 'DATABASE_URL'],
        ['repo', 'openai', 'external', 'env', 'OPENAI_API_KEY'],
      ],
    );
    assert.deepEqual(
      model.components.map((c) => c.name),
      ['repo'],
    );
  });
});
