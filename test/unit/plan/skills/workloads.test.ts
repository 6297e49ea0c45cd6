import { strict as assert } from 'node:assert';
import { choices, envOf, node, planFor } from '../support/plan';
import { referenceApp } from '../support/reference-app';

describe('skill workloads', () => {
  it('chooses Deployments for app components and StatefulSets for data services', async () => {
    const plan = await planFor('dev');
    const controllers = Object.fromEntries(
      plan.nodes
        .filter((n) => n.kind === 'workload')
        .map((n) => [n.id, n.kind === 'workload' ? n.spec.controller : '']),
    );
    assert.deepEqual(controllers, {
      'workload/api': 'deployment',
      'workload/chatbot': 'deployment',
      'workload/rabbitmq': 'statefulset',
      'workload/redis': 'statefulset',
      'workload/web': 'deployment',
      'workload/worker': 'deployment',
    });
  });

  it('runs migrations as a Job the component and every user of the same database wait for', async () => {
    const plan = await planFor('dev');
    const job = node(plan, 'job/api-migrate', 'job');
    const c = job.spec.template.containers[0]!;
    assert.deepEqual(
      [c.name, c.command, c.args],
      ['migrate', ['alembic', 'upgrade', 'head'], undefined],
    );
    assert.equal(job.spec.template.restartPolicy, 'Never');
    assert.equal(job.spec.template.labels['app.kubernetes.io/name'], 'api-migrate');
    assert.equal(job.spec.template.labels['app.kubernetes.io/component'], 'migration');
    assert.deepEqual(
      node(plan, 'workload/api', 'workload').after.map((a) => a.node),
      ['job/api-migrate', 'workload/rabbitmq', 'workload/redis'],
    );
    const worker = node(plan, 'workload/worker', 'workload');
    assert.match(
      worker.after.find((a) => a.node === 'job/api-migrate')!.reason,
      /uses database neon/,
    );
    assert.equal(
      choices(plan, 'workloads', 'api').migrations,
      'Job api-migrate: alembic upgrade head',
    );
  });

  it('makes a frontend wait for the backends it calls', async () => {
    const plan = await planFor('dev');
    assert.deepEqual(
      node(plan, 'workload/web', 'workload').after.map((a) => a.node),
      ['workload/api', 'workload/chatbot'],
    );
  });

  it('labels pods with the recommended labels and selects on the stable subset', async () => {
    const w = node(await planFor('staging'), 'workload/api', 'workload');
    assert.deepEqual(w.spec.template.labels, {
      'app.kubernetes.io/component': 'backend',
      'app.kubernetes.io/instance': 'acme-chat-staging',
      'app.kubernetes.io/managed-by': 'stackpilot',
      'app.kubernetes.io/name': 'api',
      'app.kubernetes.io/part-of': 'acme-chat',
    });
    assert.deepEqual(w.spec.selector, {
      'app.kubernetes.io/instance': 'acme-chat-staging',
      'app.kubernetes.io/name': 'api',
    });
  });

  it('puts plain settings in a ConfigMap with a content hash on the pod, and stack overrides win', async () => {
    const plan = await planFor('dev', {
      components: { api: { env: { CORS_ORIGINS: 'https://a.test', FEATURE_X: 'on' } } },
    });
    assert.deepEqual(node(plan, 'config/api', 'config').spec.data, {
      CORS_ORIGINS: 'https://a.test',
      FEATURE_X: 'on',
      LOG_LEVEL: 'info',
    });
    const w = node(plan, 'workload/api', 'workload');
    assert.equal(envOf(w).CORS_ORIGINS, 'config:api/CORS_ORIGINS');
    assert.match(w.spec.template.annotations['stackpilot.dev/config-hash']!, /^[0-9a-f]{16}$/);
    const other = await planFor('dev', {
      components: { api: { env: { CORS_ORIGINS: 'https://b.test' } } },
    });
    assert.notEqual(
      node(other, 'workload/api', 'workload').spec.template.annotations[
        'stackpilot.dev/config-hash'
      ],
      w.spec.template.annotations['stackpilot.dev/config-hash'],
    );
    assert.ok(
      (await planFor('dev')).warnings.includes(
        'api: CORS_ORIGINS has no value in dev; set stackpilot:components.api.env.CORS_ORIGINS',
      ),
    );
  });

  it('runs a job component once per release as a Job', async () => {
    const app = referenceApp();
    app.components.push({
      ...app.components.find((c) => c.name === 'worker')!,
      name: 'seed',
      kind: 'job',
      startCommand: 'python -m app.seed',
      env: [],
    });
    const plan = await planFor('dev', {}, app);
    const job = node(plan, 'job/seed', 'job');
    assert.deepEqual(job.spec.template.containers[0]!.probes, {});
    assert.ok(
      !plan.nodes.some((n) => n.id === 'workload/seed' || n.id === 'disruption-budget/seed'),
    );
  });
});
