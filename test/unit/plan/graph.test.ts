import { strict as assert } from 'node:assert';
import { SkillError } from '../../../src/model/errors';
import type { PlanNode } from '../../../src/model/plan';
import { buildGraph, CycleError, findCycle, topologicalLevels } from '../../../src/plan/graph';
import { podTemplate } from './support/nodes';

const base = { skill: 'test', after: [], dependsOn: [] };

/** A small plan: namespace, identity, generated password, secret, service, workloads, route, HPA, PDB. */
function smallPlan(): PlanNode[] {
  return [
    { ...base, id: 'namespace', kind: 'namespace', name: 'shop-dev', spec: { labels: {} } },
    {
      ...base,
      id: 'generated-secret/redis-password',
      kind: 'generated-secret',
      name: 'redis-password',
      spec: { length: 32, special: false },
    },
    {
      ...base,
      id: 'service-account/api',
      kind: 'service-account',
      name: 'api',
      spec: { automountToken: false },
    },
    {
      ...base,
      id: 'service-account/redis',
      kind: 'service-account',
      name: 'redis',
      spec: { automountToken: false },
    },
    {
      ...base,
      id: 'secret/api',
      kind: 'secret',
      name: 'api',
      spec: {
        entries: [
          {
            key: 'REDIS_URL',
            parts: [{ text: 'redis://:' }, { generated: 'generated-secret/redis-password' }],
          },
        ],
      },
    },
    {
      ...base,
      id: 'config/api',
      kind: 'config',
      name: 'api',
      spec: { data: { LOG_LEVEL: 'info' } },
    },
    {
      ...base,
      id: 'service/redis',
      kind: 'service',
      name: 'redis',
      spec: {
        selector: { app: 'redis' },
        ports: [{ name: 'redis', port: 6379, targetPort: 'redis' }],
        headless: true,
        annotations: {},
      },
    },
    {
      ...base,
      id: 'service/api',
      kind: 'service',
      name: 'api',
      spec: {
        selector: { app: 'api' },
        ports: [{ name: 'http', port: 8000, targetPort: 'http' }],
        headless: false,
        annotations: {},
      },
    },
    {
      ...base,
      id: 'workload/redis',
      kind: 'workload',
      name: 'redis',
      spec: {
        controller: 'statefulset',
        replicas: 1,
        selector: { app: 'redis' },
        template: podTemplate('redis', []),
        strategy: { type: 'rolling', maxSurge: 0, maxUnavailable: 1 },
        minReadySeconds: 0,
        revisionHistoryLimit: 3,
        progressDeadlineSeconds: 600,
        serviceName: 'redis',
        volumeClaims: [{ name: 'data', storage: '1Gi', accessModes: ['ReadWriteOnce'] }],
      },
    },
    {
      ...base,
      id: 'workload/api',
      kind: 'workload',
      name: 'api',
      after: [{ node: 'workload/redis', reason: 'uses redis' }],
      spec: {
        controller: 'deployment',
        selector: { app: 'api' },
        template: podTemplate('api', [
          { name: 'REDIS_URL', secret: { name: 'api', key: 'REDIS_URL' } },
          { name: 'LOG_LEVEL', config: { name: 'api', key: 'LOG_LEVEL' } },
        ]),
        strategy: { type: 'rolling', maxSurge: '25%', maxUnavailable: 0 },
        minReadySeconds: 0,
        revisionHistoryLimit: 3,
        progressDeadlineSeconds: 600,
      },
    },
    {
      ...base,
      id: 'route/api',
      kind: 'route',
      name: 'api',
      spec: {
        className: 'nginx',
        host: 'x.test',
        annotations: {},
        paths: [{ path: '/api', pathType: 'Prefix', service: 'api', port: 'http' }],
      },
    },
    {
      ...base,
      id: 'autoscaler/api',
      kind: 'autoscaler',
      name: 'api',
      spec: {
        target: { kind: 'Deployment', name: 'api' },
        minReplicas: 2,
        maxReplicas: 4,
        cpuUtilization: 70,
        scaleDownStabilizationSeconds: 300,
      },
    },
    {
      ...base,
      id: 'disruption-budget/api',
      kind: 'disruption-budget',
      name: 'api',
      spec: { selector: { app: 'api' }, maxUnavailable: 1 },
    },
  ] as PlanNode[];
}

