/**
 * What stackpilot knows about the data services it can run in-cluster: pinned images,
 * ports, credentials, storage, probes and backup commands. One table, read by the
 * data-services, secrets, security, observability and backup skills.
 */
import type { AppModel, Component } from '../../model/app';
import type { Tier } from '../../model/environment';

export type DataEngine = 'redis' | 'rabbitmq' | 'postgres';

/** A probe handler without timings; observability adds those. */
export type ProbeHandler =
  | { tcp: { port: number } }
  | { exec: { command: string[] } }
  | { http: { path: string; port: number } };

export interface DataServiceSpec {
  /** Pinned upstream image: a version tag, never `latest`. */
  image: string;
  /** Named container ports; the first is the client port. */
  ports: Array<{ name: string; containerPort: number }>;
  /** URL scheme and path clients use; `user` is the account the planner creates. */
  scheme: string;
  user?: string;
  urlPath: string;
  /** Env var of the server container that receives the generated password. */
  passwordEnv: string[];
  /** Plain env of the server container. */
  configEnv: Record<string, string>;
  command?: string[];
  args?: string[];
  /** Where the persistent claim is mounted, and its size per tier. */
  dataMountPath: string;
  storage: Record<Tier, string>;
  /** Writable scratch directories when the root filesystem is read-only. */
  scratchPaths: string[];
  /** Whether the image works with a read-only root filesystem, and why not when it does not. */
  readOnlyRoot: true | { reason: string };
  probes: { liveness: ProbeHandler; readiness: ProbeHandler; startup: ProbeHandler };
  /** Port the Prometheus endpoint listens on, when the image has one built in. */
  metrics?: { port: string; path: string };
  backup: {
    method: string;
    /** Env var of the backup container that receives the password. */
    passwordEnv: string;
    /** Port of the service the backup connects to. */
    port: number;
    /** Shell script; `$HOST`, `$RETENTION_DAYS` are set as env. Never contains a secret. */
    script: string;
    restore: string;
  };
  terminationGracePeriodSeconds: number;
}

