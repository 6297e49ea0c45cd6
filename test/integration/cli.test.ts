/**
 * The compiled CLI (`dist/src/cli/main.js`, built by `pretest`) as a user runs it: help on every
 * command, documented exit codes with one clear message, `--json` output that parses with the
 * same schemas as the API, plain output when piped, and gated environments that ask first.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppModelSchema } from '../../src/model/app';
import { HistoryEntrySchema, UpResultSchema } from '../../src/model/operations';
import { DeploymentPlanSchema } from '../../src/model/plan';
import { FULLSTACK, REPO_ROOT } from './support/engine';

const CLI = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');

describe('CLI (compiled)', function () {
  this.timeout(300_000);
  let state: string;
  const run = (args: string[], input?: string) =>
    spawnSync(process.execPath, [CLI, '--state-dir', state, ...args], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', PULUMI_CONFIG_PASSPHRASE: 'cli-test' },
      ...(input !== undefined ? { input } : {}),
    });

  before(() => {
    state = mkdtempSync(join(tmpdir(), 'stackpilot-cli-'));
  });
  after(() => rmSync(state, { recursive: true, force: true }));

  it('has --help on every command, with the exit codes documented', () => {
    const top = run(['--help']);
    assert.equal(top.status, 0);
    assert.match(top.stdout, /Exit codes:\n {2}0 {2}success/);
    const commands = [
      'analyze',
      'plan',
      'render',
      'eject',
      'preview',
      'up',
      'rollback',
      'history',
      'recover',
      'serve',
      'gate',
      'tokens',
      'secrets',
    ];
    for (const command of commands) {
      const help = run([command, '--help']);
      assert.equal(help.status, 0, command);
      assert.match(help.stdout, new RegExp(`Usage: stackpilot ${command}`));
    }
    assert.match(run(['gate', '--help']).stdout, /2 {2}the preview was rejected/);
  });

  it('says what is wrong in one line and exits with the documented code', () => {
    const missing = run(['analyze', join(state, 'nope')]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^error: .*nope/m);
    assert.ok(!/\n\s+at /.test(missing.stderr), 'no stack trace');

    const unknownEnv = run(['plan', FULLSTACK, '--env', 'qa']);
    assert.equal(unknownEnv.status, 3);
    assert.match(unknownEnv.stderr, /qa/);
    assert.match(unknownEnv.stderr, /dev/, 'names the known environments');

    const badStacks = mkdtempSync(join(tmpdir(), 'stackpilot-stacks-'));
    writeFileSync(
      join(badStacks, 'Pulumi.dev.yaml'),
      'config:\n  stackpilot:replicas: many\n  stackpilot:colour: blue\n',
    );
    const invalid = run(['--stacks', badStacks, 'plan', FULLSTACK, '--env', 'dev']);
    rmSync(badStacks, { recursive: true });
    assert.equal(invalid.status, 2);
    assert.match(invalid.stderr, /Pulumi\.dev\.yaml:2/);
    assert.match(invalid.stderr, /Pulumi\.dev\.yaml:3/);
  });

  it('prints JSON that parses with the same schemas as the API, and plain text when piped', () => {
    const analyzed = run(['analyze', FULLSTACK, '--json']);
    assert.equal(analyzed.status, 0, analyzed.stderr);
    assert.equal(AppModelSchema.parse(JSON.parse(analyzed.stdout)).name, 'fullstack');

    const planned = run(['plan', FULLSTACK, '--env', 'staging', '--json']);
    assert.equal(planned.status, 0, planned.stderr);
    const plan = DeploymentPlanSchema.parse(JSON.parse(planned.stdout));
    assert.equal(plan.environment, 'staging');
    assert.ok(
      !run(['analyze', FULLSTACK]).stdout.includes('\u001b['),
      'no colour codes when piped',
    );
  });

  it('runs the main job and reports where everything is; history and rollback follow', () => {
    const up = run(['up', FULLSTACK, '--env', 'dev', '--json']);
    assert.equal(up.status, 0, up.stderr);
    assert.equal(UpResultSchema.parse(JSON.parse(up.stdout)).status, 'succeeded');
    const text = run(['up', FULLSTACK, '--env', 'dev']);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /plan report: +.*report\.md/);
    assert.match(text.stdout, /manifests: +.*rendered\/dev\/1-manifest/);
    assert.match(text.stdout, /kind: cluster/);

    const history = run(['history', FULLSTACK, '--env', 'dev', '--json']);
    const entries = HistoryEntrySchema.array().parse(JSON.parse(history.stdout));
    assert.equal(entries.length, 2);
    assert.equal(
      run(['rollback', 'fullstack', '--env', 'dev']).status,
      3,
      'nothing earlier to roll back to',
    );
  });

  it('asks before changing a gated environment, and takes no for an answer without a terminal', () => {
    const refused = run(['up', FULLSTACK, '--env', 'prod']);
    assert.equal(refused.status, 6);
    assert.match(refused.stderr, /gated environment.*--yes/);
  });

  // That the value never reaches a command line (ours or pulumi's) is checked on /proc by
  // secrets-argv.test.ts; this test checks where it is stored and that an argument is refused.
  it('stores a secret from standard input, encrypted, and refuses one given as an argument', () => {
    const set = run(
      ['secrets', 'set', 'fullstack', 'OPENAI_API_KEY', '--env', 'dev'],
      'sk-canary-cli-99\n',
    );
    assert.equal(set.status, 0, set.stderr);
    assert.match(set.stdout, /set secrets:OPENAI_API_KEY on dev/);
    const stackFile = readFileSync(
      join(state, 'workspaces', 'fullstack', 'Pulumi.dev.yaml'),
      'utf8',
    );
    assert.match(stackFile, /secrets:OPENAI_API_KEY:\s*\n\s+secure:/);
    assert.ok(!stackFile.includes('sk-canary-cli-99'));
    const asArgument = run(
      ['secrets', 'set', 'fullstack', 'OPENAI_API_KEY', 'sk-canary-argv-77', '--env', 'dev'],
      '',
    );
    assert.equal(asArgument.status, 2, asArgument.stderr);
    assert.ok(
      !readFileSync(join(state, 'workspaces', 'fullstack', 'Pulumi.dev.yaml'), 'utf8').includes(
        'sk-canary-argv-77',
      ),
    );
  });

  it('creates API tokens that are shown once', () => {
    const created = run(['tokens', 'create', 'ci', '--role', 'deployer']);
    assert.equal(created.status, 0, created.stderr);
    assert.match(created.stdout.trim(), /^\S{20,}$/);
    assert.equal(run(['tokens', 'create', 'ci', '--role', 'root']).status, 2);
  });
});
