/**
 * writeChart on real charts (the planner's plans of test/fixtures/compose-microservices): the
 * files land byte for byte, a directory stackpilot did not write is refused unless forced, one
 * it wrote is replaced, and a write that fails part-way leaves the target as it was and nothing
 * beside it.
 */
import { strict as assert } from 'node:assert';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { analyzeRepository } from '../../../src/analyze';
import { buildChart, GENERATED_ANNOTATION, writeChart, type Chart } from '../../../src/chart';
import { InputError } from '../../../src/model/errors';
import type { DeploymentPlan } from '../../../src/model/plan';
import { loadEnvironment, planDeployment } from '../../../src/plan';

const ROOT = join(__dirname, '..', '..', '..');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'compose-microservices');

/** Every file under `dir`, by relative path, as bytes. */
function snapshot(dir: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p);
    }
  };
  walk(dir);
  return out;
}

/** The chart's files as bytes, as {@link snapshot} reads them. */
function expected(chart: Chart): Record<string, Buffer> {
  return Object.fromEntries(
    Object.entries(chart.files)
      .map(([f, text]) => [f, Buffer.from(text, 'utf8')] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

describe('chart: writeChart', function () {
  this.timeout(60_000);
  let plans: DeploymentPlan[];
  let full: Chart;
  let devOnly: Chart;
  let parent: string;
  let target: string;

  before(async () => {
    const app = await analyzeRepository(FIXTURE);
    plans = [];
    for (const env of ['dev', 'staging', 'prod'])
      plans.push(await planDeployment(app, await loadEnvironment(join(ROOT, 'stacks'), env)));
    full = buildChart(plans);
    devOnly = buildChart(plans.slice(0, 1));
  });
  beforeEach(() => {
    parent = mkdtempSync(join(tmpdir(), 'stackpilot-chart-write-'));
    target = join(parent, 'chart');
  });
  afterEach(() => rmSync(parent, { recursive: true, force: true }));

  it('writes every file of the chart byte for byte, and nothing else', () => {
    assert.equal(writeChart(full, target), target);
    assert.deepEqual(snapshot(target), expected(full));
    assert.ok(full.files['values-prod.yaml'] && full.files['templates/deployments.yaml']);
    assert.deepEqual(readdirSync(parent), ['chart'], 'no staging directory left beside it');
  });

  it('writes into an empty directory that exists', () => {
    mkdirSync(target);
    writeChart(devOnly, target);
    assert.deepEqual(snapshot(target), expected(devOnly));
  });

  it('refuses a non-empty directory it did not write, naming it and --force', () => {
    mkdirSync(join(target, 'templates'), { recursive: true });
    writeFileSync(join(target, 'Chart.yaml'), 'apiVersion: v2\nname: mine\nversion: 1.0.0\n');
    writeFileSync(join(target, 'templates', 'hand-written.yaml'), 'kind: ConfigMap\n');
    const before = snapshot(target);
    assert.throws(
      () => writeChart(full, target),
      (err: unknown) =>
        err instanceof InputError &&
        err.message.includes(target) &&
        err.message.includes('--force') &&
        err.message.includes(GENERATED_ANNOTATION),
    );
    assert.deepEqual(snapshot(target), before, 'the directory is untouched');
    assert.deepEqual(readdirSync(parent), ['chart']);
  });

  it('replaces a foreign directory whole with force: true', () => {
    mkdirSync(target);
    writeFileSync(join(target, 'notes.txt'), 'mine\n');
    writeChart(full, target, { force: true });
    assert.deepEqual(snapshot(target), expected(full), 'the old file is gone');
    assert.deepEqual(readdirSync(parent), ['chart']);
  });

  it('replaces a chart it wrote before without force, dropping files the new one lacks', () => {
    writeChart(full, target);
    writeChart(devOnly, target);
    assert.deepEqual(snapshot(target), expected(devOnly));
    assert.ok(!readdirSync(target).includes('values-prod.yaml'));
    assert.deepEqual(readdirSync(parent), ['chart']);
  });

  it('leaves the existing chart untouched when writing fails part-way, and no staging beside it', () => {
    writeChart(devOnly, target);
    const before = snapshot(target);
    // `a` is written as a file, so `a/b` cannot be: the second write fails with files on disk.
    const broken: Chart = { ...full, files: { ...full.files, a: 'file\n', 'a/b': 'under a\n' } };
    assert.throws(() => writeChart(broken, target), /EEXIST|ENOTDIR/);
    assert.deepEqual(snapshot(target), before);
    assert.deepEqual(readdirSync(parent), ['chart'], 'no staging or set-aside directory left');
  });

  it('leaves nothing at all when a first write fails part-way', () => {
    const broken: Chart = { ...full, files: { ...full.files, a: 'file\n', 'a/b': 'under a\n' } };
    assert.throws(() => writeChart(broken, target), /EEXIST|ENOTDIR/);
    assert.deepEqual(readdirSync(parent), []);
  });

  it('refuses a target that is a file, even with force, and leaves it alone', () => {
    writeFileSync(target, 'not a directory\n');
    for (const force of [false, true]) {
      assert.throws(
        () => writeChart(full, target, { force }),
        (err: unknown) =>
          err instanceof InputError &&
          err.message.includes(target) &&
          /not a directory/.test(err.message),
      );
    }
    assert.equal(readFileSync(target, 'utf8'), 'not a directory\n');
    assert.deepEqual(readdirSync(parent), ['chart']);
  });
});