export const DATA_CATALOG: Record<DataEngine, DataServiceSpec> = {
  redis: {
    image: 'redis:7.4.1-alpine',
    ports: [{ name: 'redis', containerPort: 6379 }],
    scheme: 'redis',
    urlPath: '/0',
    passwordEnv: ['REDIS_PASSWORD', 'REDISCLI_AUTH'],
    configEnv: {},
    command: ['redis-server'],
    args: ['--requirepass', '$(REDIS_PASSWORD)', '--appendonly', 'yes', '--dir', '/data'],
    dataMountPath: '/data',
    storage: { small: '1Gi', medium: '2Gi', large: '5Gi' },
    scratchPaths: ['/tmp'],
    readOnlyRoot: true,
    probes: {
      liveness: { tcp: { port: 6379 } },
      readiness: { exec: { command: ['sh', '-c', 'redis-cli ping | grep -q PONG'] } },
      startup: { tcp: { port: 6379 } },
    },
    backup: {
      method: 'RDB snapshot with redis-cli --rdb',
      passwordEnv: 'REDISCLI_AUTH',
      port: 6379,
      script:
        'set -eu; redis-cli -h "$HOST" --rdb "/backup/redis-$(date -u +%Y%m%dT%H%M%SZ).rdb"; ' +
        'find /backup -name "redis-*.rdb" -mtime +"$RETENTION_DAYS" -delete',
      restore:
        'scale the redis StatefulSet to 0, copy the chosen /backup/redis-*.rdb to /data/dump.rdb on its claim (and move appendonlydir aside), scale back to 1',
    },
    terminationGracePeriodSeconds: 30,
  },
  rabbitmq: {
    image: 'rabbitmq:3.13.7-management-alpine',
    ports: [
      { name: 'amqp', containerPort: 5672 },
      { name: 'management', containerPort: 15672 },
      { name: 'metrics', containerPort: 15692 },
    ],
    scheme: 'amqp',
    user: 'app',
    urlPath: '/%2F',
    passwordEnv: ['RABBITMQ_DEFAULT_PASS'],
    configEnv: { RABBITMQ_DEFAULT_USER: 'app' },
    dataMountPath: '/var/lib/rabbitmq',
    storage: { small: '1Gi', medium: '5Gi', large: '10Gi' },
    // Since 3.9 the image's entrypoint only execs the server: RabbitMQ writes its Erlang cookie
    // to $HOME and its database, plugin expansion and pid file under the mnesia base, both in
    // /var/lib/rabbitmq (the claim); the image's conf.d sets log.console, so no log file is
    // written. /etc/rabbitmq holds the image's enabled_plugins (management, prometheus) and
    // conf.d, read at start and written only by `rabbitmq-plugins enable`: it stays the
    // image's, as an emptyDir there would hide both.
    scratchPaths: ['/tmp'],
    readOnlyRoot: true,
    probes: {
      liveness: { exec: { command: ['rabbitmq-diagnostics', '-q', 'ping'] } },
      readiness: { exec: { command: ['rabbitmq-diagnostics', '-q', 'check_port_connectivity'] } },
      startup: { tcp: { port: 5672 } },
    },
    metrics: { port: 'metrics', path: '/metrics' },
    backup: {
      method: 'definitions export (users, vhosts, queues, bindings) with rabbitmqadmin',
      passwordEnv: 'RABBITMQ_PASSWORD',
      port: 15672,
      script:
        'set -eu; rabbitmqadmin -H "$HOST" -u app -p "$RABBITMQ_PASSWORD" export ' +
        '"/backup/rabbitmq-$(date -u +%Y%m%dT%H%M%SZ).json"; ' +
        'find /backup -name "rabbitmq-*.json" -mtime +"$RETENTION_DAYS" -delete',
      restore:
        'rabbitmqadmin import /backup/rabbitmq-<time>.json against the running broker; in-flight messages are work items that producers re-enqueue',
    },
    terminationGracePeriodSeconds: 60,
  },
  postgres: {
    image: 'postgres:16.6-alpine',
    ports: [{ name: 'postgres', containerPort: 5432 }],
    scheme: 'postgresql',
    user: 'app',
    urlPath: '/app',
    passwordEnv: ['POSTGRES_PASSWORD'],
    configEnv: {
      PGDATA: '/var/lib/postgresql/data/pgdata',
      POSTGRES_DB: 'app',
      POSTGRES_USER: 'app',
    },
    dataMountPath: '/var/lib/postgresql/data',
    storage: { small: '1Gi', medium: '10Gi', large: '20Gi' },
    scratchPaths: ['/tmp', '/var/run/postgresql'],
    readOnlyRoot: true,
    probes: {
      liveness: { tcp: { port: 5432 } },
      readiness: {
        exec: { command: ['pg_isready', '-U', 'app', '-d', 'app', '-h', '127.0.0.1'] },
      },
      startup: { exec: { command: ['pg_isready', '-U', 'app', '-h', '127.0.0.1'] } },
    },
    backup: {
      method: 'logical dump with pg_dump (custom format)',
      passwordEnv: 'PGPASSWORD',
      port: 5432,
      script:
        'set -eu; pg_dump -h "$HOST" -U app -d app -Fc -f "/backup/postgres-$(date -u +%Y%m%dT%H%M%SZ).dump"; ' +
        'find /backup -name "postgres-*.dump" -mtime +"$RETENTION_DAYS" -delete',
      restore:
        'pg_restore --clean --if-exists -h <host> -U app -d app /backup/postgres-<time>.dump from a one-off Job mounting the backup claim',
    },
    terminationGracePeriodSeconds: 60,
  },
};

/** pgvector build of the same Postgres major, when the app uses the vector extension. */
export const PGVECTOR_IMAGE = 'pgvector/pgvector:0.8.0-pg16';

const OTHER_STORES =
  /mysql|mariadb|percona|mongo|neo4j|elasticsearch|opensearch|meilisearch|qdrant|chroma|weaviate|milvus|memcached|kafka|nats|minio|ollama/;

