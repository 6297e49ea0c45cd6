/**
 * Planning time: `npx tsx bench/plan.ts`. Prints the median and worst time of planning the
 * reference app (test/fixtures/fullstack) and generated 50- and 500-component apps in each
 * environment, with the plan's size. Figures only; nothing here asserts a time.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { analyzeRepository } from '../src/analyze';
import type { AppModel, Component, EnvVar } from '../src/model/app';
import { planDeployment, renderReport, resolveEnvironment } from '../src/plan';

const ROOT = join(__dirname, '..');

function envVar(
  name: string,
  classification: 'config' | 'secret',
  extra: Partial<EnvVar> = {},
): EnvVar {
  return {
    name,
    classification,
    reason: 'generated',
    sources: ['code'],
    buildTime: false,
    ...extra,
  };
}

/**
 * A synthetic app of `n` components: a few frontends, many backends and workers, some
 * chatbots, Redis/RabbitMQ/Postgres, Neon and OpenAI; each component calls up to three
 * earlier ones (a layered service mesh, acyclic).
 */
export function syntheticApp(n: number): AppModel {
  const kinds: Component['kind'][] = [
    'backend',
    'backend',
    'worker',
    'chatbot',
    'frontend',
    'backend',
  ];
  const components: Component[] = [];
  const edges: AppModel['edges'] = [];
  let seed = 42;
  const rand = (k: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % k;
  };
  for (let i = 0; i < n; i++) {
    const kind = kinds[i % kinds.length]!;
    const name = `${kind}-${i}`;
    const python = kind !== 'frontend';
    const env: EnvVar[] = [
      envVar('LOG_LEVEL', 'config', { defaultValue: 'info' }),
      envVar('SECRET_KEY', 'secret'),
    ];
    const calls = new Set<number>();
    for (let k = 0; k < 3 && i > 0; k++) calls.add(rand(i));
    for (const j of calls) {
      const target = components[j]!;
      if (target.kind === 'worker') continue;
      const v = `${target.name.toUpperCase().replace(/-/g, '_')}_URL`;
      env.push(envVar(v, 'config', { refersTo: target.name }));
      edges.push({
        from: name,
        to: target.name,
        target: 'component',
        via: 'env',
        envVar: v,
        evidence: [],
      });
    }
    if (python) {
      env.push(
        envVar('DATABASE_URL', 'secret', { refersTo: 'neon' }),
        envVar('REDIS_URL', 'config', { refersTo: 'redis' }),
      );
      edges.push(
        {
          from: name,
          to: 'neon',
          target: 'external',
          via: 'env',
          envVar: 'DATABASE_URL',
          evidence: [],
        },
        {
          from: name,
          to: 'redis',
          target: 'component',
          via: 'env',
          envVar: 'REDIS_URL',
          evidence: [],
        },
      );
    }
    if (kind === 'worker') {
      env.push(envVar('CELERY_BROKER_URL', 'secret', { refersTo: 'rabbitmq' }));
      edges.push({
        from: name,
        to: 'rabbitmq',
        target: 'component',
        via: 'env',
        envVar: 'CELERY_BROKER_URL',
        evidence: [],
      });
    }
    if (kind === 'chatbot') {
      env.push(envVar('OPENAI_API_KEY', 'secret', { refersTo: 'openai' }));
      edges.push({
        from: name,
        to: 'openai',
        target: 'external',
        via: 'env',
        envVar: 'OPENAI_API_KEY',
        evidence: [],
      });
    }
    components.push({
      name,
      kind,
      path: name,
      language: python ? 'python' : 'typescript',
      framework: { name: python ? (kind === 'worker' ? 'celery' : 'fastapi') : 'nextjs' },
      ...(kind === 'worker'
        ? { startCommand: `celery -A app worker` }
        : { port: python ? 8000 : 3000, healthPath: '/healthz' }),
      build: { strategy: 'generate', context: name },
      env,
      public: kind === 'frontend' || i % 25 === 1,
      features:
        kind === 'backend' && i % 10 === 0
          ? { migrations: { tool: 'alembic', command: 'alembic upgrade head' } }
          : {},
      sourceDigest: `sha256:${(i % 65536).toString(16).padStart(4, '0').repeat(16)}`,
      evidence: [],
    });
  }
  for (const [name, kind, image] of [
    ['postgres', 'database', 'postgres:16'],
    ['rabbitmq', 'queue', 'rabbitmq:3.13'],
    ['redis', 'cache', 'redis:7'],
  ] as const)
    components.push({
      name,
      kind,
      path: '.',
      language: 'other',
      build: { strategy: 'image', image },
      env: [],
      public: false,
      features: {},
      sourceDigest: `sha256:${'0'.repeat(64)}`,
      evidence: [],
    });
  const usedBy = (id: string): string[] =>
    [...new Set(edges.filter((e) => e.to === id).map((e) => e.from))].sort();
  return {
    schemaVersion: 1,
    name: `synthetic-${n}`,
    components: components.sort((a, b) => (a.name < b.name ? -1 : 1)),
    externalServices: [
      {
        id: 'neon',
        kind: 'postgres',
        provider: 'neon',
        hosts: ['ep-x-pooler.neon.tech'],
        port: 5432,
        usedBy: usedBy('neon'),
        evidence: [],
      },
      {
        id: 'openai',
        kind: 'llm',
        provider: 'openai',
        hosts: ['api.openai.com'],
        port: 443,
        usedBy: usedBy('openai'),
        evidence: [],
      },
    ],
    edges,
    warnings: [],
  };
}

async function time(label: string, app: AppModel, runs: number): Promise<void> {
  for (const envName of ['dev', 'staging', 'prod'] as const) {
    const env = resolveEnvironment(envName, envName === 'prod' ? { rollout: 'blue-green' } : {});
    const times: number[] = [];
    let nodes = 0;
    let bytes = 0;
    let reportMs = 0;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const plan = await planDeployment(app, env);
      times.push(performance.now() - t0);
      nodes = plan.nodes.length;
      bytes = JSON.stringify(plan).length;
      const t1 = performance.now();
      renderReport(plan);
      reportMs = performance.now() - t1;
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    console.log(
      `${label.padEnd(24)} ${envName.padEnd(8)} median ${median.toFixed(1).padStart(8)} ms  worst ${times[times.length - 1]!.toFixed(1).padStart(8)} ms  ` +
        `${String(nodes).padStart(5)} nodes  ${(bytes / 1024).toFixed(0).padStart(6)} KiB  report ${reportMs.toFixed(1)} ms`,
    );
  }
}

async function main(): Promise<void> {
  const fullstack = join(ROOT, 'test/fixtures/fullstack');
  if (existsSync(fullstack))
    await time('reference (fullstack)', await analyzeRepository(fullstack), 15);
  await time('generated 50 components', syntheticApp(50), 7);
  await time('generated 500 components', syntheticApp(500), 3);
}

if (require.main === module)
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
