/**
 * The on-disk program entry (`Pulumi.yaml` main): reads `stackpilot:planFile` and
 * `stackpilot:target` from stack config and registers the same resources as the inline program.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError } from '../../../src/model/errors';
import main from '../../../src/program/main';
import { runRecorded } from './support/recorder';
import { recordPlan, secretConfig } from './support/recordings';
import { referencePlan } from './support/reference-plan';

describe('program: Pulumi.yaml main', function () {
  // Recording many real plans with the real SDKs takes a while on a shared 2-core machine.
  this.timeout(300_000);
  const plan = referencePlan('dev');
  const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stackpilot-main-'));
  fs.mkdirSync(path.join(projectDir, 'plans'));
  fs.writeFileSync(path.join(projectDir, 'plans/dev.json'), JSON.stringify(plan));
  fs.writeFileSync(
    path.join(projectDir, 'plans/bad.json'),
    JSON.stringify({ ...plan, nodes: 'none', hash: 'x' }),
  );
  const secrets = secretConfig(plan);
  const run = (config: Record<string, string>) =>
    runRecorded(() => main(projectDir), {
      config: { ...secrets, ...config },
      secretKeys: Object.keys(secrets),
      stack: 'dev',
    });

  it('deploys the plan file named in stack config, rendering under the project state directory by default', async () => {
    const recording = await run({ 'stackpilot:planFile': 'plans/dev.json' });
    const inline = await recordPlan(plan);
    const names = (r: typeof recording) => r.registrations.map((x) => `${x.type} ${x.name}`).sort();
    assert.deepEqual(names(recording), names(inline));
    const provider = recording.registrations.find((r) => r.type === 'pulumi:providers:kubernetes');
    assert.equal(
      provider?.inputs.renderYamlToDirectory,
      path.join(projectDir, '.stackpilot/rendered/dev'),
    );
    assert.deepEqual(recording.outputs, inline.outputs);
  });

  it('reads a cluster target from stack config', async () => {
    const recording = await run({
      'stackpilot:planFile': 'plans/dev.json',
      'stackpilot:target': JSON.stringify({ kind: 'cluster', context: 'kind-dev' }),
    });
    const provider = recording.registrations.find((r) => r.type === 'pulumi:providers:kubernetes');
    assert.equal(provider?.inputs.context, 'kind-dev');
    assert.equal(provider?.inputs.renderYamlToDirectory, undefined);
  });

  it('reports an invalid plan file with its located issues', async () => {
    await assert.rejects(run({ 'stackpilot:planFile': 'plans/bad.json' }), (err: unknown) => {
      assert.ok(err instanceof InputError);
      assert.ok(err.issues.every((i) => i.file === 'plans/bad.json'));
      assert.deepEqual(err.issues.map((i) => i.field).sort(), ['hash', 'nodes']);
      return true;
    });
  });

  it('reports a missing plan file and an invalid target', async () => {
    await assert.rejects(run({ 'stackpilot:planFile': 'plans/none.json' }), InputError);
    await assert.rejects(
      run({
        'stackpilot:planFile': 'plans/dev.json',
        'stackpilot:target': JSON.stringify({ kind: 'cloud' }),
      }),
      (err: unknown) =>
        err instanceof InputError && err.issues[0]?.field === 'stackpilot:target.kind',
    );
  });
});
