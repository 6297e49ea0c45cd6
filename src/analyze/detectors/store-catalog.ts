/**
 * The engines the analyzer recognises, and how: compose images, connection-URL schemes, env var
 * names and client-library dependencies, each mapped to an engine with its default image, port
 * and the kinds it takes as a component and as a managed service.
 */
import type { ComponentKind, ExternalServiceKind } from '../../model/app';

/** Engines the analyzer recognises. */
export type StoreId =
  | 'postgres'
  | 'redis'
  | 'rabbitmq'
  | 'kafka'
  | 'nats'
  | 'mongodb'
  | 'qdrant'
  | 'chroma'
  | 'mysql'
  | 'neo4j'
  | 'elasticsearch'
  | 'meilisearch'
  | 'weaviate'
  | 'milvus'
  | 'minio'
  | 'ollama';

/** What stackpilot needs to run an engine in the cluster. */
export interface StoreDef {
  id: StoreId;
  kind: ComponentKind;
  /** Image used when the app needs the engine but no compose file pins one. */
  image: string;
  port: number;
  /** Kind of the external service when the engine is reached on a managed host. */
  externalKind: ExternalServiceKind;
}

/** Default image, port and kinds of each engine. */
export const STORES: Readonly<Record<StoreId, StoreDef>> = {
  postgres: {
    id: 'postgres',
    kind: 'database',
    image: 'postgres:16-alpine',
    port: 5432,
    externalKind: 'postgres',
  },
  redis: { id: 'redis', kind: 'cache', image: 'redis:7-alpine', port: 6379, externalKind: 'cache' },
  rabbitmq: {
    id: 'rabbitmq',
    kind: 'queue',
    image: 'rabbitmq:3.13-management-alpine',
    port: 5672,
    externalKind: 'queue',
  },
  kafka: {
    id: 'kafka',
    kind: 'queue',
    image: 'apache/kafka:3.8.0',
    port: 9092,
    externalKind: 'queue',
  },
  nats: { id: 'nats', kind: 'queue', image: 'nats:2.10-alpine', port: 4222, externalKind: 'queue' },
  mongodb: { id: 'mongodb', kind: 'database', image: 'mongo:7', port: 27017, externalKind: 'http' },
  qdrant: {
    id: 'qdrant',
    kind: 'database',
    image: 'qdrant/qdrant:v1.12.4',
    port: 6333,
    externalKind: 'vector',
  },
  chroma: {
    id: 'chroma',
    kind: 'database',
    image: 'chromadb/chroma:0.5.20',
    port: 8000,
    externalKind: 'vector',
  },
  mysql: { id: 'mysql', kind: 'database', image: 'mysql:8.4.3', port: 3306, externalKind: 'http' },
  neo4j: { id: 'neo4j', kind: 'database', image: 'neo4j:5.26.0', port: 7687, externalKind: 'http' },
  elasticsearch: {
    id: 'elasticsearch',
    kind: 'database',
    image: 'docker.elastic.co/elasticsearch/elasticsearch:8.16.1',
    port: 9200,
    externalKind: 'http',
  },
  meilisearch: {
    id: 'meilisearch',
    kind: 'database',
    image: 'getmeili/meilisearch:v1.11.3',
    port: 7700,
    externalKind: 'http',
  },
  weaviate: {
    id: 'weaviate',
    kind: 'database',
    image: 'cr.weaviate.io/semitechnologies/weaviate:1.27.6',
    port: 8080,
    externalKind: 'vector',
  },
  milvus: {
    id: 'milvus',
    kind: 'database',
    image: 'milvusdb/milvus:v2.4.17',
    port: 19530,
    externalKind: 'vector',
  },
  minio: {
    id: 'minio',
    kind: 'database',
    image: 'minio/minio:RELEASE.2024-11-07T00-52-20Z',
    port: 9000,
    externalKind: 'blob',
  },
  // A model server: it answers HTTP like a backend, and is an LLM provider when hosted.
  ollama: {
    id: 'ollama',
    kind: 'backend',
    image: 'ollama/ollama:0.4.7',
    port: 11434,
    externalKind: 'llm',
  },
};

/** The Postgres image with pgvector, used when the app needs the extension. */
export const PGVECTOR_IMAGE = 'pgvector/pgvector:pg16';

