/**
 * The ejected project: deterministic, formatted, type-checked with the repository's `tsc`, and —
 * run under the same monitor-level recording — registering the same resources (type, name,
 * inputs) with the same dependencies as the inline program.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as prettier from 'prettier';
import type { Target } from '../../../src/model/environment';
import type { DeploymentPlan } from '../../../src/model/plan';
import { createProgram, ejectProject, writeEjectedProject } from '../../../src/program';
import { allPlans, type TestPlan } from './support/plans';
import { runRecorded, type Recording, type Registration } from './support/recorder';
import { recordPlan, secretConfig } from './support/recordings';
import { referencePlan } from './support/reference-plan';

const ROOT = path.resolve(__dirname, '../../..');
const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};
const load = createRequire(__filename);

/** Writes a plan's ejected project to a fresh temp dir with the repo's node_modules linked in. */
function ejectToTemp(plan: DeploymentPlan, target: Target = { kind: 'render' }): string {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'stackpilot-eject-')), 'project');
  writeEjectedProject(ejectProject(plan, { env: plan.environment, target }), dir);
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

/** Runs an ejected project's index.ts under the recording monitor. */
function recordEjected(plan: DeploymentPlan, dir: string): Promise<Recording> {
  const config = secretConfig(plan);
  return runRecorded(() => load(path.join(dir, 'index.ts')) as object, {
    config,
    secretKeys: Object.keys(config),
    stack: plan.environment,
  });
}

