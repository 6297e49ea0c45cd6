import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, NotFoundError } from '../../../src/model/errors';
import { EnvironmentSchema } from '../../../src/model/environment';
import {
  loadEnvironment,
  parseStackConfig,
  resolveEnvironment,
} from '../../../src/plan/environment';

const STACKS = join(__dirname, '../../../stacks');

describe('plan/environment defaults', () => {
  it('makes dev small, single-replica, ungated and rendered', () => {
    const dev = resolveEnvironment('dev', {});
    assert.deepEqual(
      {
        tier: dev.tier,
        replicas: dev.replicas,
        autoscaling: dev.autoscaling.enabled,
        approval: dev.approval.required,
        target: dev.target,
        spread: dev.spread,
        tls: dev.tls.enabled,
        autoRollback: dev.autoRollback,
      },
      {
        tier: 'small',
        replicas: 1,
        autoscaling: false,
        approval: false,
        target: { kind: 'render', directory: 'rendered/dev' },
        spread: false,
        tls: false,
        autoRollback: false,
      },
    );
  });

  it('makes staging medium with two replicas spread across nodes', () => {
    const s = resolveEnvironment('staging', {});
    assert.deepEqual(
      [s.tier, s.replicas, s.autoscaling.enabled, s.spread, s.approval.required, s.tls.enabled],
      ['medium', 2, false, true, false, true],
    );
  });

  it('makes prod large, replicated, autoscaled, spread, gated and auto-rolled-back', () => {
    const p = resolveEnvironment('prod', {});
    assert.deepEqual(
      [
        p.tier,
        p.replicas,
        p.autoscaling,
        p.spread,
        p.approval.required,
        p.autoRollback,
        p.serviceMonitor,
      ],
      [
        'large',
        3,
        { enabled: true, minReplicas: 3, maxReplicas: 10, targetCPUUtilization: 70 },
        true,
        true,
        true,
        true,
      ],
    );
    assert.equal(resolveEnvironment('production', {}).tier, 'large');
  });

  it('lets the stack override any default and keeps the result schema-valid', () => {
    const p = resolveEnvironment('prod', {
      replicas: 5,
      autoscaling: { enabled: true },
      registry: 'ghcr.io/acme/',
      cost: { cpuCoreMonth: 30 },
    });
    assert.equal(p.autoscaling.minReplicas, 5);
    assert.equal(p.autoscaling.maxReplicas, 10);
    assert.equal(p.registry, 'ghcr.io/acme');
    assert.equal(p.cost.cpuCoreMonth, 30);
    assert.equal(p.cost.memoryGiBMonth, 3.5);
    EnvironmentSchema.parse(p);
  });
});

describe('plan/environment loading', () => {
  let dir: string;
  const write = (env: string, text: string): void =>
    writeFileSync(join(dir, `Pulumi.${env}.yaml`), text);
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'stackpilot-stacks-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the repository stack files', async () => {
    const [dev, staging, prod] = await Promise.all(
      ['dev', 'staging', 'prod'].map((e) => loadEnvironment(STACKS, e)),
    );
    assert.equal(dev!.replicas, 1);
    assert.equal(staging!.replicas, 2);
    assert.equal(staging!.spread, true);
    assert.equal(prod!.rollout, 'blue-green');
    assert.equal(prod!.approval.required, true);
  });

  it('reads stackpilot keys, project keys without a namespace, and ignores other namespaces', async () => {
    write(
      'qa',
      [
        'encryptionsalt: v1:abc',
        'config:',
        '  stackpilot:tier: medium',
        '  replicas: 4',
        '  secrets:OPENAI_API_KEY:',
        '    secure: v1:AAAA',
        '  kubernetes:context: kind',
        '',
      ].join('\n'),
    );
    const qa = await loadEnvironment(dir, 'qa');
    assert.deepEqual(
      [qa.name, qa.tier, qa.replicas, qa.namespace],
      ['qa', 'medium', 4, 'stackpilot-qa'],
    );
  });

  it('locates every invalid key by file, line and field, with a suggestion', async () => {
    write(
      'bad',
      [
        'config:', // 1
        '  stackpilot:replica: 2', // 2
        '  stackpilot:autoscaling:', // 3
        '    enabled: yes-please', // 4
        '    minReplica: 2', // 5
        '  stackpilot:tier: huge', // 6
        '',
      ].join('\n'),
    );
    await assert.rejects(loadEnvironment(dir, 'bad'), (err: unknown) => {
      assert.ok(err instanceof InputError);
      const issues = err.issues.map((i) => [i.line, i.field, i.message.split(' (')[0]]);
      assert.deepEqual(issues, [
        [2, 'config.stackpilot:replica', 'unknown key "replica"'],
        [
          4,
          'config.stackpilot:autoscaling.enabled',
          'Invalid input: expected boolean, received string',
        ],
        [5, 'config.stackpilot:autoscaling.minReplica', 'unknown key "minReplica"'],
        [6, 'config.stackpilot:tier', 'Invalid option: expected one of "small"|"medium"|"large"'],
      ]);
      assert.match(
        err.message,
        /Pulumi\.bad\.yaml:2 config\.stackpilot:replica: unknown key "replica" \(did you mean "replicas"\?\)/,
      );
      assert.match(err.message, /did you mean "minReplicas"/);
      return true;
    });
  });

  it('checks rules across fields after defaults', async () => {
    write(
      'lopsided',
      [
        'config:',
        '  stackpilot:autoscaling:',
        '    enabled: true',
        '    minReplicas: 6',
        '    maxReplicas: 2',
        '',
      ].join('\n'),
    );
    await assert.rejects(
      loadEnvironment(dir, 'lopsided'),
      (err: unknown) =>
        err instanceof InputError &&
        err.issues[0]?.line === 5 &&
        err.issues[0]?.field === 'config.stackpilot:autoscaling.maxReplicas',
    );
  });

  it('refuses secret values under stackpilot keys and reports YAML syntax errors with their line', () => {
    assert.throws(
      () => parseStackConfig('config:\n  stackpilot:domain:\n    secure: v1:xyz\n', 'f.yaml', 'x'),
      (err: unknown) =>
        err instanceof InputError && err.issues[0]?.line === 2 && /not secret/.test(err.message),
    );
    assert.throws(
      () =>
        parseStackConfig(
          'config:\n  stackpilot:tier: small\n  stackpilot:tier: large\n',
          'f.yaml',
          'x',
        ),
      (err: unknown) => err instanceof InputError && err.issues[0]?.line === 3,
    );
  });

  it('names the known environments when one is unknown', async () => {
    await assert.rejects(
      loadEnvironment(STACKS, 'qa'),
      (err: unknown) =>
        err instanceof NotFoundError &&
        /unknown environment "qa".*known environments: dev, prod, staging/.test(err.message),
    );
    await assert.rejects(loadEnvironment(STACKS, '../etc'), InputError);
  });
});