const IMAGE_PATTERNS: Array<[RegExp, StoreId]> = [
  [
    /^(library\/)?(postgres|postgis\/postgis|pgvector\/pgvector|timescale\/timescaledb[-\w]*|bitnami\/postgresql|supabase\/postgres)$/,
    'postgres',
  ],
  [
    /^(library\/)?(redis|bitnami\/redis|redis\/redis-stack(-server)?|redislabs\/(redismod|redisearch|rejson)|valkey\/valkey|bitnami\/valkey|eqalpha\/keydb)$/,
    'redis',
  ],
  [/^(library\/)?(rabbitmq|bitnami\/rabbitmq)$/, 'rabbitmq'],
  [
    /^(apache\/kafka(-native)?|bitnami\/kafka|confluentinc\/cp-kafka|redpandadata\/redpanda|vectorized\/redpanda)$/,
    'kafka',
  ],
  [/^(library\/)?(nats|bitnami\/nats)$/, 'nats'],
  [/^(library\/)?(mongo|bitnami\/mongodb|mongodb\/mongodb-community-server)$/, 'mongodb'],
  [/^qdrant\/qdrant$/, 'qdrant'],
  [/^(chromadb\/chroma|chroma-core\/chroma)$/, 'chroma'],
  [
    /^(library\/)?(mysql|mariadb|percona|bitnami\/mysql|bitnami\/mariadb|mysql\/mysql-server|percona\/percona-server)$/,
    'mysql',
  ],
  [/^(library\/)?neo4j$|^bitnami\/neo4j$/, 'neo4j'],
  [
    /^(library\/)?elasticsearch$|^(elasticsearch\/elasticsearch|bitnami\/elasticsearch|opensearchproject\/opensearch|bitnami\/opensearch)$/,
    'elasticsearch',
  ],
  [/^getmeili\/meilisearch$/, 'meilisearch'],
  [/^semitechnologies\/weaviate$/, 'weaviate'],
  [/^milvusdb\/milvus$/, 'milvus'],
  [/^(minio\/minio|bitnami\/minio)$/, 'minio'],
  [/^ollama\/ollama$/, 'ollama'],
];

/** Repository part of an image reference, without registry, tag or digest (`docker.io/library/redis:7` → `library/redis`). */
export function imageRepository(image: string): string {
  let ref = image.split('@')[0]!;
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) ref = ref.slice(0, colon);
  const parts = ref.split('/');
  if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0]!)) parts.shift();
  return parts.join('/').toLowerCase();
}

/** Tag of an image reference (`redis:7.4-alpine` → `7.4-alpine`), if any. */
export function imageTag(image: string): string | undefined {
  const ref = image.split('@')[0]!;
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? ref.slice(colon + 1) : undefined;
}

/** Engine of an image reference (`bitnami/redis:7` → redis), or `undefined`. */
export function storeFromImage(image: string): StoreId | undefined {
  const repo = imageRepository(image);
  return IMAGE_PATTERNS.find(([re]) => re.test(repo))?.[1];
}

const SCHEMES: Record<string, StoreId> = {
  postgres: 'postgres',
  postgresql: 'postgres',
  redis: 'redis',
  rediss: 'redis',
  valkey: 'redis',
  amqp: 'rabbitmq',
  amqps: 'rabbitmq',
  kafka: 'kafka',
  nats: 'nats',
  tls: 'nats',
  mongodb: 'mongodb',
  'mongodb+srv': 'mongodb',
  mysql: 'mysql',
  mariadb: 'mysql',
  neo4j: 'neo4j',
  'neo4j+s': 'neo4j',
  'neo4j+ssc': 'neo4j',
  bolt: 'neo4j',
  'bolt+s': 'neo4j',
};

/** Engine of a connection URL scheme; driver suffixes are ignored (`postgresql+asyncpg`). */
export function storeFromScheme(scheme: string): StoreId | undefined {
  const s = scheme.toLowerCase();
  return SCHEMES[s] ?? SCHEMES[s.split('+')[0]!];
}

const ENV_NAMES: Array<[RegExp, StoreId]> = [
  [
    /^(DATABASE_URL|DB_URL|POSTGRES(QL)?_(URL|URI|DSN|HOST)|PG(HOST|DATABASE)|DATABASE_URL_UNPOOLED|DIRECT_(DATABASE_)?URL)$/,
    'postgres',
  ],
  [/^(REDIS_(URL|URI|HOST|DSN)|CACHE_URL|KV_URL|VALKEY_URL)$/, 'redis'],
  [/^(RABBITMQ_(URL|URI|HOST)|AMQP_(URL|URI))$/, 'rabbitmq'],
  [/^KAFKA_(BROKERS?|BOOTSTRAP_SERVERS|URL)$/, 'kafka'],
  [/^NATS_(URL|SERVERS?)$/, 'nats'],
  [/^(MONGO(DB)?_(URL|URI|HOST))$/, 'mongodb'],
  [/^QDRANT_(URL|HOST)$/, 'qdrant'],
  [/^CHROMA(DB)?_(URL|HOST)$/, 'chroma'],
  [/^(MYSQL|MARIADB)_(URL|URI|HOST|DSN)$/, 'mysql'],
  [/^NEO4J_(URI|URL|HOST)$/, 'neo4j'],
  [/^(ELASTICSEARCH|ELASTIC|ES|OPENSEARCH)_(URL|HOSTS?|ENDPOINT|NODES?)$/, 'elasticsearch'],
  [/^MEILI(SEARCH)?_(HOST|URL)$/, 'meilisearch'],
  [/^WEAVIATE_(URL|HOST)$/, 'weaviate'],
  [/^MILVUS_(URI|URL|HOST)$/, 'milvus'],
  [/^MINIO_(ENDPOINT|URL|HOST)$/, 'minio'],
  [/^OLLAMA_(HOST|URL|BASE_URL|API_BASE|ENDPOINT)$/, 'ollama'],
];

