/**
 * The front doors of `diagnose` on the test cluster, with the compiled CLI and the real server
 * sharing one state directory: a release whose chat pods are OOM-killed fails its up with the
 * diagnosis attached; `stackpilot diagnose` (app name, `--json` and text) and
 * `GET /v1/stacks/dev/diagnosis` name the OOM kill, its plan decision and the memory fix;
 * `--fix` refuses without a terminal and, with `--yes`, writes the memory override into the
 * stack file; an unreachable cluster and a never-deployed stack are one clear line each.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DiagnosisSchema, type Diagnosis } from '../../../src/model/diagnosis';
import { UpResultSchema } from '../../../src/model/operations';
import { failingImage, startCluster, type TestCluster } from '../../support/cluster';
import { FIXTURE_SECRETS } from '../cluster/support';
import { FULLSTACK, REPO_ROOT } from '../support/engine';
import { engineProcesses, killAll } from '../support/processes';
import { engineEnv, PASSPHRASE, startHarness, type Harness } from '../server/support/harness';

const CLI = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');
const NS = 'fd-dev';

describe('diagnose front doors (compiled CLI, real server, engine and control plane)', function () {
  this.timeout(600_000);
  let cluster: TestCluster;
  let h: Harness;
  let stacks: string;
  const stackFile = () => join(stacks, 'Pulumi.dev.yaml');
  const env = {
    ...process.env,
    ...FIXTURE_SECRETS,
    NO_COLOR: '1',
    PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
  };

  /** A stack file aimed at the test cluster (or, with `server`, at another API server). */
  function stack(kubeconfig: string, namespace: string): string {
    return [
      '# dev on the test cluster',
      'config:',
      `  stackpilot:namespace: ${namespace}`,
      '  stackpilot:target:',
      '    kind: cluster',
      `    context: ${cluster.context}`,
      `    kubeconfig: ${kubeconfig}`,
      '  stackpilot:cluster:',
      '    readinessTimeoutSeconds: 20',
      '  stackpilot:images:',
      '    verify: off # kwok pulls nothing',
      '  stackpilot:components:',
      '    chat:',
      `      image: ${failingImage('oom')} # a release whose pods are OOM-killed`,
      '',
    ].join('\n');
  }

  /** Runs the CLI without blocking this process (the stand-in ingress controller runs here). */
  const run = (args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [CLI, '--state-dir', h.stateDir, '--stacks', stacks, ...args],
        { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.once('close', (status) => resolve({ status, stdout, stderr }));
    });

  const oom = (d: Diagnosis) => d.findings.find((f) => f.class === 'oom-killed');
  const noSecrets = (text: string) => {
    for (const value of Object.values(FIXTURE_SECRETS))
      assert.ok(!text.includes(value), `a secret value reached the output: ${value}`);
  };

  before(async () => {
    cluster = await startCluster();
    await cluster.situation({ storage: 'default', ingress: 'controller' });
    stacks = mkdtempSync(join(tmpdir(), 'stackpilot-diagnose-stacks-'));
    writeFileSync(stackFile(), stack(cluster.kubeconfig, NS));
    // A kubeconfig whose server nothing listens on: the same context, an unreachable cluster.
    const gone = join(stacks, 'gone.kubeconfig');
    writeFileSync(
      gone,
      readFileSync(cluster.kubeconfig, 'utf8').replace(
        /server: https?:\/\/[^\s]+/,
        'server: https://127.0.0.1:9',
      ),
    );
    writeFileSync(join(stacks, 'Pulumi.gone.yaml'), stack(gone, 'fd-gone'));
    h = await startHarness({ stacksDir: stacks, env: { ...engineEnv(), ...FIXTURE_SECRETS } });
  });
  after(async () => {
    if (h) killAll(engineProcesses(h.stateDir));
    await h?.cleanup();
    rmSync(stacks, { recursive: true, force: true });
    await cluster?.stop();
  });

  it('a failed up carries the diagnosis beside its causes', async () => {
    const up = await run(['up', FULLSTACK, '--env', 'dev', '--yes', '--json']);
    assert.equal(up.status, 5, up.stderr);
    noSecrets(up.stdout + up.stderr);
    const result = UpResultSchema.parse(JSON.parse(up.stdout));
    assert.equal(result.status, 'failed');
    assert.ok(
      result.causes?.some((c) => c.startsWith(`Deployment ${NS}/chat:`)),
      result.error,
    );
    assert.ok(result.diagnosis, `no diagnosis: ${result.warnings.join('; ')}`);
    assert.equal(oom(result.diagnosis)?.component, 'chat', JSON.stringify(result.diagnosis));
  });

  it('stackpilot diagnose <app> --json exits 8 with the OOM kill, its decision and the memory fix', async () => {
    const res = await run(['diagnose', 'fullstack', '--env', 'dev', '--json']);
    assert.equal(res.status, 8, res.stderr);
    noSecrets(res.stdout + res.stderr);
    const d = DiagnosisSchema.parse(JSON.parse(res.stdout));
    assert.deepEqual(
      [d.project, d.environment, d.namespace, d.healthy],
      ['fullstack', 'dev', NS, false],
    );
    const f = oom(d);
    assert.equal(f?.object, `Deployment ${NS}/chat`);
    assert.ok(f?.decision, 'the finding names the plan decision');
    const memory = (f?.fix?.config as { components?: { chat?: { memory?: string } } } | undefined)
      ?.components?.chat?.memory;
    assert.match(memory ?? '', /^\d+(Mi|Gi)$/, JSON.stringify(f?.fix));

    const text = await run(['diagnose', 'fullstack', '--env', 'dev']);
    assert.equal(text.status, 8, text.stderr);
    assert.match(text.stdout, new RegExp(`oom-killed {2}Deployment ${NS}/chat`));
    assert.match(text.stdout, /decision: {2}\S+\/.+: /);
    assert.match(
      text.stdout,
      new RegExp(`stackpilot:components:\\n\\s+chat:\\n\\s+memory: ${memory}`),
    );
    assert.match(
      text.stdout,
      /diagnose fullstack\/dev \(namespace fd-dev, plan sha256:.*\): \d+ findings?/,
    );
  });

  it('GET /v1/stacks/dev/diagnosis answers a viewer with the same findings', async () => {
    const cli = DiagnosisSchema.parse(
      JSON.parse((await run(['diagnose', 'fullstack', '--env', 'dev', '--json'])).stdout),
    );
    const http = DiagnosisSchema.parse(
      await h.as('viewer').expect(200, 'GET', '/v1/stacks/dev/diagnosis?project=fullstack'),
    );
    noSecrets(JSON.stringify(http));
    const key = (d: Diagnosis) => d.findings.map((f) => [f.class, f.object, f.fix?.config]);
    assert.deepEqual(key(http), key(cli));
    assert.equal(http.planHash, cli.planHash);
  });

  it('--fix refuses without a terminal, and with --yes writes the memory override, comments kept', async () => {
    const before = readFileSync(stackFile(), 'utf8');
    const refused = await run(['diagnose', FULLSTACK, '--env', 'dev', '--fix']);
    assert.equal(refused.status, 6, refused.stderr);
    assert.match(refused.stderr, /no terminal to ask on\. Pass --yes to confirm/);
    assert.equal(readFileSync(stackFile(), 'utf8'), before, 'nothing written');

    const fixed = await run(['diagnose', FULLSTACK, '--env', 'dev', '--fix', '--yes']);
    assert.equal(fixed.status, 8, fixed.stderr);
    const after = readFileSync(stackFile(), 'utf8');
    const chat = (parse(after) as { config: Record<string, { chat?: Record<string, string> }> })
      .config['stackpilot:components']?.chat;
    assert.match(chat?.memory ?? '', /^\d+(Mi|Gi)$/);
    assert.equal(chat?.image, failingImage('oom'));
    for (const kept of ['# dev on the test cluster', '# kwok pulls nothing', '# a release whose'])
      assert.ok(after.includes(kept), `kept ${kept}`);
    assert.match(fixed.stdout, /stackpilot:components\.chat\.memory: (\S+ → )?\d+(Mi|Gi)/);
    assert.match(fixed.stdout, /wrote .*Pulumi\.dev\.yaml/);
    assert.match(fixed.stdout, /plan diff/);
    assert.match(fixed.stdout, /memory/, 'the plan diff shows the memory change');
  });

  it('names an unreachable cluster and a never-deployed stack in one line each', async () => {
    const gone = await run(['diagnose', FULLSTACK, '--env', 'gone']);
    assert.equal(gone.status, 2, gone.stderr);
    const lines = gone.stderr.trim().split('\n');
    assert.equal(lines.length, 1, gone.stderr);
    assert.match(lines[0] ?? '', /^error: .*127\.0\.0\.1:9/);
    assert.doesNotMatch(gone.stderr, /\n\s+at /);

    const never = await run(['diagnose', 'fullstack', '--env', 'gone']);
    assert.equal(never.status, 3, never.stderr);
    assert.match(never.stderr, /stack fullstack\/gone was never deployed/);
  });
});
