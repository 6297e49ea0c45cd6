import { strict as assert } from 'node:assert';
import {
  detectDatastoreDeps,
  imageRepository,
  imageTag,
  storeDraft,
  storeFromEnvName,
  storeFromImage,
  storeFromScheme,
} from '../../../../src/analyze/detectors/datastores';
import { detectEnvFiles, dotenvSource } from '../../../../src/analyze/detectors/env-files';
import {
  detectExternalServices,
  externalFromEnvName,
  externalFromHost,
} from '../../../../src/analyze/detectors/external-services';
import { PRIORITY } from '../../../../src/analyze/draft';
import { detect } from '../support';

describe('analyze/detectors: datastores', () => {
  it('recognises engines in images, schemes and env names', () => {
    assert.deepEqual(
      [
        'redis:7.4-alpine',
        'docker.io/library/postgres:16',
        'pgvector/pgvector:pg16',
        'bitnami/kafka:3.7',
        'ghcr.io/chroma-core/chroma:0.5',
        'mongo@sha256:abc',
        'adminer:4',
        'localhost:5000/redis',
      ].map(storeFromImage),
      ['redis', 'postgres', 'postgres', 'kafka', 'chroma', 'mongodb', undefined, 'redis'],
    );
    assert.equal(imageRepository('registry.example.com:5000/team/app:1.2'), 'team/app');
    assert.equal(imageTag('redis:7.4-alpine'), '7.4-alpine');
    assert.equal(imageTag('localhost:5000/redis'), undefined);
    assert.deepEqual(
      ['postgresql+asyncpg', 'rediss', 'amqps', 'mongodb+srv', 'http'].map(storeFromScheme),
      ['postgres', 'redis', 'rabbitmq', 'mongodb', undefined],
    );
    assert.deepEqual(
      ['DATABASE_URL', 'REDIS_HOST', 'AMQP_URL', 'KAFKA_BROKERS', 'QDRANT_URL', 'API_URL'].map(
        storeFromEnvName,
      ),
      ['postgres', 'redis', 'rabbitmq', 'kafka', 'qdrant', undefined],
    );
  });

  it('finds client libraries, broker extras and Prisma datasources', () => {
    const { draft } = detect(
      {
        'requirements.txt':
          'psycopg[binary]==3.2\npgvector==0.3\ncelery[redis]==5.4\npika==1.3\npytest==8\n',
        'prisma/schema.prisma':
          'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n',
      },
      [detectDatastoreDeps],
    );
    assert.deepEqual(
      draft.uses.map((u) =>
        u.type === 'store' ? [u.store, u.loc.file, u.loc.line, u.loc.note, u.vector ?? null] : [],
      ),
      [
        ['postgres', 'requirements.txt', 1, 'dependency psycopg', null],
        ['postgres', 'requirements.txt', 2, 'dependency pgvector', 'pgvector'],
        ['redis', 'requirements.txt', 3, 'dependency celery[redis]', null],
        ['rabbitmq', 'requirements.txt', 4, 'dependency pika', null],
        ['postgres', 'prisma/schema.prisma', 2, 'Prisma datasource postgresql', null],
      ],
    );
    assert.equal(draft.getFeature('vector'), 'pgvector');
  });

  it('builds a datastore component draft from an image', () => {
    const d = storeDraft(
      'cache',
      'redis',
      'redis:7.4-alpine',
      { file: 'compose.yaml', line: 3 },
      PRIORITY.compose,
    );
    assert.equal(d.get('kind'), 'cache');
    assert.deepEqual(d.get('framework'), { name: 'redis', version: '7.4' });
    assert.deepEqual(d.get('build'), { strategy: 'image', image: 'redis:7.4-alpine' });
    assert.equal(d.get('port'), 6379);
    assert.equal(d.get('public'), false);
    const pg = storeDraft(
      'postgres',
      'postgres',
      undefined,
      { file: 'x' },
      PRIORITY.inferred,
      '.',
      'pgvector',
    );
    assert.deepEqual(pg.get('build'), { strategy: 'image', image: 'pgvector/pgvector:pg16' });
    assert.equal(pg.getFeature('vector'), 'pgvector');
  });
});