describe('plan/graph', () => {
  it('computes exactly the dependencies each spec references plus its after entries', () => {
    const { nodes } = buildGraph(smallPlan());
    const deps = Object.fromEntries(nodes.map((n) => [n.id, n.dependsOn]));
    assert.deepEqual(deps, {
      'autoscaler/api': ['namespace', 'workload/api'],
      'config/api': ['namespace'],
      'disruption-budget/api': ['namespace'],
      'generated-secret/redis-password': [],
      namespace: [],
      'route/api': ['namespace', 'service/api'],
      'secret/api': ['generated-secret/redis-password', 'namespace'],
      'service-account/api': ['namespace'],
      'service-account/redis': ['namespace'],
      'service/api': ['namespace'],
      'service/redis': ['namespace'],
      'workload/api': [
        'config/api',
        'namespace',
        'secret/api',
        'service-account/api',
        'workload/redis',
      ],
      'workload/redis': ['namespace', 'service-account/redis', 'service/redis'],
    });
  });

  it('groups nodes into sorted waves by topological level', () => {
    assert.deepEqual(buildGraph(smallPlan()).waves, [
      ['generated-secret/redis-password', 'namespace'],
      [
        'config/api',
        'disruption-budget/api',
        'secret/api',
        'service-account/api',
        'service-account/redis',
        'service/api',
        'service/redis',
      ],
      ['route/api', 'workload/redis'],
      ['workload/api'],
      ['autoscaler/api'],
    ]);
  });

  it('is independent of the input order', () => {
    const a = buildGraph(smallPlan());
    const b = buildGraph([...smallPlan()].reverse());
    assert.deepEqual(a, b);
  });

  it('reports a cycle through after entries with its whole path', () => {
    const nodes = smallPlan().map((n) =>
      n.id === 'workload/redis' ? { ...n, after: [{ node: 'autoscaler/api', reason: 'loop' }] } : n,
    );
    assert.throws(
      () => buildGraph(nodes),
      (err: unknown) =>
        err instanceof CycleError &&
        err.path.join(' -> ') ===
          'autoscaler/api -> workload/api -> workload/redis -> autoscaler/api',
    );
  });

  it('rejects a reference to a node no skill planned, naming the skill', () => {
    const nodes = smallPlan().filter((n) => n.id !== 'config/api');
    assert.throws(
      () => buildGraph(nodes),
      (err: unknown) =>
        err instanceof SkillError &&
        /workload\/api references config "api"/.test(err.message) &&
        err.skill === 'test',
    );
    const bad = smallPlan().map((n) =>
      n.id === 'service/api' ? { ...n, after: [{ node: 'job/nope', reason: 'x' }] } : n,
    );
    assert.throws(() => buildGraph(bad), /waits for job\/nope/);
  });
});

describe('plan/graph helpers', () => {
  it('finds the smallest cycle path deterministically and levels a DAG', () => {
    const deps = new Map([
      ['c', ['a']],
      ['a', ['b']],
      ['b', ['c']],
      ['d', []],
    ]);
    assert.deepEqual(findCycle(deps), ['a', 'b', 'c', 'a']);
    assert.deepEqual(
      topologicalLevels(
        new Map([
          ['x', ['y', 'z']],
          ['y', ['z']],
          ['z', []],
          ['w', []],
        ]),
      ),
      [['w', 'z'], ['y'], ['x']],
    );
  });

  it('levels a long chain without recursion limits', () => {
    const deps = new Map<string, string[]>();
    for (let i = 0; i < 20000; i++) deps.set(`n${i}`, i ? [`n${i - 1}`] : []);
    assert.equal(topologicalLevels(deps).length, 20000);
  });
});
