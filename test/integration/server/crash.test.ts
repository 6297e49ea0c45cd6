/**
 * Crash and restart: the server process is killed with SIGKILL during an up and started again
 * on the same state directory and database. The up is then `interrupted`, the stack's stale
 * lock is recovered and its orphaned plugins are stopped by a start-up recover operation, the
 * next up succeeds, and nothing recorded before the crash is lost.
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/engine';
import { engineProcesses } from '../support/processes';
import { Client, engineEnv, makeStacks, makeTokens, type Tokens } from './support/harness';

interface Child {
  process: ChildProcess;
  url: string;
  startup: { interrupted: string[]; recoveries: string[] };
  exited: Promise<void>;
}

/** Starts the server child and waits for its `{ url }` line. */
async function startChild(stateDir: string, stacksDir: string): Promise<Child> {
  const child = spawn(
    process.execPath,
    ['--require', 'tsx/cjs', join(__dirname, 'support', 'server-child.ts'), stateDir, stacksDir],
    { cwd: REPO_ROOT, detached: true, env: engineEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    child.once('exit', (code) => reject(new Error(`server child exited (${code}): ${stderr}`)));
  });
  const parsed = JSON.parse(line) as Pick<Child, 'url' | 'startup'>;
  return { process: child, exited, ...parsed };
}

describe('server crash and restart (real engine)', function () {
  this.timeout(600_000);
  let stateDir: string;
  let stacksDir: string;
  let tokens: Tokens;
  const children: Child[] = [];

  before(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'stackpilot-crash-'));
    stacksDir = makeStacks();
    tokens = makeTokens(join(stateDir, 'stackpilot.db'));
  });
  after(async () => {
    for (const c of children)
      if (c.process.exitCode === null && c.process.signalCode === null) {
        process.kill(-(c.process.pid as number), 'SIGTERM');
        await c.exited;
      }
    for (const pid of engineProcesses(stateDir)) process.kill(pid, 'SIGTERM');
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(stacksDir, { recursive: true, force: true });
  });

  it('marks the killed up interrupted, recovers the stack, deploys again and keeps every record', async () => {
    const first = await startChild(stateDir, stacksDir);
    children.push(first);
    const as = (who: keyof Tokens) => new Client(first.url, tokens[who]);

    const plan = await as('deployer').plan('dev');
    const preview = await as('deployer').run('/v1/stacks/dev/previews', { planId: plan.id });
    await as('approver').expect(201, 'POST', '/v1/approvals', {
      previewOperationId: preview.id,
      decision: 'approve',
    });
    const up = await as('deployer').expect(202, 'POST', '/v1/stacks/dev/deployments', {
      planId: plan.id,
      previewOperationId: preview.id,
    });
    const upId = String(up.operationId);

    // Wait until the engine is applying resources, then kill the server and its engine processes.
    for (;;) {
      const { events } = await as('viewer').expect(200, 'GET', `/v1/operations/${upId}/events`);
      if ((events as { event: { kind: string } }[]).some((e) => e.event.kind === 'step-start'))
        break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const auditBefore = (await as('admin').expect(200, 'GET', '/v1/audit?limit=1000')).entries as {
      id: number;
    }[];
    process.kill(-(first.process.pid as number), 'SIGKILL');
    await first.exited;

    const second = await startChild(stateDir, stacksDir);
    children.push(second);
    assert.deepEqual(second.startup.interrupted, [upId]);
    assert.equal(second.startup.recoveries.length, 1);
    const again = (who: keyof Tokens) => new Client(second.url, tokens[who]);

    const interrupted = await again('viewer').expect(200, 'GET', `/v1/operations/${upId}`);
    assert.deepEqual(
      [interrupted.status, (interrupted.error as { code: string }).code],
      ['interrupted', 'interrupted'],
    );
    const recovery = await again('viewer').settle(second.startup.recoveries[0] ?? '');
    assert.equal(recovery.status, 'succeeded', JSON.stringify(recovery.error));
    assert.ok(
      (recovery.result as { clearedLocks: number }).clearedLocks >= 1,
      `the dead process's lock was cleared: ${JSON.stringify(recovery.result)}`,
    );
    // The plugins the killed engine left (process groups of their own) were stopped, by record.
    const stopped = (recovery.result as { leftoverProcesses: { stopped: boolean }[] })
      .leftoverProcesses;
    assert.ok(
      stopped.length >= 1 && stopped.every((p) => p.stopped),
      JSON.stringify(recovery.result),
    );
    assert.deepEqual(engineProcesses(stateDir), [], 'no engine process of the dead server left');
    const audited = (await again('admin').expect(200, 'GET', '/v1/audit?limit=1000')).entries as {
      action: string;
    }[];
    assert.equal(
      audited.filter((e) => e.action === 'process.stop').length,
      stopped.length,
      'each stopped process has an audit entry',
    );

    const next = await again('deployer').run('/v1/stacks/dev/deployments', { planId: plan.id });
    assert.equal((next.result as { status: string }).status, 'succeeded');

    // Nothing recorded before the crash is lost.
    const previewAfter = await again('viewer').expect(
      200,
      'GET',
      `/v1/operations/${String(preview.id)}`,
    );
    const approval = previewAfter.approval as { state: string; decision?: { approver: string } };
    assert.deepEqual(
      [previewAfter.status, approval.state, approval.decision?.approver],
      ['succeeded', 'approved', 'approver'],
    );
    const auditAfter = (await again('admin').expect(200, 'GET', '/v1/audit?limit=1000'))
      .entries as {
      id: number;
    }[];
    const ids = new Set(auditAfter.map((e) => e.id));
    assert.deepEqual(
      auditBefore.filter((e) => !ids.has(e.id)),
      [],
      'every audit entry from before the crash is still there',
    );
    const current = await again('viewer').expect(
      200,
      'GET',
      '/v1/stacks/dev/current?project=fullstack',
    );
    assert.deepEqual(
      [current.locks, current.pendingOperations, current.deployedPlanHash],
      [[], [], plan.hash],
    );
  });
});
