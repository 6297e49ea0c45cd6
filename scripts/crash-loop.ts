/**
 * Crash loop: SIGKILLs `stackpilot up` (CLI) and `stackpilot serve` during a deployment at
 * random points, recovers each time (`stackpilot recover`, or the restarted server's start-up
 * recovery) and checks that no stack was lost: it opens, keeps its deployed plan, holds no lock,
 * and no engine process is left. Prints the figures; not part of CI (it takes minutes).
 *
 * Usage: npx tsx scripts/crash-loop.ts [--kills 30] [--max-delay-ms 6000] [--seed 1]
 * Needs `npm run build` and the engine (`npm run setup`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REPO = join(__dirname, '..');
const CLI = join(REPO, 'dist', 'src', 'cli', 'main.js');
const FIXTURES = join(REPO, 'test', 'fixtures');

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const KILLS = arg('kills', 30);
const MAX_DELAY = arg('max-delay-ms', 6000);
let seed = arg('seed', Date.now() % 100_000);
const random = (): number => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;

const state = mkdtempSync(join(tmpdir(), 'stackpilot-crash-loop-'));
const stacks = [0, 1].map((variant) => {
  const dir = mkdtempSync(join(tmpdir(), 'stackpilot-crash-stacks-'));
  cpSync(join(REPO, 'stacks'), dir, { recursive: true });
  const file = join(dir, 'Pulumi.dev.yaml');
  const text = readFileSync(file, 'utf8');
  writeFileSync(file, text.replace('replicas: 1', `replicas: ${variant + 1}`));
  return dir;
});
const ENV = { ...process.env, NO_COLOR: '1', PULUMI_CONFIG_PASSPHRASE: 'crash-loop' };

function cli(args: string[], stacksDir = stacks[0] ?? '') {
  return spawnSync(process.execPath, [CLI, '--state-dir', state, '--stacks', stacksDir, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env: ENV,
  });
}

/** Live processes whose environment names this state's backend (engine CLI and plugins). */
function engineProcesses(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((pid) => {
      try {
        if (/\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) return [];
        const env = readFileSync(`/proc/${pid}/environ`, 'utf8');
        return env.includes(`file://${state}/backend`) ? [Number(pid)] : [];
      } catch {
        return [];
      }
    });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const exitOf = (c: ChildProcess) =>
  new Promise<void>((r) => (c.exitCode !== null || c.signalCode ? r() : c.once('exit', () => r())));

async function killCliUp(variant: number, delay: number): Promise<void> {
  const child = spawn(
    process.execPath,
    [
      CLI,
      '--state-dir',
      state,
      '--stacks',
      stacks[variant] ?? '',
      'up',
      join(FIXTURES, 'fullstack'),
      '--env',
      'dev',
      '--yes',
    ],
    { cwd: REPO, env: ENV, stdio: 'ignore' },
  );
  await sleep(delay);
  child.kill('SIGKILL');
  await exitOf(child);
  const r = cli(['recover', 'fullstack', '--env', 'dev', '--json']);
  if (r.status !== 0) throw new Error(`recover failed: ${r.stderr}`);
  record(JSON.parse(r.stdout).result);
}

interface Server {
  child: ChildProcess;
  url: string;
}

async function startServer(variant: number): Promise<Server> {
  const child = spawn(
    process.execPath,
    [
      CLI,
      '--state-dir',
      state,
      '--stacks',
      stacks[variant] ?? '',
      'serve',
      '--port',
      '0',
      '--allow-root',
      FIXTURES,
    ],
    { cwd: REPO, env: ENV, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let err = '';
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${err}`)));
  });
  return { child, url };
}

async function api(s: Server, method: string, path: string, body?: unknown) {
  const res = await fetch(`${s.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function killServerUp(variant: number, delay: number): Promise<void> {
  const first = await startServer(variant);
  const analysis = await api(first, 'POST', '/v1/analyses', { path: 'fullstack' });
  const plan = await api(first, 'POST', '/v1/plans', {
    analysisId: analysis.body.id,
    environment: 'dev',
  });
  await api(first, 'POST', '/v1/stacks/dev/deployments', { planId: plan.body.id });
  await sleep(delay);
  first.child.kill('SIGKILL');
  await exitOf(first.child);
  const second = await startServer(variant);
  try {
    for (;;) {
      const ops = await api(second, 'GET', '/v1/audit?limit=50');
      const entries = (ops.body.entries ?? []) as { action: string; outcome: string }[];
      const pending = await api(second, 'GET', '/v1/stacks/dev/current?project=fullstack');
      if (pending.status === 200 || pending.status === 404) {
        const recovered = entries.some(
          (e) => e.action === 'operation.recover' && e.outcome === 'accepted',
        );
        if (!recovered || (pending.body.locks as unknown[] | undefined)?.length === 0) break;
      }
      await sleep(200);
    }
    await sleep(500);
    const audit = await api(second, 'GET', '/v1/audit?limit=200');
    for (const e of (audit.body.entries ?? []) as { id: number; action: string }[]) {
      if (counted.has(e.id)) continue;
      counted.add(e.id);
      if (e.action === 'state.repair') figures.repairs++;
      if (e.action === 'process.stop') figures.stopped++;
    }
  } finally {
    second.child.kill('SIGTERM');
    await exitOf(second.child);
  }
}

const figures = { cli: 0, server: 0, repairs: 0, stopped: 0, lost: 0, leftover: 0, locked: 0 };
const failures: string[] = [];
/** Audit entries already counted (the log keeps every earlier round's). */
const counted = new Set<number>();

function record(result: { repairs: unknown[]; leftoverProcesses: unknown[] }): void {
  figures.repairs += result.repairs.length;
  figures.stopped += result.leftoverProcesses.length;
}

/** After a kill and its recovery: the stack opens, keeps its deployed plan, is unlocked. */
async function check(i: number, deployedOnce: boolean): Promise<boolean> {
  const history = cli(['history', 'fullstack', '--env', 'dev', '--json']);
  if (history.status !== 0) {
    if (deployedOnce || !/does not exist/.test(history.stderr)) {
      figures.lost++;
      failures.push(`#${i}: history failed: ${history.stderr.trim()}`);
    }
    return false;
  }
  const entries = JSON.parse(history.stdout) as { result: string }[];
  const ok = entries.some((e) => e.result === 'succeeded');
  if (deployedOnce && !ok) {
    figures.lost++;
    failures.push(`#${i}: no successful update left in history`);
  }
  await sleep(300);
  const left = engineProcesses();
  if (left.length) {
    figures.leftover += left.length;
    failures.push(`#${i}: engine processes left: ${left.join(', ')}`);
    for (const pid of left) process.kill(pid, 'SIGKILL');
  }
  return ok;
}

let token = '';

async function main(): Promise<void> {
  const started = Date.now();
  const created = cli(['tokens', 'create', 'crash-loop', '--role', 'admin', '--json']);
  token = (JSON.parse(created.stdout) as { token: string }).token;
  let deployedOnce = false;
  for (let i = 1; i <= KILLS; i++) {
    const mode = random() < 0.5 ? 'cli' : 'server';
    const delay = Math.round(500 + random() * MAX_DELAY);
    const variant = i % 2;
    try {
      if (mode === 'cli') await killCliUp(variant, delay);
      else await killServerUp(variant, delay);
    } catch (err) {
      failures.push(`#${i} ${mode}: ${err instanceof Error ? err.message : String(err)}`);
    }
    figures[mode]++;
    deployedOnce = (await check(i, deployedOnce)) || deployedOnce;
    process.stdout.write(`kill ${i}/${KILLS}: ${mode} at ${delay} ms\n`);
  }
  const final = cli(['up', join(FIXTURES, 'fullstack'), '--env', 'dev', '--yes']);
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  process.stdout.write(
    `\ncrash loop: ${KILLS} kills (${figures.cli} CLI, ${figures.server} server) in ${seconds} s\n` +
      `  lost stacks: ${figures.lost}\n  engine processes left after recovery: ${figures.leftover}\n` +
      `  state files repaired: ${figures.repairs}\n  leftover engine processes stopped: ${figures.stopped}\n` +
      `  final up: exit ${final.status}\n${failures.map((f) => `  ! ${f}\n`).join('')}`,
  );
  process.exitCode = figures.lost || figures.leftover || final.status ? 1 : 0;
}

main()
  .catch((err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const pid of engineProcesses()) process.kill(pid, 'SIGKILL');
    rmSync(state, { recursive: true, force: true });
    for (const d of stacks) rmSync(d, { recursive: true, force: true });
  });
