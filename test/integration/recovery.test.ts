/**
 * Crash recovery and automatic rollback on the real engine: a process killed during `up`
 * leaves a stale lock and orphaned plugins that `recover` clears and stops; broken backend
 * files (empty sidecars, truncated checkpoints) are repaired; a failing `up` rolls back to
 * the last good plan.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, referencePlan, snapshotDir, tempEngine } from './support/engine';
import { engineProcesses, eventually, killAll } from './support/processes';

/** Starts up-child.ts on `stateDir` in its own process group; resolves at its first step. */
async function upUntilFirstStep(stateDir: string, variant: number) {
  const child = spawn(
    process.execPath,
    ['--require', 'tsx/cjs', join(__dirname, 'support', 'up-child.ts'), stateDir, String(variant)],
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
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before its first step`)));
  });
  return { child, exited };
}

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
      // A kill while the checkpoint was being written leaves a state the engine cannot read:
      // inspect says so (with the locks, read from disk), and recover repairs it.
      if (health.damaged) assert.ok(recovered.repairs.length >= 1, health.damaged);
      else assert.equal(recovered.clearedPendingOperations, health.pendingOperations.length);
      const after = await t.engine.inspect(plan.app, 'dev');
      assert.deepEqual([after.locks, after.pendingOperations], [[], []]);

      const up = await t.engine.up(plan, env, { missingSecrets: 'placeholder' });
      assert.equal(up.status, 'succeeded', up.error);
    } finally {
      t.cleanup();
    }
  });

  it('repairs an empty attrs sidecar and a truncated checkpoint, keeping every deployed update', async () => {
    const t = tempEngine();
    try {
      const { plan, env } = await referencePlan('dev');
      assert.equal(
        (await t.engine.up(plan, env, { missingSecrets: 'placeholder' })).status,
        'succeeded',
      );
      const other = await referencePlan('dev', (e) => ({
        ...e,
        components: { ...e.components, web: { ...(e.components.web ?? {}), replicas: 2 } },
      }));
      assert.equal(
        (await t.engine.up(other.plan, other.env, { missingSecrets: 'placeholder' })).status,
        'succeeded',
      );
      const deployed = await t.engine.history(plan.app, 'dev');
      const stacks = join(t.stateDir, 'backend', '.pulumi', 'stacks', plan.app);
      // What a SIGKILL between fileblob's attrs write and its rename leaves, and worse.
      truncateSync(join(stacks, 'dev.json.attrs'), 0);
      const cp = readFileSync(join(stacks, 'dev.json'), 'utf8');
      writeFileSync(join(stacks, 'dev.json'), cp.slice(0, Math.floor(cp.length / 2)));
      const broken = await t.engine.inspect(plan.app, 'dev');
      assert.match(
        broken.damaged ?? '',
        /the stack's state cannot be read \(.*\); `stackpilot recover` repairs/,
      );

      const recovered = await t.engine.recover(plan.app, 'dev');
      assert.deepEqual(
        recovered.repairs.map((r) => [r.file, r.action]),
        [
          [`.pulumi/stacks/${plan.app}/dev.json.attrs`, 'moved-aside'],
          [`.pulumi/stacks/${plan.app}/dev.json`, 'restored'],
        ],
      );
      assert.equal((await t.engine.inspect(plan.app, 'dev')).damaged, undefined);
      const history = await t.engine.history(plan.app, 'dev');
      assert.deepEqual(
        history.map((h) => [h.planHash, h.result]),
        deployed.map((h) => [h.planHash, h.result]),
        'no deployed update lost',
      );
      assert.deepEqual(await t.engine.recover(plan.app, 'dev').then((r) => r.repairs), []);
      const up = await t.engine.up(other.plan, other.env, { missingSecrets: 'placeholder' });
      assert.equal(up.status, 'succeeded', up.error);
    } finally {
      t.cleanup();
    }
  });

  it('recovers after SIGKILLs at 6 points of an up: locks cleared, plugins stopped, no stack lost', async () => {
    const t = tempEngine();
    const figures: string[] = [];
    try {
      const { plan, env } = await referencePlan('dev');
      assert.equal(
        (await t.engine.up(plan, env, { missingSecrets: 'placeholder' })).status,
        'succeeded',
      );
      const delays = [0, 100, 200, 300, 450, 600];
      for (const [i, delay] of delays.entries()) {
        const { child, exited } = await upUntilFirstStep(t.stateDir, i + 1);
        await new Promise((r) => setTimeout(r, delay));
        try {
          process.kill(-(child.pid as number), 'SIGKILL'); // node and the pulumi CLI; plugins live on
        } catch {
          figures.push(`kill at step+${delay}ms: the up had ended already`);
        }
        await exited;
        const recovered = await t.engine.recover(plan.app, 'dev');
        figures.push(
          `kill at step+${delay}ms: ${recovered.clearedLocks} lock(s), ${recovered.leftoverProcesses.length} process(es) stopped, ${recovered.repairs.length} repair(s)`,
        );
        assert.ok(
          recovered.leftoverProcesses.every((p) => p.stopped),
          JSON.stringify(recovered.leftoverProcesses),
        );
        assert.ok(
          await eventually(() => engineProcesses(t.stateDir).length === 0),
          `engine processes left: ${engineProcesses(t.stateDir).join(', ')}`,
        );
        const health = await t.engine.inspect(plan.app, 'dev');
        assert.deepEqual([health.locks, health.pendingOperations], [[], []]);
        assert.ok(health.deployedPlanHash, 'the stack still has its deployed plan');
      }
      const up = await t.engine.up(plan, env, { missingSecrets: 'placeholder' });
      assert.equal(up.status, 'succeeded', up.error);
    } finally {
      process.stdout.write(`      ${figures.join('\n      ')}\n`);
      killAll(engineProcesses(t.stateDir));
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
