/**
 * Server benchmark: concurrent previews across several stacks on the real engine (render
 * targets), while clients keep reading operations. Prints request latency percentiles and
 * throughput, end-to-end preview latency, and the process's RSS and heap under that load.
 *
 *   npx tsx bench/server.ts            STACKS=4 PER_STACK=3 CLIENTS=8 by default
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../src/server/logger';
import { startServer } from '../src/server/server';
import { createToken, openStore } from '../src/store';

const STACKS = Number(process.env.STACKS ?? 4);
const PER_STACK = Number(process.env.PER_STACK ?? 3);
const CLIENTS = Number(process.env.CLIENTS ?? 8);
const ROOT = join(__dirname, '..');

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function line(name: string, values: number[], unit = 'ms'): string {
  const s = [...values].sort((a, b) => a - b);
  const f = (n: number) => n.toFixed(1).padStart(8);
  return `${name.padEnd(28)} n=${String(s.length).padStart(5)}  p50=${f(percentile(s, 50))}  p90=${f(percentile(s, 90))}  p99=${f(percentile(s, 99))}  max=${f(s.at(-1) ?? NaN)} ${unit}`;
}

async function main(): Promise<void> {
  const stateDir = mkdtempSync(join(tmpdir(), 'stackpilot-bench-'));
  const stacksDir = mkdtempSync(join(tmpdir(), 'stackpilot-bench-stacks-'));
  const envs = Array.from({ length: STACKS }, (_, i) => `bench-${i + 1}`);
  const dev = readFileSync(join(ROOT, 'stacks', 'Pulumi.dev.yaml'), 'utf8');
  for (const env of envs)
    writeFileSync(
      join(stacksDir, `Pulumi.${env}.yaml`),
      dev.replace(/rendered\/dev/g, `rendered/${env}`),
    );

  const store = openStore({ stateDir });
  const token = createToken(store, 'bench', 'admin').token;
  store.close();

  const server = await startServer({
    stateDir,
    stacksDir,
    allowedRoots: [join(ROOT, 'test', 'fixtures')],
    env: {
      ...process.env,
      PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? 'bench',
    },
    missingSecrets: 'placeholder',
    logger: createLogger({ level: 'silent' }),
  });
  const latencies = { accept: [] as number[], read: [] as number[], endToEnd: [] as number[] };
  const call = async (method: string, path: string, body?: unknown, bucket?: number[]) => {
    const t0 = performance.now();
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await res.json()) as Record<string, unknown>;
    bucket?.push(performance.now() - t0);
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  try {
    const analysis = await call('POST', '/v1/analyses', { path: 'fullstack' });
    const plans = new Map<string, string>();
    for (const env of envs)
      plans.set(
        env,
        String((await call('POST', '/v1/plans', { analysisId: analysis.id, environment: env })).id),
      );

    const memory: { rss: number; heap: number }[] = [];
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      memory.push({ rss: m.rss, heap: m.heapUsed });
    }, 100);

    const started = performance.now();
    const submitted = new Map<string, number>();
    await Promise.all(
      envs.flatMap((env) =>
        Array.from({ length: PER_STACK }, async () => {
          const t = performance.now();
          const { operationId } = await call(
            'POST',
            `/v1/stacks/${env}/previews`,
            { planId: plans.get(env) },
            latencies.accept,
          );
          submitted.set(String(operationId), t);
        }),
      ),
    );
    const pending = new Set(submitted.keys());
    let reads = 0;
    const ids = [...submitted.keys()];
    const readers = Array.from({ length: CLIENTS }, async (_, c) => {
      let i = c;
      while (pending.size > 0) {
        const id = ids[i++ % ids.length] ?? '';
        const op = await call('GET', `/v1/operations/${id}`, undefined, latencies.read);
        reads++;
        if (['succeeded', 'failed'].includes(String(op.status)) && pending.delete(id)) {
          latencies.endToEnd.push(performance.now() - (submitted.get(id) ?? 0));
          if (op.status !== 'succeeded')
            throw new Error(`preview ${id} failed: ${JSON.stringify(op.error)}`);
        }
      }
    });
    await Promise.all(readers);
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);

    const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
    const peak = (k: 'rss' | 'heap') => Math.max(...memory.map((m) => m[k]));
    const mean = (k: 'rss' | 'heap') =>
      memory.reduce((n, m) => n + m[k], 0) / Math.max(1, memory.length);
    console.log(
      `stackpilot server bench: ${STACKS} stacks x ${PER_STACK} previews, ${CLIENTS} reading clients`,
    );
    console.log(line('POST previews (accept)', latencies.accept));
    console.log(line('GET operation (under load)', latencies.read));
    console.log(line('preview submit -> done', latencies.endToEnd));
    console.log(
      `previews completed           ${ids.length} in ${seconds.toFixed(1)} s = ${(ids.length / seconds).toFixed(2)} previews/s`,
    );
    console.log(
      `reads served                 ${reads} in ${seconds.toFixed(1)} s = ${(reads / seconds).toFixed(0)} requests/s`,
    );
    console.log(
      `process memory under load    rss peak ${mb(peak('rss'))} MiB mean ${mb(mean('rss'))} MiB, heap peak ${mb(peak('heap'))} MiB mean ${mb(mean('heap'))} MiB`,
    );
  } finally {
    await server.close();
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(stacksDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