/** Registrations by name, dependencies by name; the provider's render directory set aside. */
function comparable(regs: readonly Registration[]): Array<Record<string, unknown>> {
  const nameOf = new Map(regs.map((r) => [r.urn, r.name]));
  return regs
    .map((r) => {
      const { renderYamlToDirectory: _dir, ...inputs } = r.inputs;
      return {
        type: r.type,
        name: r.name,
        inputs: r.type === 'pulumi:providers:kubernetes' ? inputs : r.inputs,
        dependencies: r.dependencies.map((u) => nameOf.get(u) ?? u).sort(),
        provider: r.provider.split('::').slice(-2).join('::'),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

describe('program: eject', function () {
  // Recording many real plans with the real SDKs takes a while on a shared 2-core machine.
  this.timeout(300_000);
  let plans: TestPlan[] = [];
  before(async function () {
    this.timeout(120_000);
    plans = (await allPlans()).plans;
  });

  it('writes package.json, tsconfig.json, Pulumi.yaml, Pulumi.<env>.yaml and index.ts, the same bytes every time', () => {
    for (const { label, plan } of plans) {
      const options = { env: plan.environment, target: { kind: 'render' } as Target };
      const files = ejectProject(plan, options);
      assert.deepEqual(
        Object.keys(files).sort(),
        [
          '.gitignore',
          'Pulumi.yaml',
          `Pulumi.${plan.environment}.yaml`,
          'index.ts',
          'package.json',
          'tsconfig.json',
        ].sort(),
        label,
      );
      assert.deepEqual(ejectProject(plan, options), files, label);
    }
  });

  it('pins the same SDK versions stackpilot runs', () => {
    const pkg = JSON.parse(
      ejectProject(referencePlan('dev'), { env: 'dev', target: { kind: 'render' } })[
        'package.json'
      ]!,
    ) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    for (const dep of ['@pulumi/pulumi', '@pulumi/kubernetes', '@pulumi/random']) {
      assert.equal(pkg.dependencies[dep], PACKAGE.dependencies[dep], dep);
    }
    assert.match(pkg.devDependencies.typescript ?? '', /^~5\.9/);
  });

  it('lists the secret config keys to set in the stack file, with no values', () => {
    const plan = referencePlan('prod');
    const stack = ejectProject(plan, { env: 'prod', target: { kind: 'render' } })[
      'Pulumi.prod.yaml'
    ]!;
    assert.deepEqual(
      stack.split('\n').filter((l) => l.includes('pulumi config set')),
      ['secrets:DATABASE_URL', 'secrets:OPENAI_API_KEY', 'secrets:SESSION_SECRET'].map(
        (k) => `#   pulumi config set --secret ${k} --stack prod`,
      ),
    );
    assert.match(stack, /^config: \{\}$/m);
  });

  it('generates index.ts that prettier leaves unchanged', async function () {
    this.timeout(60_000);
    const options = (await prettier.resolveConfig(path.join(ROOT, 'src/program/index.ts'))) ?? {};
    for (const { label, plan } of plans) {
      const source = ejectProject(plan, { env: plan.environment, target: { kind: 'render' } })[
        'index.ts'
      ]!;
      const formatted = await prettier.format(source, { ...options, parser: 'typescript' });
      assert.equal(source, formatted, label);
    }
  });

  it('type-checks with the repository tsc', function () {
    this.timeout(180_000);
    for (const plan of [referencePlan('prod'), referencePlan('staging')]) {
      const dir = ejectToTemp(plan);
      try {
        execFileSync(path.join(ROOT, 'node_modules/.bin/tsc'), ['-p', dir, '--noEmit'], {
          encoding: 'utf8',
        });
      } catch (err) {
        assert.fail(
          `tsc failed for ${plan.environment}:\n${(err as { stdout?: string }).stdout ?? err}`,
        );
      }
    }
  });

  it('registers the same resources, inputs and dependencies as the inline program', async function () {
    this.timeout(120_000);
    for (const { label, plan } of plans) {
      const dir = ejectToTemp(plan);
      const ejected = await recordEjected(plan, dir);
      const inline = await recordPlan(plan);
      assert.deepEqual(comparable(ejected.registrations), comparable(inline.registrations), label);
      const provider = ejected.registrations.find((r) => r.type === 'pulumi:providers:kubernetes');
      assert.equal(provider?.inputs.renderYamlToDirectory, `rendered/${plan.environment}`, label);
      assert.deepEqual({ ...ejected.outputs }, inline.outputs, label);
    }
  });

  it('targets a cluster context the same way as the inline program', async function () {
    this.timeout(60_000);
    const plan = referencePlan('prod');
    const target: Target = { kind: 'cluster', context: 'prod-eu', kubeconfig: '/etc/kube/config' };
    const config = secretConfig(plan);
    const run = { config, secretKeys: Object.keys(config), stack: plan.environment };
    const inline = await runRecorded(createProgram(plan, { target }), run);
    const ejected = await runRecorded(
      () => load(path.join(ejectToTemp(plan, target), 'index.ts')) as object,
      run,
    );
    assert.deepEqual(comparable(ejected.registrations), comparable(inline.registrations));
    const provider = inline.registrations.find((r) => r.type === 'pulumi:providers:kubernetes')!;
    // Provider inputs reach the engine as strings.
    assert.deepEqual(provider.inputs, {
      context: 'prod-eu',
      kubeconfig: '/etc/kube/config',
      namespace: plan.namespace,
      enableConfigMapMutable: 'true',
      enableSecretMutable: 'true',
      enableServerSideApply: 'true',
    });
  });

  it('replaces an existing output directory whole, and refuses paths outside it', () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'stackpilot-write-')), 'out');
    writeEjectedProject({ 'a.txt': 'one', 'nested/b.txt': 'two' }, dir);
    writeEjectedProject({ 'c.txt': 'three' }, dir);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['c.txt']);
    assert.deepEqual(fs.readdirSync(path.dirname(dir)), ['out']);
    assert.throws(
      () => writeEjectedProject({ '../escape.txt': 'x' }, dir),
      /cannot write the ejected project/,
    );
    assert.throws(
      () => writeEjectedProject({ '/abs.txt': 'x' }, dir),
      /cannot write the ejected project/,
    );
    assert.equal(fs.readFileSync(path.join(dir, 'c.txt'), 'utf8'), 'three');
  });

  it('leaves no partial output when writing fails', () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'stackpilot-write-'));
    const dir = path.join(parent, 'out');
    writeEjectedProject({ 'keep.txt': 'old' }, dir);
    // A file and a directory of the same path cannot both be written: the second write fails.
    assert.throws(() => writeEjectedProject({ x: 'file', 'x/y': 'nested' }, dir));
    assert.deepEqual(fs.readdirSync(parent), ['out']);
    assert.deepEqual(fs.readdirSync(dir), ['keep.txt']);
  });
});