/** Which engine a data component is, from its image, framework or name, else from its kind. */
export function dataEngine(c: Component): DataEngine | undefined {
  const hint = [c.build.strategy === 'image' ? c.build.image : '', c.framework?.name ?? '', c.name]
    .join(' ')
    .toLowerCase();
  if (/redis|valkey|keydb/.test(hint)) return 'redis';
  if (/rabbitmq/.test(hint)) return 'rabbitmq';
  if (/postgres|pgvector|postgis|timescale/.test(hint)) return 'postgres';
  if (OTHER_STORES.test(hint)) return undefined;
  if (c.kind === 'cache') return 'redis';
  if (c.kind === 'queue') return 'rabbitmq';
  if (c.kind === 'database') return 'postgres';
  return undefined;
}

/**
 * The image to run for a data component: the pinned catalog image, or the pgvector build
 * when the compose image or a client of this database uses the vector extension.
 */
export function dataImage(c: Component, engine: DataEngine, clientsUsePgvector: boolean): string {
  if (engine === 'postgres') {
    const image = c.build.strategy === 'image' ? c.build.image : '';
    if (clientsUsePgvector || c.features.vector === 'pgvector' || /pgvector/.test(image))
      return PGVECTOR_IMAGE;
  }
  return DATA_CATALOG[engine].image;
}

/** True when an image reference carries an immutable tag or digest (not `latest`). */
export function isPinned(image: string): boolean {
  const last = image.split('/').pop() ?? '';
  return image.includes('@sha256:') || (last.includes(':') && !/:latest$/.test(image));
}

/**
 * The image an in-cluster data component runs: the catalog's pinned image for a known
 * engine, the repository's own image when it is pinned, else `undefined`.
 */
export function dataServiceImage(app: AppModel, d: Component): string | undefined {
  const engine = dataEngine(d);
  if (engine) {
    const clientsUsePgvector = app.edges.some(
      (e) =>
        e.to === d.name &&
        app.components.find((x) => x.name === e.from)?.features.vector === 'pgvector',
    );
    return dataImage(d, engine, clientsUsePgvector);
  }
  return d.build.strategy === 'image' && isPinned(d.build.image) ? d.build.image : undefined;
}

/** A default value a data component's own env declares (compose `environment:`), if any. */
function declared(c: Component, name: string): string | undefined {
  const v = c.env.find((e) => e.name === name && e.classification === 'config');
  return v?.defaultValue || undefined;
}

/**
 * The catalog entry of an engine adapted to one component: the Postgres user and database
 * or the RabbitMQ user and vhost its compose file declares are kept, so that what the app
 * expects (and what migrations create) stays the same.
 */
export function dataSpec(engine: DataEngine, c: Component): DataServiceSpec {
  const base = DATA_CATALOG[engine];
  if (engine === 'postgres') {
    const user = declared(c, 'POSTGRES_USER') ?? 'app';
    const db = declared(c, 'POSTGRES_DB') ?? user;
    return {
      ...base,
      user,
      urlPath: `/${db}`,
      configEnv: { ...base.configEnv, POSTGRES_DB: db, POSTGRES_USER: user },
      probes: {
        ...base.probes,
        readiness: { exec: { command: ['pg_isready', '-U', user, '-d', db, '-h', '127.0.0.1'] } },
        startup: { exec: { command: ['pg_isready', '-U', user, '-h', '127.0.0.1'] } },
      },
      backup: {
        ...base.backup,
        script: base.backup.script.replace('-U app -d app', `-U ${user} -d ${db}`),
        restore: base.backup.restore.replace('-U app -d app', `-U ${user} -d ${db}`),
      },
    };
  }
  if (engine === 'rabbitmq') {
    const user = declared(c, 'RABBITMQ_DEFAULT_USER') ?? 'app';
    const vhost = declared(c, 'RABBITMQ_DEFAULT_VHOST') ?? '/';
    return {
      ...base,
      user,
      urlPath: `/${encodeURIComponent(vhost)}`,
      configEnv: {
        ...base.configEnv,
        RABBITMQ_DEFAULT_USER: user,
        ...(vhost !== '/' ? { RABBITMQ_DEFAULT_VHOST: vhost } : {}),
      },
      backup: { ...base.backup, script: base.backup.script.replace('-u app', `-u ${user}`) },
    };
  }
  return base;
}
