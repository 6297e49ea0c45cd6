/**
 * Random small AppModels for property tests: a few app components of any kind and
 * language, optional Redis/RabbitMQ/Postgres, optional Neon and OpenAI, and dependency
 * edges that only point at earlier components (so the model is valid and acyclic), each
 * carried by an env var as the analyzer would record it.
 */
import fc from 'fast-check';
import type { AppModel, Component, EnvVar } from '../../../../src/model/app';
import type { EnvironmentSettings } from '../../../../src/plan/environment';

const KINDS = ['frontend', 'backend', 'worker', 'chatbot', 'job'] as const;

const componentArb = fc.record({
  kind: fc.constantFrom(...KINDS),
  python: fc.boolean(),
  public: fc.boolean(),
  port: fc.option(fc.integer({ min: 1024, max: 9999 }), { nil: undefined }),
  health: fc.option(fc.constantFrom('/health', '/healthz', '/api/health'), { nil: undefined }),
  readiness: fc.option(fc.constantFrom('/ready', '/readyz'), { nil: undefined }),
  migrations: fc.boolean(),
  streaming: fc.boolean(),
  dockerfile: fc.boolean(),
  secrets: fc.subarray(['SECRET_KEY', 'STRIPE_API_KEY', 'SESSION_SECRET']),
  config: fc.subarray(['LOG_LEVEL', 'FEATURE_FLAGS']),
});

export const appModelArb: fc.Arbitrary<AppModel> = fc
  .record({
    comps: fc.array(componentArb, { minLength: 1, maxLength: 5 }),
    data: fc.subarray(['redis', 'rabbitmq', 'postgres'] as const),
    externals: fc.subarray(['neon', 'openai'] as const),
    edges: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean()), { maxLength: 12 }),
    digestSeed: fc.integer({ min: 0, max: 0xffff }),
  })
  .map(({ comps, data, externals, edges, digestSeed }) => {
    const components: Component[] = comps.map((c, i) => {
      const name = `${c.kind}-${i}`;
      const next = c.kind === 'frontend' && !c.python;
      return {
        name,
        kind: c.kind,
        path: name,
        language: c.python ? 'python' : 'typescript',
        framework: c.python
          ? { name: c.kind === 'worker' ? 'celery' : 'fastapi' }
          : next
            ? { name: 'next' }
            : { name: 'express' },
        ...(c.port !== undefined ? { port: c.port } : {}),
        ...(c.health ? { healthPath: c.health } : {}),
        ...(c.readiness ? { readinessPath: c.readiness } : {}),
        ...(c.kind === 'worker' && c.python
          ? { startCommand: `celery -A ${name.replace(/-/g, '_')} worker` }
          : {}),
        build: c.dockerfile
          ? { strategy: 'dockerfile', dockerfile: `${name}/Dockerfile`, context: name }
          : { strategy: 'generate', context: name },
        env: [
          ...c.secrets.map((n) => envVar(n, 'secret', {})),
          ...c.config.map((n) =>
            envVar(n, 'config', n === 'LOG_LEVEL' ? { defaultValue: 'info' } : {}),
          ),
        ],
        public: c.public && c.kind !== 'worker' && c.kind !== 'job',
        features: {
          ...(c.migrations && c.python && c.kind === 'backend'
            ? { migrations: { tool: 'alembic' as const, command: 'alembic upgrade head' } }
            : {}),
          ...(c.streaming ? { streaming: true } : {}),
          ...(next ? { nextOutput: 'standalone' as const } : {}),
          ...(c.python && c.kind !== 'worker' ? { appObject: 'app.main:app' } : {}),
        },
        sourceDigest: `sha256:${((digestSeed + i) % 0x10000).toString(16).padStart(4, '0').repeat(16)}`,
        evidence: [],
      };
    });
    const dataKinds = { redis: 'cache', rabbitmq: 'queue', postgres: 'database' } as const;
    for (const d of data)
      components.push({
        name: d,
        kind: dataKinds[d],
        path: '.',
        language: 'other',
        build: { strategy: 'image', image: `${d}:latest` },
        env: [],
        public: false,
        features: {},
        sourceDigest: `sha256:${'0'.repeat(64)}`,
        evidence: [],
      });
    const services = {
      neon: {
        id: 'neon',
        kind: 'postgres' as const,
        provider: 'neon',
        hosts: ['ep-x-pooler.neon.tech'],
        port: 5432,
        usedBy: [] as string[],
        evidence: [],
      },
      openai: {
        id: 'openai',
        kind: 'llm' as const,
        provider: 'openai',
        hosts: ['api.openai.com'],
        port: 443,
        usedBy: [] as string[],
        evidence: [],
      },
    };
    const appEdges: AppModel['edges'] = [];
    const seen = new Set<string>();
    for (const [a, b, flag] of edges) {
      const fromIdx = a % comps.length;
      const from = components[fromIdx]!;
      const targets = [...components.slice(0, fromIdx).map((c) => c.name), ...data, ...externals];
      if (!targets.length) continue;
      const to = targets[b % targets.length]!;
      if (seen.has(`${from.name}>${to}`)) continue;
      seen.add(`${from.name}>${to}`);
      const external = (externals as readonly string[]).includes(to);
      const varName =
        to === 'neon'
          ? 'DATABASE_URL'
          : to === 'openai'
            ? 'OPENAI_API_KEY'
            : `${to.toUpperCase().replace(/-/g, '_')}_URL`;
      if (!from.env.some((v) => v.name === varName)) {
        const isData = (data as readonly string[]).includes(to);
        const buildTime = !external && !isData && flag && from.framework?.name === 'next';
        from.env.push(
          envVar(
            buildTime ? `NEXT_PUBLIC_${varName}` : varName,
            external || (isData && flag) ? 'secret' : 'config',
            {
              refersTo: to,
              buildTime,
              ...(isData ? { defaultValue: `${to}://localhost` } : {}),
            },
          ),
        );
      }
      if (external) services[to as 'neon' | 'openai'].usedBy.push(from.name);
      appEdges.push({
        from: from.name,
        to,
        target: external ? 'external' : 'component',
        via: 'env',
        envVar: varName,
        evidence: [],
      });
    }
    return {
      schemaVersion: 1 as const,
      name: 'prop-app',
      components: components.sort((x, y) => (x.name < y.name ? -1 : 1)),
      externalServices: externals.map((e) => ({
        ...services[e],
        usedBy: [...new Set(services[e].usedBy)].sort(),
      })),
      edges: appEdges.sort((x, y) => (`${x.from}>${x.to}` < `${y.from}>${y.to}` ? -1 : 1)),
      warnings: [],
    };
  });

function envVar(name: string, classification: 'config' | 'secret', extra: Partial<EnvVar>): EnvVar {
  return {
    name,
    classification,
    reason: 'generated',
    sources: ['code'],
    buildTime: false,
    ...extra,
  };
}

/** Random stack settings layered over an environment's defaults. */
export const envConfigArb: fc.Arbitrary<{ name: string; config: EnvironmentSettings }> = fc.record({
  name: fc.constantFrom('dev', 'staging', 'prod'),
  config: fc.record(
    {
      rollout: fc.constantFrom('rolling' as const, 'blue-green' as const),
      managed: fc.record({ redis: fc.boolean(), postgres: fc.boolean(), rabbitmq: fc.boolean() }),
      spread: fc.boolean(),
      serviceMonitor: fc.boolean(),
      tls: fc.record({ enabled: fc.boolean() }),
    },
    { requiredKeys: [] },
  ),
});
