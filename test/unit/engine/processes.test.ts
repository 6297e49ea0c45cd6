/**
 * Process tracking: a killed owner's engine processes (a CLI and a plugin in its own session,
 * as pulumi's run) are found by their recorded pids and start times and stopped; live owners'
 * processes and unrelated processes with the same name are left alone.
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive, procInfo, ProcessTracker } from '../../../src/engine/processes';

const REPO = join(__dirname, '..', '..', '..');

function startOwner(dir: string): Promise<{ owner: ChildProcess; cli: number; plugin: number }> {
  const owner = spawn(
    process.execPath,
    ['--require', 'tsx/cjs', join(__dirname, 'support', 'tracked-child.ts'), dir],
    { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    owner.stdout?.on('data', (d: Buffer) => {
      const m = /READY (\d+) (\d+)/.exec(d.toString());
      if (m) resolve({ owner, cli: Number(m[1]), plugin: Number(m[2]) });
    });
    owner.once('exit', (code) => reject(new Error(`owner exited (${code})`)));
  });
}

const ref = (pid: number) => ({ pid, start: procInfo(pid)?.start ?? '' });

describe('engine/processes', function () {
  this.timeout(20_000);
  let dir: string;
  const strays: number[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stackpilot-procs-'));
  });
  afterEach(() => {
    for (const pid of strays.splice(0))
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops the CLI and plugin a killed owner left, by recorded pid and start time', async () => {
    const { owner, cli, plugin } = await startOwner(dir);
    strays.push(cli, plugin);
    const unrelated = spawn('sleep', ['300'], { stdio: 'ignore' });
    strays.push(unrelated.pid as number);
    const tracker = new ProcessTracker(dir);

    assert.deepEqual(await tracker.stopLeftovers('shop', 'dev'), [], 'owner alive: left alone');
    assert.ok(isAlive(ref(plugin)));

    const cliRef = ref(cli);
    const pluginRef = ref(plugin);
    const exited = new Promise((r) => owner.once('exit', r));
    owner.kill('SIGKILL');
    await exited;
    assert.ok(isAlive(pluginRef), 'the plugin outlives its owner');
    assert.deepEqual(await tracker.stopLeftovers('shop', 'prod'), [], 'another stack: untouched');

    const stopped = await tracker.stopLeftovers('shop', 'dev');
    assert.deepEqual(
      stopped.map((p) => [p.pid, p.role, p.stopped]).sort(),
      [
        [cli, 'cli', true],
        [plugin, 'plugin', true],
      ].sort(),
    );
    assert.ok(!isAlive(cliRef) && !isAlive(pluginRef));
    assert.ok(isAlive(ref(unrelated.pid as number)), 'a sleep of nobody’s operation lives on');
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.json')),
      [],
      'record removed',
    );
    assert.deepEqual(await tracker.stopLeftovers('shop', 'dev'), []);
  });

  it('removes the record of an operation that ended', () => {
    const op = new ProcessTracker(dir).track('shop', 'dev');
    assert.equal(readdirSync(dir).length, 1);
    op.stop();
    assert.deepEqual(readdirSync(dir), []);
  });

  it('never takes a reused pid for a recorded process (start times differ)', () => {
    assert.equal(isAlive({ pid: process.pid, start: '1' }), false);
    assert.equal(isAlive(ref(process.pid)), true);
  });
});
