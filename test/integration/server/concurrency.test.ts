/**
 * Concurrency on the real engine: many previews over several stacks at once. Each stack runs
 * one operation at a time in arrival order; stacks run side by side; no operation's events
 * mix with another's. With busy=refuse a second request on a busy stack gets 409 stack_busy.
 */
import { strict as assert } from 'node:assert';
import { startHarness, type Harness } from './support/harness';

interface Op {
  id: string;
  environment: string;
  status: string;
  createdAt: string;
  startedAt: string;
  finishedAt: string;
}

const ENVS = ['dev', 'staging', 'qa-1', 'qa-2'];
const PER_STACK = 3;

describe('server concurrency (real engine)', function () {
  this.timeout(900_000);

  describe('busy=queue (default)', () => {
    let h: Harness;
    before(async () => {
      h = await startHarness({ extraEnvs: ['qa-1', 'qa-2'] });
    });
    after(async () => h?.cleanup());

    it('runs parallel previews one per stack, first come first served, stacks side by side, events never mixed', async () => {
      const deployer = h.as('deployer');
      const plans = new Map<string, string>();
      for (const env of ENVS) plans.set(env, (await deployer.plan(env)).id);

      const requests = ENVS.flatMap((env) =>
        Array.from({ length: PER_STACK }, () => ({ env, planId: plans.get(env) })),
      );
      const accepted = await Promise.all(
        requests.map(async ({ env, planId }) => {
          const body = await deployer.expect(202, 'POST', `/v1/stacks/${env}/previews`, { planId });
          return { env, position: Number(body.position), operationId: String(body.operationId) };
        }),
      );
      const ops = await Promise.all(
        accepted.map(async (a) => ({
          position: a.position,
          op: (await h.as('viewer').settle(a.operationId, 250)) as unknown as Op,
        })),
      );
      assert.deepEqual(
        ops.map((o) => o.op.status),
        ops.map(() => 'succeeded'),
      );

      for (const env of ENVS) {
        const mine = ops.filter((o) => o.op.environment === env);
        assert.deepEqual(
          mine.map((o) => o.position).sort(),
          [0, 1, 2],
          `${env}: each request got its own place in line`,
        );
        const byStart = [...mine].sort((a, b) => a.op.startedAt.localeCompare(b.op.startedAt));
        assert.deepEqual(
          byStart.map((o) => o.position),
          [0, 1, 2],
          `${env}: operations started in the order they were queued`,
        );
        for (let i = 1; i < byStart.length; i++)
          assert.ok(
            (byStart[i - 1]?.op.finishedAt ?? '') <= (byStart[i]?.op.startedAt ?? ''),
            `${env}: ${byStart[i - 1]?.op.id} ended before ${byStart[i]?.op.id} started`,
          );
      }

      // Stacks side by side, from the operation records: a stack's first operation that was
      // queued while another stack's was running started before that one finished (it did
      // not wait in the other stack's line). The requests all go out at once, so some are.
      const firsts = ops.filter((o) => o.position === 0).map((o) => o.op);
      const t = (iso: string) => new Date(iso).getTime();
      const whileRunning = firsts.flatMap((a) =>
        firsts
          .filter(
            (b) => b !== a && t(a.startedAt) <= t(b.createdAt) && t(b.createdAt) < t(a.finishedAt),
          )
          .map((b) => [a, b] as const),
      );
      assert.ok(whileRunning.length > 0, 'some stack was asked while another ran');
      for (const [a, b] of whileRunning)
        assert.ok(
          t(b.startedAt) < t(a.finishedAt),
          `${b.environment}: ${b.id} (queued ${b.createdAt}) started ${b.startedAt}, before ${a.environment}'s ${a.id} finished ${a.finishedAt}`,
        );

      for (const { op } of ops) {
        const { events } = await h
          .as('viewer')
          .expect(200, 'GET', `/v1/operations/${op.id}/events`);
        const list = events as { seq: number; event: { sequence: number; message?: string } }[];
        assert.deepEqual(
          list.map((e) => e.seq),
          list.map((_e, i) => i + 1),
          `${op.id}: event numbers 1..n`,
        );
        const engineSeqs = list.map((e) => e.event.sequence);
        assert.deepEqual(
          engineSeqs,
          [...engineSeqs].sort((a, b) => a - b),
          `${op.id}: one engine's events, in its order`,
        );
        const stacks = new Set(
          list.flatMap((e) =>
            [...(e.event.message ?? '').matchAll(/urn:pulumi:([a-z0-9-]+)::/g)].map((m) => m[1]),
          ),
        );
        assert.deepEqual([...stacks], [op.environment], `${op.id}: its own stack and no other`);
      }
    });
  });

  describe('busy=refuse', () => {
    let h: Harness;
    before(async () => {
      h = await startHarness({ busy: 'refuse' });
    });
    after(async () => h?.cleanup());

    it('refuses a second operation on a busy stack with 409 stack_busy and records it, while another stack is free', async () => {
      const deployer = h.as('deployer');
      const dev = await deployer.plan('dev');
      const staging = await deployer.plan('staging');
      const first = await deployer.expect(202, 'POST', '/v1/stacks/dev/previews', {
        planId: dev.id,
      });
      const second = await deployer.post('/v1/stacks/dev/previews', { planId: dev.id });
      assert.deepEqual([second.status, second.body.code], [409, 'stack_busy']);
      const refused = await h
        .as('viewer')
        .expect(200, 'GET', `/v1/operations/${String(second.body.operationId)}`);
      assert.equal(refused.status, 'rejected');
      const other = await deployer.expect(202, 'POST', '/v1/stacks/staging/previews', {
        planId: staging.id,
      });
      assert.equal((await h.as('viewer').settle(String(first.operationId))).status, 'succeeded');
      assert.equal((await h.as('viewer').settle(String(other.operationId))).status, 'succeeded');
    });
  });
});
