/**
 * `runGate` against a real server on loopback, over the fake engine (fast); the same gate runs
 * against the real engine in test/integration/server/gate.test.ts.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GateExit, runGate } from '../../../src/cli/gate';
import { EngineError } from '../../../src/model/errors';
import { createLogger } from '../../../src/server/logger';
import { startServer, type RunningServer } from '../../../src/server/server';
import { createToken } from '../../../src/store';
import { APP, FakeEngine, fakePipeline } from './support/fakes';

describe('gate: runGate against a server (fake engine)', function () {
  this.timeout(20_000);
  let dir: string;
  let server: RunningServer;
  let engine: FakeEngine;
  let deployer: string;
  let approver: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stackpilot-gate-'));
    engine = new FakeEngine();
    server = await startServer({
      stateDir: dir,
      engine,
      pipeline: fakePipeline(),
      logger: createLogger({ level: 'silent' }),
    });
    deployer = createToken(server.store, 'ci', 'deployer').token;
    approver = createToken(server.store, 'lead', 'approver').token;
  });
  afterEach(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function call(token: string, method: string, path: string, body?: unknown) {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  async function planFor(env: string): Promise<string> {
    return (await call(deployer, 'POST', '/v1/plans', { environment: env, app: APP })).body
      .id as string;
  }

  /** Waits for the gate's preview to be pending, then decides on it. */
  async function decideWhenPending(decision: 'approve' | 'reject'): Promise<number> {
    for (;;) {
      const pending = await call(approver, 'GET', '/v1/approvals?status=pending');
      const items = pending.body.items as { previewOperationId: string }[];
      if (items[0]) {
        const res = await call(approver, 'POST', '/v1/approvals', {
          previewOperationId: items[0].previewOperationId,
          decision,
          comment: `${decision} from the test`,
        });
        return res.status;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const gate = (env: string, planId: string, lines: string[], timeoutSeconds = 10) =>
    runGate({
      server: server.url,
      token: deployer,
      env,
      planId,
      timeoutSeconds,
      pollSeconds: 0.05,
      out: (l) => lines.push(l),
    });

  it('deploys an environment that needs no approval without waiting (exit 0)', async () => {
    const lines: string[] = [];
    assert.equal(await gate('dev', await planFor('dev'), lines), GateExit.deployed);
    assert.ok(lines.includes('dev needs no approval'), lines.join('\n'));
    assert.ok(
      lines.some((l) => l.startsWith('preview: ')),
      lines.join('\n'),
    );
    assert.equal(lines.at(-1), 'deployed dev (version 1)');
  });

  it('waits for the approval, then deploys and follows the events (exit 0)', async () => {
    const lines: string[] = [];
    const [exit, decided] = await Promise.all([
      gate('prod', await planFor('prod'), lines),
      decideWhenPending('approve'),
    ]);
    assert.deepEqual([exit, decided], [GateExit.deployed, 201]);
    assert.ok(lines.includes('approved by lead: approve from the test'), lines.join('\n'));
    assert.ok(
      engine.calls.some((c) => c.op === 'up' && c.updatePlan),
      'held to the preview',
    );
  });

  it('exits 2 when the preview is rejected, and deploys nothing', async () => {
    const lines: string[] = [];
    const [exit] = await Promise.all([
      gate('prod', await planFor('prod'), lines),
      decideWhenPending('reject'),
    ]);
    assert.equal(exit, GateExit.rejected);
    assert.ok(lines.includes('rejected by lead: reject from the test'), lines.join('\n'));
    assert.deepEqual(
      engine.calls.filter((c) => c.op === 'up'),
      [],
    );
  });

  it('exits 3 when no decision comes in time, having polled the whole timeout and no longer', async () => {
    // The approval wait runs on a clock of the test's own: each poll's sleep moves it at once.
    let now = 0;
    const slept: number[] = [];
    const lines: string[] = [];
    const exit = await runGate({
      server: server.url,
      token: deployer,
      env: 'prod',
      planId: await planFor('prod'),
      timeoutSeconds: 1,
      pollSeconds: 0.05,
      out: (l) => lines.push(l),
      time: {
        now: () => now,
        sleep: async (ms) => {
          slept.push(ms);
          now += ms;
        },
      },
    });
    assert.equal(exit, GateExit.timedOut, lines.join('\n'));
    assert.equal(lines.at(-1), 'timed out after 1s waiting for an approval');
    assert.deepEqual(
      slept,
      Array.from({ length: 20 }, () => 50),
      'polled every 50 ms for 1 s',
    );
    assert.deepEqual(
      engine.calls.map((c) => c.op),
      ['preview'],
      'deployed nothing',
    );
  });

  it('exits 4 when the deployment fails', async () => {
    engine.failNextUp = new EngineError('dev: the provider failed');
    const lines: string[] = [];
    assert.equal(await gate('dev', await planFor('dev'), lines), GateExit.deployFailed);
    assert.match(lines.at(-1) ?? '', /failed: dev: the provider failed/);
  });

  it('exits 1 with the server’s reason when a request is refused, and never prints the token', async () => {
    const lines: string[] = [];
    const exit = await runGate({
      server: server.url,
      token: deployer,
      env: 'dev',
      planId: 'pl_aaaaaaaaaaaaaaaaaaaa',
      timeoutSeconds: 1,
      out: (l) => lines.push(l),
    });
    assert.equal(exit, GateExit.error);
    assert.deepEqual(lines, ['error: 404 not_found: no plan pl_aaaaaaaaaaaaaaaaaaaa (planId)']);
    assert.ok(!lines.join('\n').includes(deployer));
  });
});
