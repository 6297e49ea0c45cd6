/**
 * The compiled CLI against the test cluster: up, drift (its own exit code and JSON), SIGTERM
 * while an up waits on the cluster (cancelled, nothing left running, the stack usable), and
 * destroy down to the namespace.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { failingImage, startCluster, type TestCluster } from '../../support/cluster';
import { FULLSTACK, REPO_ROOT } from '../support/engine';
import { engineProcesses, eventually, killAll } from '../support/processes';
import { FIXTURE_SECRETS } from './support';

const CLI = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');
const NS = 'cli-dev';

describe('CLI on a cluster target (compiled, real engine, real control plane)', function () {
  this.timeout(600_000);
  let cluster: TestCluster;
  let state: string;
  let stacks: string;
  const env = {
    ...process.env,
    ...FIXTURE_SECRETS,
    NO_COLOR: '1',
    PULUMI_CONFIG_PASSPHRASE: 'cli-cluster',
  };

  /** Writes the dev stack file aimed at the cluster, with extra lines. */
  function devStack(extra: string[] = []): void {
    writeFileSync(
      join(stacks, 'Pulumi.dev.yaml'),
      [
        'config:',
        `  stackpilot:namespace: ${NS}`,
        '  stackpilot:target:',
        '    kind: cluster',
        `    context: ${cluster.context}`,
        `    kubeconfig: ${cluster.kubeconfig}`,
        '  stackpilot:cluster:',
        '    readinessTimeoutSeconds: 60',
        // kwok pulls nothing; the registry preflight is tested against a real registry.
        '  stackpilot:images:',
        '    verify: off',
        ...extra,
        '',
      ].join('\n'),
    );
  }
  /**
   * Runs the CLI to its end without blocking this process: the test cluster's stand-in ingress
   * controller is a loop in this process, and a synchronous spawn would starve it.
   */
  const run = (args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [CLI, '--state-dir', state, '--stacks', stacks, ...args],
        {
          cwd: REPO_ROOT,
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.once('close', (status) => resolve({ status, stdout, stderr }));
    });

  before(async () => {
    cluster = await startCluster();
    await cluster.situation({ storage: 'default', ingress: 'controller' });
    state = mkdtempSync(join(tmpdir(), 'stackpilot-cli-cluster-'));
    stacks = mkdtempSync(join(tmpdir(), 'stackpilot-cli-stacks-'));
    devStack();
  });
  after(async () => {
    killAll(engineProcesses(state));
    rmSync(state, { recursive: true, force: true });
    rmSync(stacks, { recursive: true, force: true });
    await cluster?.stop();
  });

  it('deploys, and drift exits 7 with the changed field in its JSON', async () => {
    const up = await run(['up', FULLSTACK, '--env', 'dev', '--yes']);
    assert.equal(up.status, 0, up.stderr);
    assert.equal((await run(['drift', 'fullstack', '--env', 'dev'])).status, 0);
    await cluster.api.mergePatch(`/apis/apps/v1/namespaces/${NS}/deployments/chat`, {
      spec: { replicas: 2 },
    });
    const drift = await run(['drift', 'fullstack', '--env', 'dev', '--json']);
    assert.equal(drift.status, 7, drift.stderr);
    const result = JSON.parse(drift.stdout) as {
      drifted: boolean;
      resources: { name: string; fields: { path: string; deployed: string; live: string }[] }[];
    };
    assert.equal(result.drifted, true);
    assert.deepEqual(
      result.resources
        .find((r) => r.name === 'workload-chat')
        ?.fields.find((f) => f.path === 'spec.replicas'),
      { path: 'spec.replicas', deployed: '1', live: '2' },
    );
    const text = await run(['drift', 'fullstack', '--env', 'dev']);
    assert.match(text.stdout, /workload-chat.*spec\.replicas.*1.*2/);
  });

  it('SIGTERM while up waits on the cluster: cancelled, nothing left running, the next up works', async () => {
    devStack([
      '  stackpilot:components:',
      '    chat:',
      `      image: ${failingImage('never-ready')}`,
    ]);
    const child = spawn(
      process.execPath,
      [CLI, '--state-dir', state, '--stacks', stacks, 'up', FULLSTACK, '--env', 'dev', '--yes'],
      { cwd: REPO_ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        // The provider is waiting for the chat Deployment's new pods.
        if (/… workload-chat: /.test(stderr)) resolve();
      });
      void exited.then((code) => reject(new Error(`up ended (${code}) early: ${stderr}`)));
    });
    child.kill('SIGTERM');
    assert.equal(await exited, 143, stderr);
    assert.ok(
      await eventually(() => engineProcesses(state).length === 0, 10_000),
      `left running: ${engineProcesses(state).join(', ')}`,
    );
    devStack();
    const again = await run(['up', FULLSTACK, '--env', 'dev', '--yes']);
    assert.equal(again.status, 0, again.stderr);
  });

  it('destroys every object, the namespace included', async () => {
    const destroy = await run(['destroy', 'fullstack', '--env', 'dev', '--yes']);
    assert.equal(destroy.status, 0, destroy.stderr);
    assert.match(destroy.stdout, /destroy fullstack\/dev: delete \d+/);
    assert.equal((await cluster.api.call('GET', `/api/v1/namespaces/${NS}`)).status, 404);
  });
});