describe('analyze/detectors: external services', () => {
  it('recognises hosts and key names', () => {
    assert.deepEqual(
      [
        'ep-x-123.eu-central-1.aws.neon.tech',
        'api.openai.com',
        'db.abc.supabase.co',
        'my-bucket.s3.eu-west-1.amazonaws.com',
        'ec2.amazonaws.com',
        'example.org',
      ].map((h) => externalFromHost(h)?.id),
      ['neon', 'openai', 'supabase', 's3', undefined, undefined],
    );
    assert.deepEqual(
      ['OPENAI_API_KEY', 'GEMINI_API_KEY', 'AI_GATEWAY_API_KEY', 'SOME_KEY'].map(
        (n) => externalFromEnvName(n)?.id,
      ),
      ['openai', 'google', 'vercel-ai-gateway', undefined],
    );
  });

  it('finds SDKs, raw API calls, and the AI Gateway when the AI SDK has no provider', () => {
    const { draft } = detect(
      {
        'package.json':
          '{\n  "dependencies": {\n    "ai": "^5.0.0",\n    "@neondatabase/serverless": "^0.10.0",\n    "@vercel/blob": "^0.27.0"\n  }\n}\n',
        'lib/claude.ts': "export const u = 'https://api.anthropic.com/v1/messages';\n",
      },
      [detectExternalServices],
    );
    assert.deepEqual(
      draft.uses.map((u) =>
        u.type === 'external' ? [u.service.id, u.loc.file, u.loc.line, u.loc.note] : [],
      ),
      [
        ['neon', 'package.json', 4, 'dependency @neondatabase/serverless'],
        ['vercel-blob', 'package.json', 5, 'dependency @vercel/blob'],
        ['anthropic', 'lib/claude.ts', 1, 'calls api.anthropic.com'],
      ],
    );
    const gateway = detect({ 'package.json': '{ "dependencies": { "ai": "^5.0.0" } }' }, [
      detectExternalServices,
    ]).draft;
    assert.deepEqual(
      gateway.uses.map((u) => (u.type === 'external' ? u.service.id : '')),
      ['vercel-ai-gateway'],
    );
  });

  it('counts LangChain as a service only when no provider package is beside it', () => {
    const alone = detect({ 'requirements.txt': 'langchain==0.3\n' }, [
      detectExternalServices,
    ]).draft;
    assert.deepEqual(
      alone.uses.map((u) => (u.type === 'external' ? [u.service.id, u.loc.note] : [])),
      [['langchain', 'dependency langchain; provider not identified']],
    );
    const withProvider = detect({ 'requirements.txt': 'langchain==0.3\nlangchain-openai==0.2\n' }, [
      detectExternalServices,
    ]).draft;
    assert.deepEqual(
      withProvider.uses.map((u) => (u.type === 'external' ? u.service.id : '')),
      ['openai'],
    );
  });
});

describe('analyze/detectors: env files', () => {
  it('reads the unit’s env files and code references', () => {
    const { draft } = detect(
      {
        'package.json': '{}',
        '.env': 'A=1\n',
        '.env.example': 'B=\n',
        '.env.production.local': 'C=3\n',
        'src/x.ts': 'process.env.D;\n',
        'src/x.test.ts': 'process.env.E;\n',
      },
      [detectEnvFiles],
    );
    assert.deepEqual(
      draft.env.map((r) => [r.name, r.source, r.value ?? null, r.loc.file, r.loc.line]),
      [
        ['A', 'dotenv', '1', '.env', 1],
        ['B', 'dotenv-example', '', '.env.example', 1],
        ['C', 'dotenv', '3', '.env.production.local', 1],
        ['D', 'code', null, 'src/x.ts', 1],
      ],
    );
    assert.deepEqual(
      [
        '.env',
        '.env.local',
        '.env.example',
        '.env.sample',
        'example.env',
        '.env.staging.example',
        'env.ts',
      ].map(dotenvSource),
      [
        'dotenv',
        'dotenv',
        'dotenv-example',
        'dotenv-example',
        'dotenv-example',
        'dotenv-example',
        undefined,
      ],
    );
  });
});
