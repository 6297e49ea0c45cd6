/**
 * `runGate` against the real server and engine: approved (an approver decides from the test
 * while the gate waits) → deployed; rejected → exit 2; no decision in time → exit 3.
 */
import { strict as assert } from 'node:assert';
import { GateExit, runGate, type GateOptions } from '../../../src/cli/gate';
import { startHarness, type Harness } from './support/harness';

describe('gate against the real server (real engine)', function () {
  this.timeout(600_000);
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h?.cleanup());

  const gate = (
    lines: string[],
    options: Pick<GateOptions, 'planId' | 'appDir' | 'timeoutSeconds' | 'time'>,
  ) =>
    runGate({
      server: h.server.url,
      token: h.tokens.deployer,
      env: 'prod',
      pollSeconds: 0.2,
      out: (l) => lines.push(l),
      ...options,
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

  it('analyzes, plans and previews, waits for the approval, deploys and follows the events: exit 0', async () => {
    const lines: string[] = [];
    const [exit, previewId] = await Promise.all([
      gate(lines, { appDir: 'fullstack', timeoutSeconds: 300 }),
      decideWhenPending('approve'),
    ]);
    assert.equal(exit, GateExit.deployed, lines.join('\n'));
    assert.ok(
      lines.some((l) => l.startsWith(`preview ${previewId}`)),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((l) => /^preview: \d+ create/.test(l)),
      lines.join('\n'),
    );
    assert.ok(lines.includes('approved by approver: approved in the test'), lines.join('\n'));
    assert.ok(
      lines.some((l) => /^ {2}create kubernetes:/.test(l)),
      'followed the deployment events',
    );
    assert.match(lines.at(-1) ?? '', /^deployed prod/);
    const current = await h
      .as('viewer')
      .expect(200, 'GET', '/v1/stacks/prod/current?project=fullstack');
    assert.equal(current.exists, true);
  });

  it('exits 2 when the preview is rejected, and exits 3 when nobody decides in time', async () => {
    const plan = await h.as('deployer').plan('prod');
    const rejectedLines: string[] = [];
    const [rejected] = await Promise.all([
      gate(rejectedLines, { planId: plan.id, timeoutSeconds: 300 }),
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
        planId: plan.id,
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
