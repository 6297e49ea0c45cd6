/**
 * The compiled CLI on a closed pipe (`stackpilot --help | head -1`): it exits quietly, with no
 * EPIPE stack trace, whatever the command.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './support/engine';

const CLI = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');

/** Runs the CLI with its stdout read once and then closed, as `| head -c1` does. */
function runIntoClosedPipe(
  args: string[],
  state: string,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, '--state-dir', state, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, NO_COLOR: '1', PULUMI_CONFIG_PASSPHRASE: 'pipe-test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    child.once('close', (code) => resolve({ code, stderr }));
  });
}

describe('CLI on a closed pipe (compiled)', function () {
  this.timeout(60_000);
  let state: string;
  before(() => {
    state = mkdtempSync(join(tmpdir(), 'stackpilot-pipe-'));
  });
  after(() => rmSync(state, { recursive: true, force: true }));

  for (const args of [['--help'], ['plan', '--help'], ['analyze', 'test/fixtures/fullstack']])
    it(`exits quietly: stackpilot ${args.join(' ')} | head`, async () => {
      const { code, stderr } = await runIntoClosedPipe(args, state);
      assert.doesNotMatch(stderr, /EPIPE|Unhandled|at .*\.js:\d+/);
      assert.equal(code, 0, stderr);
    });
});
