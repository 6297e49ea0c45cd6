import { strict as assert } from 'node:assert';
import { contextOf, unreadable } from '../../../src/diagnose/context';
import { explainExit } from '../../../src/diagnose/exit-codes';
import { configSummary, flow, hasPlaceholder } from '../../../src/diagnose/fixes';
import {
  listeningPort,
  missingConfig,
  missingEnvVar,
  pullFailure,
  refusedPort,
  registryOf,
  schedulingFailure,
} from '../../../src/diagnose/messages';
import {
  cpuThatFits,
  doubledMemory,
  formatBytes,
  formatCpu,
  memoryThatFits,
  parseBytes,
  parseCpu,
} from '../../../src/diagnose/quantities';
import { ENV, fullstackPlan, PROJECT, snapshot } from './support';

const MI = 1024 * 1024;

describe('diagnose/quantities', () => {
  it('parses cpu and memory in every suffix a node or pod carries', () => {
    assert.deepEqual(
      ['250m', '2', '0.5', '3920m', '2e0'].map(parseCpu),
      [250, 2000, 500, 3920, 2000],
    );
    assert.deepEqual(['512Mi', '1Gi', '16264568Ki', '1G', '128974848', 'x'].map(parseBytes), [
      512 * MI,
      1024 * MI,
      16264568 * 1024,
      1e9,
      128974848,
      undefined,
    ]);
  });

  it('formats the values a fix proposes', () => {
    assert.deepEqual([formatCpu(1000), formatCpu(250)], ['1', '250m']);
    assert.deepEqual(
      [formatBytes(1024 * MI), formatBytes(768 * MI), formatBytes(3 * 1024 * MI)],
      ['1Gi', '768Mi', '3Gi'],
    );
  });

  it('doubles memory to a power-of-two Mi below 1Gi and whole Gi above', () => {
    assert.deepEqual(
      [512, 100, 384, 768, 1536].map((mi) => formatBytes(doubledMemory(mi * MI))),
      ['1Gi', '256Mi', '1Gi', '2Gi', '3Gi'],
    );
  });

  it('fits a request into half of a node', () => {
    assert.equal(formatBytes(memoryThatFits(2048 * MI)), '1Gi');
    assert.equal(formatBytes(memoryThatFits(3000 * MI)), '1Gi');
    assert.equal(formatCpu(cpuThatFits(2000)), '1');
    assert.equal(formatCpu(cpuThatFits(1930)), '950m');
  });
});

describe('diagnose/exit-codes', () => {
  it('explains the codes a container exits with', () => {
    assert.deepEqual(
      [1, 2, 126, 127, 137, 139, 143].map((c) => explainExit(c).kind),
      [
        'app-error',
        'bad-arguments',
        'not-executable',
        'command-not-found',
        'sigkill',
        'sigsegv',
        'sigterm',
      ],
    );
    assert.equal(explainExit(137, 'OOMKilled').kind, 'oom');
    assert.match(explainExit(137).text, /liveness probe/);
    assert.match(
      explainExit(143).text,
      /SIGTERM from outside: a failing liveness probe, an eviction/,
    );
  });
});

describe('diagnose/fixes', () => {
  it('writes a config override as one YAML flow line, keys sorted, strings quoted only when needed', () => {
    assert.equal(
      configSummary({ components: { worker: { memory: '1Gi', env: { A: '8000', B: 'x y' } } } }),
      'stackpilot:components: {worker: {env: {A: "8000", B: "x y"}, memory: 1Gi}}',
    );
    assert.equal(flow({ a: true, b: 3, c: ['x'] }), '{a: true, b: 3, c: [x]}');
    assert.equal(
      configSummary({ spread: false, ingressClass: 'traefik' }),
      'stackpilot:ingressClass: traefik; stackpilot:spread: false',
    );
  });

  it('knows a placeholder a front door must ask for', () => {
    assert.equal(
      hasPlaceholder({ components: { a: { image: 'redis:<a tag that exists>' } } }),
      true,
    );
    assert.equal(hasPlaceholder({ components: { a: { memory: '1Gi' } } }), false);
  });
});

describe('diagnose/messages', () => {
  it('classifies pull failures and names the registry', () => {
    assert.equal(pullFailure('manifest unknown'), 'not-found');
    assert.equal(
      pullFailure('pull access denied, repository does not exist or may require authorization'),
      'unauthorized',
    );
    assert.equal(pullFailure('dial tcp: lookup registry.internal: no such host'), 'unknown-host');
    assert.deepEqual(
      ['ghcr.io/acme/api:1', 'localhost:5000/x:1', 'redis:7', 'acme/api:1'].map(registryOf),
      ['ghcr.io', 'localhost:5000', 'docker.io', 'docker.io'],
    );
  });

  it('finds the env var a log says is missing', () => {
    assert.deepEqual(
      [
        ["KeyError: 'DATABASE_URL'"],
        ['Error: environment variable OPENAI_API_KEY is not set'],
        ['Missing required env REDIS_URL'],
        ['ReferenceError: API_TOKEN is not defined'],
        ['all good'],
      ].map(missingEnvVar),
      ['DATABASE_URL', 'OPENAI_API_KEY', 'REDIS_URL', 'API_TOKEN', undefined],
    );
  });

  it('finds the port an app listens on and the port a probe was refused on', () => {
    assert.equal(
      listeningPort(['Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)']),
      8000,
    );
    assert.equal(listeningPort(['server listening on :3000']), 3000);
    assert.equal(
      refusedPort(
        'Get "http://10.0.0.5:8080/healthz": dial tcp 10.0.0.5:8080: connect: connection refused',
      ),
      8080,
    );
    assert.equal(refusedPort('dial tcp 10.0.0.5:6379: connect: connection refused'), 6379);
  });

  it('parses FailedScheduling and CreateContainerConfigError messages', () => {
    const why = schedulingFailure(
      '0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {dedicated: gpu}.',
    );
    assert.deepEqual([why.insufficient, why.taints], [['cpu'], ['dedicated=gpu']]);
    assert.deepEqual(missingConfig('secret "api" not found'), { kind: 'Secret', name: 'api' });
    assert.deepEqual(missingConfig("couldn't find key K in ConfigMap ns/web"), {
      kind: 'ConfigMap',
      name: 'web',
      key: 'K',
    });
  });
});

describe('diagnose/context', () => {
  it('knows the kinds the snapshot could not read, by their plural', () => {
    const ctx = contextOf({
      plan: fullstackPlan(),
      snapshot: snapshot({
        unreadable: [
          'NetworkPolicies: forbidden (RBAC)',
          'StorageClasses: forbidden',
          'Secrets: forbidden',
        ],
      }),
      project: PROJECT,
      environment: ENV,
    });
    assert.deepEqual(
      ['NetworkPolicy', 'StorageClass', 'Secret', 'ConfigMap', 'IngressClass'].map((k) =>
        unreadable(ctx, k),
      ),
      [true, true, true, false, false],
    );
  });
});
