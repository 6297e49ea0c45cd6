/**
 * `stackpilot chart` as a user runs it (the compiled CLI, built by `pretest`) on
 * test/fixtures/compose-microservices: the chart on disk, the install command per environment
 * (which helm accepts as printed), re-runs onto its own chart, a refused foreign directory left
 * as it was, a single environment, and byte-identical output from run to run.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ChartResult } from '../../src/cli/commands/chart';
import { DeploymentPlanSchema } from '../../src/model/plan';
import { REPO_ROOT, snapshotDir } from './support/engine';

const CLI = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');
const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'compose-microservices');
const ENVS = ['dev', 'staging', 'prod'];
const HELM = join(
  process.env.STACKPILOT_CHECKERS_DIR ?? join(homedir(), '.cache/stackpilot/checkers'),
  'bin/helm',
);

describe('CLI: stackpilot chart', function () {
  this.timeout(300_000);
  let work: string;
  const run = (args: string[]) =>
    spawnSync(process.execPath, [CLI, '--state-dir', join(work, 'state'), ...args], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
  const chart = (out: string, ...more: string[]) => run(['chart', FIXTURE, '--out', out, ...more]);

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'stackpilot-chart-cli-'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('writes the chart of every environment and prints how to install each', () => {
    const out = join(work, 'chart');
    const r = chart(out);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(`wrote chart compose-microservices to ${out}: dev, staging, prod, \\d+ templates`),
    );
    for (const env of ENVS) {
      const command = `helm upgrade --install compose-microservices-${env} ${out} -n stackpilot-${env} -f ${out}/values-${env}.yaml`;
      assert.ok(r.stdout.includes(command), `prints: ${command}\n${r.stdout}`);
    }
    assert.match(
      r.stdout,
      /create its Secrets .*: mailer, migrate, orders, postgres, redis, users/,
    );

    const files = snapshotDir(out);
    for (const f of [
      'Chart.yaml',
      'values.yaml',
      'values-dev.yaml',
      'values-staging.yaml',
      'values-prod.yaml',
      'values.schema.json',
      'templates/_helpers.tpl',
      'templates/NOTES.txt',
      'templates/tests/test-services.yaml',
      'templates/deployments.yaml',
      'templates/statefulsets.yaml',
    ])
      assert.ok(files[f], `${f} is written`);
    assert.deepEqual(
      readdirSync(work).filter((f) => f.startsWith('.chart')),
      [],
      'no staging directory left beside the chart',
    );

    // The chart is of the plans `stackpilot plan` makes: each plan's hash is in Chart.yaml.
    const meta = parse(files['Chart.yaml']!) as { annotations: Record<string, string> };
    for (const env of ENVS) {
      const p = run(['plan', FIXTURE, '--env', env, '--out', join(work, 'plans', env), '--json']);
      assert.equal(p.status, 0, p.stderr);
      const plan = DeploymentPlanSchema.parse(JSON.parse(p.stdout));
      assert.equal(meta.annotations[`stackpilot.dev/plan-${env}`], plan.hash, env);
    }
  });

  it('prints the same as JSON, with commands helm accepts as printed', function () {
    const out = join(work, 'json');
    const r = chart(out, '--json');
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout) as ChartResult;
    assert.equal(result.chart, 'compose-microservices');
    assert.equal(result.directory, out);
    assert.deepEqual(result.environments, ENVS);
    assert.deepEqual(result.files, Object.keys(snapshotDir(out)).sort());
    assert.equal(
      result.templates,
      result.files.filter((f) => /^templates\/.*\.yaml$/.test(f)).length,
    );
    assert.deepEqual(
      result.install.map((i) => [i.environment, i.namespace, i.release]),
      ENVS.map((e) => [e, `stackpilot-${e}`, `compose-microservices-${e}`]),
    );

    assert.ok(existsSync(HELM), `${HELM} not found; run scripts/setup-checkers.sh`);
    for (const { command, environment } of result.install) {
      const args = command.split(' ').slice(3); // past `helm upgrade --install`
      const t = spawnSync(HELM, ['template', ...args], { encoding: 'utf8' });
      assert.equal(t.status, 0, `helm template ${args.join(' ')}:\n${t.stderr}`);
      assert.match(t.stdout, new RegExp(`namespace: stackpilot-${environment}\\b`));
      assert.doesNotMatch(
        t.stdout,
        /^kind: Namespace$/m,
        'the Namespace is off (namespace.create)',
      );
    }
  });

  it('replaces its own chart on a second run without --force', () => {
    const out = join(work, 'again');
    assert.equal(chart(out).status, 0);
    const first = snapshotDir(out);
    const r = chart(out);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(snapshotDir(out), first);
  });

  it('refuses a directory it did not write, says so, and leaves it untouched', () => {
    const out = join(work, 'foreign');
    mkdirSync(join(out, 'templates'), { recursive: true });
    writeFileSync(join(out, 'Chart.yaml'), 'apiVersion: v2\nname: hand-made\nversion: 1.0.0\n');
    writeFileSync(join(out, 'templates', 'cm.yaml'), 'kind: ConfigMap\n');
    const before = snapshotDir(out);
    const r = chart(out);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^error: refusing to replace /m);
    assert.ok(r.stderr.includes(out), r.stderr);
    assert.match(r.stderr, /pass --force to replace it/);
    assert.deepEqual(snapshotDir(out), before);

    const forced = chart(out, '--force');
    assert.equal(forced.status, 0, forced.stderr);
    assert.ok(!existsSync(join(out, 'templates', 'cm.yaml')), 'replaced whole with --force');
  });

  it('writes only values-dev.yaml beside values.yaml with --env dev', () => {
    const out = join(work, 'dev-only');
    const r = chart(out, '--env', 'dev');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /: dev, \d+ templates/);
    assert.deepEqual(
      readdirSync(out).filter((f) => f.startsWith('values')),
      ['values-dev.yaml', 'values.schema.json', 'values.yaml'],
    );
    assert.ok(!r.stdout.includes('values-staging.yaml'));
  });

  it('writes nothing for an unknown environment or a repeated one', () => {
    const unknown = chart(join(work, 'none'), '--env', 'dev', '--env', 'qa');
    assert.equal(unknown.status, 3);
    assert.match(unknown.stderr, /unknown environment "qa"/);
    const twice = chart(join(work, 'none'), '--env', 'dev', '--env', 'dev');
    assert.equal(twice.status, 2);
    assert.match(twice.stderr, /dev given more than once/);
    assert.ok(!existsSync(join(work, 'none')));
  });

  it('writes byte-identical charts from run to run', () => {
    assert.equal(chart(join(work, 'one')).status, 0);
    assert.equal(chart(join(work, 'two')).status, 0);
    assert.deepEqual(snapshotDir(join(work, 'one')), snapshotDir(join(work, 'two')));
  });
});
