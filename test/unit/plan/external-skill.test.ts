import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SkillError } from '../../../src/model/errors';
import { resolveEnvironment } from '../../../src/plan/environment';
import { externalSkill, externalSkillTimed } from '../../../src/plan/external-skill';
import { runSkills } from '../../../src/plan/orchestrator';
import { planDeployment } from '../../../src/plan/planner';
import { referenceApp } from './support/reference-app';

/** Waits for `done` (polling every 20 ms), failing after a generous 20 s. */
async function until(done: () => boolean, what: string): Promise<void> {
  for (const start = Date.now(); !done();) {
    if (Date.now() - start > 20_000) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('plan/external-skill', () => {
  let dir: string;
  const script = (name: string, body: string): string => {
    const file = join(dir, name);
    writeFileSync(file, body);
    return file;
  };
  const context = { app: referenceApp(), env: resolveEnvironment('dev', {}) };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'stackpilot-skill-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs an executable that reads the skill input on stdin and writes its contribution on stdout', async () => {
    const file = script(
      'ok.js',
      `let s = '';
process.stdin.on('data', (d) => (s += d)).on('end', () => {
  const input = JSON.parse(s);
  const env = Object.keys(process.env).sort().join(',');
  process.stdout.write(JSON.stringify({
    decisions: [{ skill: 'audit', subject: input.app.name, topic: 'seen', choice: String(input.facts.api.image), alternatives: [], reason: env }],
    warnings: ['audit ran in ' + input.env.name],
  }));
});`,
    );
    process.env.PULUMI_CONFIG_PASSPHRASE_TEST_LEAK = 'not-for-skills';
    try {
      const plan = await planDeployment(referenceApp(), resolveEnvironment('dev', {}), {
        externalSkills: [
          { id: 'audit', needs: ['containerize'], command: process.execPath, args: [file] },
        ],
      });
      const d = plan.decisions.find((x) => x.skill === 'audit')!;
      assert.equal(d.subject, 'acme-chat');
      assert.match(d.choice, /^localhost:5000\/acme-chat-api:src-[0-9a-f]{12}$/);
      assert.ok(
        !d.reason.includes('PULUMI_CONFIG_PASSPHRASE_TEST_LEAK'),
        'the parent environment is not passed on',
      );
      assert.ok(d.reason.split(',').includes('STACKPILOT_SKILL_ID'));
      assert.ok(plan.warnings.includes('audit ran in dev'));
    } finally {
      delete process.env.PULUMI_CONFIG_PASSPHRASE_TEST_LEAK;
    }
  });

  it('turns a non-zero exit into a SkillError carrying the end of stderr', async () => {
    const file = script('fail.js', `console.error('cannot reach the cost API'); process.exit(3);`);
    await assert.rejects(
      runSkills(
        [externalSkill({ id: 'broken', command: process.execPath, args: [file] })],
        context,
      ),
      (err: unknown) =>
        err instanceof SkillError &&
        err.skill === 'broken' &&
        err.message === 'skill broken: exited with code 3: cannot reach the cost API',
    );
  });

  it('rejects output that is not JSON', async () => {
    const file = script('garbage.js', `process.stdout.write('hello, not json');`);
    await assert.rejects(
      runSkills(
        [externalSkill({ id: 'garbage', command: process.execPath, args: [file] })],
        context,
      ),
      /skill garbage: wrote invalid JSON on stdout/,
    );
  });

  it('validates the output with the contribution schema, like a built-in skill', async () => {
    const file = script(
      'bad.js',
      `process.stdout.write(JSON.stringify({ facts: { api: { replicas: 'many' } } }));`,
    );
    await assert.rejects(
      runSkills(
        [externalSkill({ id: 'badshape', command: process.execPath, args: [file] })],
        context,
      ),
      /skill badshape: invalid contribution: facts\.api\.replicas/,
    );
  });

  it('kills a skill that runs past its time limit, and says so', async function () {
    this.timeout(30_000);
    const pidFile = join(dir, 'slow.pid');
    const file = script(
      'slow.js',
      `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000);`,
    );
    // The time limit fires when the test says, once the skill is surely running (it wrote its pid).
    let fire: (() => void) | undefined;
    let limit: number | undefined;
    const run = runSkills(
      [
        externalSkillTimed(
          { id: 'slow', command: process.execPath, args: [file], timeoutMs: 1500 },
          (ms, onTimeout) => {
            limit = ms;
            fire = onTimeout;
            return () => (fire = undefined);
          },
        ),
      ],
      context,
    );
    await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8') !== '', 'the pid file');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    assert.equal(limit, 1500);
    assert.ok(fire, 'the time limit is armed while the skill runs');
    fire();
    await assert.rejects(
      run,
      (err: unknown) =>
        err instanceof SkillError &&
        err.message === 'skill slow: timed out after 1500 ms and was killed',
    );
    // Killed: the process is gone (once the kernel has delivered the signal and it is reaped).
    await until(() => !alive(pid), `process ${pid} to be gone`);
    assert.throws(() => process.kill(pid, 0), /ESRCH/);
  });

  it('says when the command cannot be started', async () => {
    await assert.rejects(
      runSkills([externalSkill({ id: 'missing', command: join(dir, 'does-not-exist') })], context),
      /skill missing: could not start ".*does-not-exist": .*ENOENT/,
    );
  });

  it('rejects an invalid spec', () => {
    assert.throws(
      () => externalSkill({ id: 'Bad Id', command: 'x' }),
      /invalid external skill spec: id/,
    );
  });
});
