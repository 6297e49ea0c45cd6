/**
 * The compiled CLI stopped during `up`: SIGTERM cancels the engine and waits for it (exit 143,
 * no pulumi or plugin process left, lock released); after a SIGKILL, `recover` stops the
 * pulumi CLI and plugins the dead CLI left (by recorded pid and start time). The stack is
 * usable next time in both cases.
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FULLSTACK, REPO_ROOT } from './support/engine';
import { engineProcesses, eventually, killAll } from './support/processes';

const CLI = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');
const ENV = { ...process.env, NO_COLOR: '1', PULUMI_CONFIG_PASSPHRASE: 'cli-signal-test' };

describe('CLI stopped during up (compiled, real engine)', function () {
  this.timeout(600_000);
  let state: string;
  beforeEach(() => {
    state = mkdtempSync(join(tmpdir(), 'stackpilot-signal-'));
  });
  afterEach(() => {
    killAll(engineProcesses(state));
    rmSync(state, { recursive: true, force: true });
  });

  const run = (args: string[]) =>
    spawnSync(process.execPath, [CLI, '--state-dir', state, ...args], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: ENV,
    });

  /** Starts `up` and resolves once the engine reports its first created resource. */
  async function upUntilFirstResource() {
    const child = spawn(
      process.execPath,
      [CLI, '--state-dir', state, 'up', FULLSTACK, '--env', 'dev', '--yes'],
      { cwd: REPO_ROOT, env: ENV, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/\+ create/.test(stderr)) resolve();
      });
      void exited.then((code) => reject(new Error(`up ended (${code}) early: ${stderr}`)));
    });
    return { child, exited, stderr: () => stderr };
  }

  it('SIGTERM: cancels the engine, waits for it, exits 143, leaves no process; next up works', async () => {
    const { child, exited, stderr } = await upUntilFirstResource();
    child.kill('SIGTERM');
    assert.equal(await exited, 143, stderr());
    assert.ok(
      await eventually(() => engineProcesses(state).length === 0, 5000),
      `left running: ${engineProcesses(state).join(', ')}`,
    );
    const recovered = JSON.parse(run(['recover', 'fullstack', '--env', 'dev', '--json']).stdout);
    assert.deepEqual(
      [recovered.result.clearedLocks, recovered.result.leftoverProcesses],
      [0, []],
      'the engine released its lock itself',
    );
    const again = run(['up', FULLSTACK, '--env', 'dev', '--yes']);
    assert.equal(again.status, 0, again.stderr);
  });

  it('SIGKILL: recover stops the pulumi CLI and plugins left behind; next up works', async () => {
    const { child, exited } = await upUntilFirstResource();
    child.kill('SIGKILL');
    await exited;
    const left = engineProcesses(state);
    const recover = run(['recover', 'fullstack', '--env', 'dev', '--json']);
    const { result } = JSON.parse(recover.stdout) as {
      result: { leftoverProcesses: { pid: number; stopped: boolean }[] };
    };
    assert.ok(
      result.leftoverProcesses.every((p) => p.stopped),
      JSON.stringify(result.leftoverProcesses),
    );
    assert.ok(
      left.every((pid) => result.leftoverProcesses.some((p) => p.pid === pid)) ||
        left.every((pid) => !engineProcesses(state).includes(pid)),
      `still running after recover: ${engineProcesses(state).join(', ')}`,
    );
    assert.deepEqual(engineProcesses(state), []);
    const again = run(['up', FULLSTACK, '--env', 'dev', '--yes']);
    assert.equal(again.status, 0, again.stderr);
  });
});
