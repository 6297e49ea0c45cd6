/**
 * syncSecrets against a real stack (real pulumi CLI, file backend in a temporary state
 * directory): every missing key in one error, an environment value over the stack's own,
 * labelled placeholders when the policy allows them (render targets' up), and planted values
 * kept out of error text. Plus the positive control for the /proc argv/environ check of
 * secrets-argv.test.ts: the same kind of sampling does see a canary a child carries.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { Stack } from '@pulumi/pulumi/automation';
import { EngineCore, emptyProgram } from '../../src/engine/core';
import {
  requiredSecretKeys,
  secretEnvVar,
  setSecretConfig,
  syncSecrets,
} from '../../src/engine/secrets';
import { InputError } from '../../src/model/errors';
import type { DeploymentPlan } from '../../src/model/plan';
import { PASSPHRASE, referencePlan, tempEngine } from './support/engine';

const ENV_CANARY = 'sk-canary-sync-env-3e81d0';
const OLD_CANARY = 'sk-canary-sync-old-9c42aa';

describe('engine/secrets: syncSecrets on a real stack', function () {
  this.timeout(300_000);
  let plan: DeploymentPlan;
  let keys: string[];
  let t: ReturnType<typeof tempEngine>;
  let core: EngineCore;
  let stackN = 0;

  before(async () => {
    plan = (await referencePlan('dev')).plan;
    keys = requiredSecretKeys(plan);
    assert.ok(keys.length >= 3, `the reference plan reads several secrets: ${keys.join(', ')}`);
    t = tempEngine();
    core = new EngineCore({
      stateDir: t.stateDir,
      env: { ...process.env, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE },
    });
  });
  after(() => t?.cleanup());

  /** A fresh stack of the plan's project, so each test starts with no config. */
  const freshStack = (): Promise<Stack> =>
    core.open(plan.app, `secrets-${++stackN}`, emptyProgram, 'create-or-select');
  const configOf = async (stack: Stack) =>
    Object.fromEntries(Object.entries(await stack.getAllConfig()).map(([k, v]) => [k, v.value]));

  it('refuses with every missing key listed, naming its variable, and no value in the text', async () => {
    const stack = await freshStack();
    const [given, ...missing] = keys as [string, ...string[]];
    const env = { [secretEnvVar(given)]: ENV_CANARY };
    await assert.rejects(syncSecrets(stack, plan, 'error', env), (err: unknown) => {
      assert.ok(err instanceof InputError, String(err));
      assert.deepEqual(
        err.issues.map((i) => i.field),
        missing,
      );
      for (const key of missing) assert.match(err.message, new RegExp(secretEnvVar(key)));
      assert.ok(!err.message.includes(ENV_CANARY), err.message);
      return true;
    });
    // Nothing was set before the refusal: the given value is not on the stack either.
    assert.deepEqual(await configOf(stack), {});
  });

  it("takes an environment value over the stack's own, keeps set values, fills the rest", async () => {
    const stack = await freshStack();
    const [overridden, kept, ...rest] = keys as [string, string, ...string[]];
    await setSecretConfig(stack, { [overridden]: OLD_CANARY, [kept]: `${OLD_CANARY}-kept` });
    const env = Object.fromEntries([
      [secretEnvVar(overridden), ENV_CANARY],
      ...rest.map((k) => [secretEnvVar(k), `${ENV_CANARY}-${k}`]),
    ]);
    const sync = await syncSecrets(stack, plan, 'error', env);
    const config = await configOf(stack);
    assert.equal(config[overridden], ENV_CANARY);
    assert.equal(config[kept], `${OLD_CANARY}-kept`);
    for (const k of rest) assert.equal(config[k], `${ENV_CANARY}-${k}`);
    assert.deepEqual(sync.placeholders, []);
    // The redaction list holds every value now set, and the replaced one too (it was set).
    for (const v of [
      ENV_CANARY,
      `${OLD_CANARY}-kept`,
      OLD_CANARY,
      ...rest.map((k) => `${ENV_CANARY}-${k}`),
    ])
      assert.ok(sync.values.includes(v), v);
    const raw = JSON.stringify(await stack.workspace.getAllConfig(stack.name));
    assert.ok(raw.includes(ENV_CANARY), 'control: config reads do return the value');
  });

  it('sets labelled placeholders for missing keys under the placeholder policy (render targets)', async () => {
    const stack = await freshStack();
    const [given, ...missing] = keys as [string, ...string[]];
    const sync = await syncSecrets(stack, plan, 'placeholder', {
      [secretEnvVar(given)]: ENV_CANARY,
    });
    assert.deepEqual(sync.placeholders, missing);
    const config = await configOf(stack);
    assert.equal(config[given], ENV_CANARY);
    for (const k of missing) {
      assert.equal(config[k], `placeholder-${k.replace(/[^a-z0-9]/gi, '-').toLowerCase()}`);
      assert.equal((await stack.getConfig(k)).secret, true, `${k} is stored as a secret`);
    }
  });
});

/** The command line and environment of every live process below this one. */
function childProcessTexts(): Array<{ pid: number; cmdline: string; environ: string }> {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone
    }
  }
  const below = new Set<number>([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [p, pp] of parent) {
      if (below.has(pp) && !below.has(p)) {
        below.add(p);
        grew = true;
      }
    }
  }
  below.delete(process.pid);
  const out = [];
  for (const pid of below) {
    try {
      out.push({
        pid,
        cmdline: readFileSync(`/proc/${pid}/cmdline`, 'latin1'),
        environ: readFileSync(`/proc/${pid}/environ`, 'latin1'),
      });
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

describe('secret canaries: the /proc argv/environ check can see a leak (positive control)', () => {
  it('finds a canary in a child’s argv and one in a grandchild’s environment', async () => {
    const ARGV_CANARY = 'sk-canary-argv-control-51d2';
    const ENVIRON_CANARY = 'sk-canary-environ-control-07fe';
    assert.ok(
      !childProcessTexts().some((p) => p.cmdline.includes(ARGV_CANARY)),
      'no such child yet',
    );
    // sh starts sleep as a grandchild, the way the CLI starts its plugins.
    const child = spawn('sh', ['-c', `sleep 30 & echo started; wait # ${ARGV_CANARY}`], {
      env: { PATH: process.env.PATH, LEAKED: ENVIRON_CANARY },
      stdio: ['ignore', 'pipe', 'ignore'],
      detached: true, // a process group of its own: both are killed together below
    });
    try {
      await new Promise((r) => child.stdout.once('data', r));
      const seen = childProcessTexts();
      assert.ok(
        seen.some((p) => p.pid === child.pid && p.cmdline.includes(ARGV_CANARY)),
        'the argv canary is seen',
      );
      assert.ok(
        seen.some((p) => p.pid !== child.pid && p.environ.includes(ENVIRON_CANARY)),
        'the environ canary is seen in the grandchild',
      );
    } finally {
      process.kill(-child.pid!, 'SIGKILL');
    }
  });
});
