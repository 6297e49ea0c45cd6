/**
 * `stackpilot gate` in the shape of a real CI job: the server runs with an allowed root of its
 * own that does not contain the checkout, and the compiled CLI runs as a child process in a copy
 * of the app elsewhere (the runner's checkout), with only the server URL and a token. The gate
 * analyzes there and uploads the AppModel; the server plans it with its own stack files.
 * Approved (an approver decides from the test while the gate waits) → deployed, exit 0;
 * rejected → exit 2; no decision in time → exit 3; a checkout with nothing to deploy → exit 1
 * before anything is sent.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeRepository } from '../../../src/analyze';
import { GateExit, runGate, type GateOptions } from '../../../src/cli/gate';
import { loadEnvironment, planDeployment } from '../../../src/plan';
import { REPO_ROOT, snapshotDir } from '../support/engine';
import { FULLSTACK, startHarness, type Harness } from './support/harness';

const CLI = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');

/** The compiled CLI's `gate`, run in `cwd` as a CI step runs it: its exit code and output. */
function gateProcess(
  cwd: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; lines: string[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'gate', ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      resolve({ code, lines: stdout.split('\n').filter(Boolean), stderr }),
    );
  });
}

describe('gate from a CI runner: the checkout is not on the server', function () {
  this.timeout(600_000);
  let h: Harness;
  let base: string;
  let serverRoot: string;
  let checkout: string;
  before(async () => {
    base = mkdtempSync(join(tmpdir(), 'stackpilot-gate-'));
    serverRoot = join(base, 'server-repos');
    checkout = join(base, 'runner', 'work', 'fullstack');
    mkdirSync(serverRoot, { recursive: true });
    cpSync(FULLSTACK, checkout, { recursive: true });
    h = await startHarness({ allowedRoots: [serverRoot] });
  });
  after(async () => {
    await h?.cleanup();
    if (base) rmSync(base, { recursive: true, force: true });
  });

  /** Decides on the newest pending preview as soon as there is one. */
  async function decideWhenPending(decision: 'approve' | 'reject'): Promise<string> {
    for (;;) {
      const { items } = await h.as('approver').expect(200, 'GET', '/v1/approvals?status=pending');
      const first = (items as { previewOperationId: string }[])[0];
      if (first) {
        await h.as('approver').expect(201, 'POST', '/v1/approvals', {
          previewOperationId: first.previewOperationId,
          decision,
          comment: decision === 'approve' ? 'approved in the test' : 'rejected in the test',
        });
        return first.previewOperationId;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  const gateArgs = (...extra: string[]) => [
    '--server',
    h.server.url,
    '--env',
    'prod',
    '--timeout',
    '300',
    '--poll',
    '0.2',
    ...extra,
  ];

  it('analyzes on the runner, plans on the server, waits for the approval, deploys: exit 0', async () => {
    const before = snapshotDir(checkout);
    // What the server must plan: this code, with the server's own prod stack file.
    const expected = await planDeployment(
      await analyzeRepository(checkout),
      await loadEnvironment(h.stacksDir, 'prod'),
    );
    const [run, previewId] = await Promise.all([
      gateProcess(checkout, gateArgs('--app-dir', '.'), { STACKPILOT_TOKEN: h.tokens.deployer }),
      decideWhenPending('approve'),
    ]);
    const log = `${run.lines.join('\n')}\n${run.stderr}`;
    assert.equal(run.code, GateExit.deployed, log);
    assert.match(
      run.lines[0] ?? '',
      /^analyzed fullstack in .*runner\/work\/fullstack: \d+ components \(/,
    );
    assert.ok(
      run.lines.some((l) => l.includes(`(${expected.hash}) of fullstack for prod`)),
      `the server planned exactly the runner's analysis with its stack file:\n${log}`,
    );
    assert.ok(
      run.lines.some((l) => l.startsWith(`preview ${previewId}`)),
      log,
    );
    assert.ok(
      run.lines.some((l) => /^preview: \d+ create/.test(l)),
      log,
    );
    assert.ok(run.lines.includes('approved by approver: approved in the test'), log);
    assert.ok(
      run.lines.some((l) => /^ {2}create kubernetes:/.test(l)),
      'followed the deployment events',
    );
    assert.match(run.lines.at(-1) ?? '', /^deployed prod/);
    assert.ok(!log.includes(h.tokens.deployer), 'the token is never printed');

    const current = await h
      .as('viewer')
      .expect(200, 'GET', '/v1/stacks/prod/current?project=fullstack');
    assert.equal(current.exists, true);
    assert.equal(current.deployedPlanHash, expected.hash);
    // The gate wrote nothing into the checkout, and the server read nothing of it.
    assert.deepEqual(snapshotDir(checkout), before);
    assert.deepEqual(readdirSync(serverRoot), []);
  });

  it('is refused a path-based analysis of the checkout: outside the roots (403), or relative (400)', async () => {
    const outside = await h.as('deployer').post('/v1/analyses', { path: checkout });
    assert.equal(outside.status, 403, outside.text);
    assert.equal(outside.body.code, 'path_outside_roots');
    const relative = await h.as('deployer').post('/v1/analyses', { path: '.' });
    assert.equal(relative.status, 400, relative.text);
  });

  it('exits 1 from a checkout with nothing to deploy, before sending anything', async () => {
    const empty = join(base, 'runner', 'work', 'empty');
    mkdirSync(empty, { recursive: true });
    const audit = async () =>
      (
        (await h.as('admin').expect(200, 'GET', '/v1/audit?limit=1000')).entries as {
          action: string;
        }[]
      ).filter((e) => e.action.includes('/v1/plans')).length;
    const plansBefore = await audit();
    const run = await gateProcess(empty, gateArgs('--app-dir', '.'), {
      STACKPILOT_TOKEN: h.tokens.deployer,
    });
    assert.equal(run.code, GateExit.error, run.lines.join('\n'));
    const error = run.lines.find((l) => l.startsWith('error: '));
    assert.ok(
      error?.startsWith(`error: the repository ${empty} (app empty) has no components`),
      run.lines.join('\n'),
    );
    assert.match(run.lines.at(-1) ?? '', /^ {2}- components: no component detected/);
    assert.ok(!run.lines.some((l) => /^deployed|^preview /.test(l)));
    assert.equal(await audit(), plansBefore, 'no plan request reached the server');
  });

  it('exits 2 when the preview is rejected, and exits 3 when nobody decides in time', async () => {
    const gate = (
      lines: string[],
      options: Pick<GateOptions, 'planId' | 'timeoutSeconds' | 'time'>,
    ) =>
      runGate({
        server: h.server.url,
        token: h.tokens.deployer,
        env: 'prod',
        pollSeconds: 0.2,
        out: (l) => lines.push(l),
        ...options,
      });
    const plan = await h.as('deployer').expect(201, 'POST', '/v1/plans', {
      environment: 'prod',
      app: await analyzeRepository(checkout),
    });
    const rejectedLines: string[] = [];
    const [rejected] = await Promise.all([
      gate(rejectedLines, { planId: String(plan.id), timeoutSeconds: 300 }),
      decideWhenPending('reject'),
    ]);
    assert.equal(rejected, GateExit.rejected, rejectedLines.join('\n'));
    assert.equal(rejectedLines.at(-1), 'rejected by approver: rejected in the test');

    // Nobody decides: the wait runs on the test's clock, each poll's sleep moving it at once,
    // so the timeout is reached by polling through it, not by the machine's speed.
    let now = 0;
    const slept: number[] = [];
    const waitingLines: string[] = [];
    assert.equal(
      await gate(waitingLines, {
        planId: String(plan.id),
        timeoutSeconds: 1,
        time: {
          now: () => now,
          sleep: async (ms) => {
            slept.push(ms);
            now += ms;
          },
        },
      }),
      GateExit.timedOut,
      waitingLines.join('\n'),
    );
    assert.equal(waitingLines.at(-1), 'timed out after 1s waiting for an approval');
    assert.deepEqual(slept, [200, 200, 200, 200, 200], 'polled every 0.2 s for 1 s');
  });
});
