/**
 * Crash recovery and automatic rollback on the real engine: a process killed during `up`
 * leaves a stale lock that `recover` clears; a failing `up` rolls back to the last good plan.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, referencePlan, snapshotDir, tempEngine } from './support/engine';

describe('engine recovery (real Pulumi engine)', function () {
  this.timeout(300_000);

  it('recovers a stack whose update process was killed, after which up succeeds', async () => {
    const t = tempEngine();
    try {
      const child = spawn(
        process.execPath,
        ['--require', 'tsx/cjs', join(__dirname, 'support', 'up-child.ts'), t.stateDir],
        {
          cwd: REPO_ROOT,
          detached: true,
          env: { ...process.env, PULUMI_CONFIG_PASSPHRASE: 'integration-test-passphrase' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => d.toString().includes('STEP') && resolve());
        child.once('exit', (code) =>
          reject(new Error(`child exited (${code}) before its first step`)),
        );
      });
      // The provider plugins run in process groups of their own: note them before the kill.
      const plugins = descendants(child.pid as number);
      process.kill(-(child.pid as number), 'SIGKILL'); // the whole group: node and the pulumi CLI
      await exited;
      for (const pid of plugins) killQuietly(pid);

      const { plan, env } = await referencePlan('dev');
      const health = await t.engine.inspect(plan.app, 'dev');
      assert.ok(health.locks.length >= 1, 'the killed update left its lock');
      assert.ok(
        health.locks.every((l) => l.stale),
        'its holder is gone',
      );

      const recovered = await t.engine.recover(plan.app, 'dev');
      assert.equal(recovered.clearedLocks, health.locks.length);
      assert.equal(recovered.clearedPendingOperations, health.pendingOperations.length);
      const after = await t.engine.inspect(plan.app, 'dev');
      assert.deepEqual([after.locks, after.pendingOperations], [[], []]);

      const up = await t.engine.up(plan, env, { missingSecrets: 'placeholder' });
      assert.equal(up.status, 'succeeded', up.error);
    } finally {
      t.cleanup();
    }
  });

  it('rolls a failing up back to the last good plan automatically, and the stack stays usable', async () => {
    const t = tempEngine();
    try {
      const good = await referencePlan('dev', (e) => ({ ...e, autoRollback: true }));
      assert.equal(
        (await t.engine.up(good.plan, good.env, { missingSecrets: 'placeholder' })).status,
        'succeeded',
      );
      const renderDir = join(t.stateDir, 'rendered', 'dev');
      const goodFiles = snapshotDir(renderDir);

      const bad = await referencePlan('dev', (e) => ({
        ...e,
        autoRollback: true,
        components: { ...e.components, web: { ...(e.components.web ?? {}), replicas: 2 } },
      }));
      // The provider cannot write the web Deployment's manifest where a directory stands.
      const webManifest = Object.keys(goodFiles).find(
        (f) => /deployment/i.test(f) && /web/.test(f),
      );
      assert.ok(webManifest, `web Deployment manifest among ${Object.keys(goodFiles).join(', ')}`);
      rmSync(join(renderDir, webManifest));
      mkdirSync(join(renderDir, webManifest, 'blocker'), { recursive: true });

      const result = await t.engine.up(bad.plan, bad.env, { missingSecrets: 'placeholder' });
      assert.equal(result.status, 'rolled-back', JSON.stringify(result));
      assert.ok(result.error);
      assert.deepEqual(
        result.rollback && { planHash: result.rollback.planHash, status: result.rollback.status },
        {
          planHash: good.plan.hash,
          status: 'succeeded',
        },
      );

      rmSync(join(renderDir, webManifest), { recursive: true });
      const again = await t.engine.up(bad.plan, bad.env, { missingSecrets: 'placeholder' });
      assert.equal(again.status, 'succeeded', again.error);
    } finally {
      t.cleanup();
    }
  });
});

/** Every process below `pid`, from `ps`. */
function descendants(pid: number): number[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const visit = (parent: number): void => {
    for (const [p, pp] of rows) {
      if (pp !== parent) continue;
      found.push(p);
      visit(p);
    }
  };
  visit(pid);
  return found;
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