/** Engine an env var name conventionally points at (`REDIS_URL` → redis). */
export function storeFromEnvName(name: string): StoreId | undefined {
  return ENV_NAMES.find(([re]) => re.test(name))?.[1];
}

/** What a client library says: the engine, and the vector extension it brings. */
export interface DepStore {
  store: StoreId;
  vector?: string;
}

/** npm client libraries by package name. */
export const NPM_DEPS: Record<string, DepStore> = {
  pg: { store: 'postgres' },
  postgres: { store: 'postgres' },
  'pg-promise': { store: 'postgres' },
  slonik: { store: 'postgres' },
  pgvector: { store: 'postgres', vector: 'pgvector' },
  redis: { store: 'redis' },
  ioredis: { store: 'redis' },
  bullmq: { store: 'redis' },
  bull: { store: 'redis' },
  amqplib: { store: 'rabbitmq' },
  'amqp-connection-manager': { store: 'rabbitmq' },
  kafkajs: { store: 'kafka' },
  '@confluentinc/kafka-javascript': { store: 'kafka' },
  nats: { store: 'nats' },
  mongodb: { store: 'mongodb' },
  mongoose: { store: 'mongodb' },
  '@qdrant/js-client-rest': { store: 'qdrant', vector: 'qdrant' },
  '@qdrant/qdrant-js': { store: 'qdrant', vector: 'qdrant' },
  chromadb: { store: 'chroma', vector: 'chroma' },
  mysql: { store: 'mysql' },
  mysql2: { store: 'mysql' },
  mariadb: { store: 'mysql' },
  'neo4j-driver': { store: 'neo4j' },
  '@elastic/elasticsearch': { store: 'elasticsearch' },
  '@opensearch-project/opensearch': { store: 'elasticsearch' },
  meilisearch: { store: 'meilisearch' },
  'weaviate-client': { store: 'weaviate', vector: 'weaviate' },
  'weaviate-ts-client': { store: 'weaviate', vector: 'weaviate' },
  '@zilliz/milvus2-sdk-node': { store: 'milvus', vector: 'milvus' },
  minio: { store: 'minio' },
  ollama: { store: 'ollama' },
};

/** Python client libraries by normalised distribution name. */
export const PY_DEPS: Record<string, DepStore> = {
  psycopg: { store: 'postgres' },
  psycopg2: { store: 'postgres' },
  'psycopg2-binary': { store: 'postgres' },
  'psycopg-binary': { store: 'postgres' },
  asyncpg: { store: 'postgres' },
  pg8000: { store: 'postgres' },
  pgvector: { store: 'postgres', vector: 'pgvector' },
  redis: { store: 'redis' },
  rq: { store: 'redis' },
  arq: { store: 'redis' },
  pika: { store: 'rabbitmq' },
  'aio-pika': { store: 'rabbitmq' },
  aiormq: { store: 'rabbitmq' },
  'kafka-python': { store: 'kafka' },
  'confluent-kafka': { store: 'kafka' },
  aiokafka: { store: 'kafka' },
  'nats-py': { store: 'nats' },
  pymongo: { store: 'mongodb' },
  motor: { store: 'mongodb' },
  beanie: { store: 'mongodb' },
  mongoengine: { store: 'mongodb' },
  'qdrant-client': { store: 'qdrant', vector: 'qdrant' },
  chromadb: { store: 'chroma', vector: 'chroma' },
  mysqlclient: { store: 'mysql' },
  pymysql: { store: 'mysql' },
  'mysql-connector-python': { store: 'mysql' },
  aiomysql: { store: 'mysql' },
  asyncmy: { store: 'mysql' },
  mariadb: { store: 'mysql' },
  neo4j: { store: 'neo4j' },
  py2neo: { store: 'neo4j' },
  'langchain-neo4j': { store: 'neo4j' },
  elasticsearch: { store: 'elasticsearch' },
  'elasticsearch-dsl': { store: 'elasticsearch' },
  'opensearch-py': { store: 'elasticsearch' },
  meilisearch: { store: 'meilisearch' },
  'weaviate-client': { store: 'weaviate', vector: 'weaviate' },
  pymilvus: { store: 'milvus', vector: 'milvus' },
  minio: { store: 'minio' },
  ollama: { store: 'ollama' },
  'langchain-ollama': { store: 'ollama' },
  'llama-index-llms-ollama': { store: 'ollama' },
};

/** Extras that pull in a broker client (`celery[redis]`, `dramatiq[rabbitmq]`). */
export const PY_EXTRAS: Record<string, StoreId> = {
  redis: 'redis',
  rabbitmq: 'rabbitmq',
  librabbitmq: 'rabbitmq',
  sqs: 'redis',
};
