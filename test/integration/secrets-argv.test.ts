/**
 * Secret values never appear on an engine process's command line or in the environment of an
 * engine process: /proc/<pid>/cmdline and /proc/<pid>/environ of every process below this one
 * are sampled while `secrets set` and an up with STACKPILOT_SECRET_* values run.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { referencePlan, tempEngine } from './support/engine';

const ENV_CANARY = 'sk-canary-env-7d1c9e04b2';
const STDIN_CANARY = 'sk-canary-set-51f0aa93c8';

/** Live processes below `root`, by /proc ppid links. */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone
    }
  }
  const out: number[] = [];
  const visit = (pid: number) => {
    for (const [p, pp] of parent) {
      if (pp !== pid) continue;
      out.push(p);
      visit(p);
    }
  };
  visit(root);
  return out;
}

/** Samples children every few milliseconds until stopped; returns what leaked where. */
function sampler(canaries: string[]): { stop: () => { samples: number; leaks: string[] } } {
  const leaks = new Set<string>();
  let samples = 0;
  let running = true;
  const loop = async () => {
    while (running) {
      for (const pid of descendants(process.pid)) {
        for (const part of ['cmdline', 'environ']) {
          try {
            const text = readFileSync(`/proc/${pid}/${part}`, 'latin1');
            samples++;
            for (const c of canaries)
              if (text.includes(c)) leaks.add(`${part} of ${text.split('\0')[0]} (pid ${pid})`);
          } catch {
            // exited meanwhile
          }
        }
      }
      await new Promise((r) => setTimeout(r, 2));
    }
  };
  const done = loop();
  return {
    stop: () => {
      running = false;
      void done;
      return { samples, leaks: [...leaks] };
    },
  };
}

describe('secret values stay off engine command lines and environments (real engine)', function () {
  this.timeout(300_000);
  const saved = process.env.STACKPILOT_SECRET_OPENAI_API_KEY;
  before(() => {
    // The Automation API hands this process's environment to the CLI: put the value there.
    process.env.STACKPILOT_SECRET_OPENAI_API_KEY = ENV_CANARY;
  });
  after(() => {
    if (saved === undefined) delete process.env.STACKPILOT_SECRET_OPENAI_API_KEY;
    else process.env.STACKPILOT_SECRET_OPENAI_API_KEY = saved;
  });

  it('secrets set and an up with STACKPILOT_SECRET_* values: never in argv or environ', async () => {
    const t = tempEngine({ env: { STACKPILOT_SECRET_OPENAI_API_KEY: ENV_CANARY } });
    try {
      const { plan, env } = await referencePlan('dev');
      const watch = sampler([ENV_CANARY, STDIN_CANARY]);
      await t.engine.setSecret(plan.app, 'dev', 'secrets:ANTHROPIC_API_KEY', STDIN_CANARY);
      const up = await t.engine.up(plan, env, { missingSecrets: 'placeholder' });
      const { samples, leaks } = watch.stop();
      assert.equal(up.status, 'succeeded', up.error);
      assert.ok(samples > 20, `sampled ${samples} times`);
      assert.deepEqual(leaks, []);
      const rendered = JSON.stringify(await t.engine.history(plan.app, 'dev'));
      assert.ok(!rendered.includes(ENV_CANARY) && !rendered.includes(STDIN_CANARY));
    } finally {
      t.cleanup();
    }
  });
});
