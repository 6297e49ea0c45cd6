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
    // Without an override, allowed origins follow the environment, and a value nobody gives is reported.
    const app = referenceApp();
    app.components
      .find((c) => c.name === 'api')!
      .env.push({
        name: 'PAYMENTS_REGION',
        classification: 'config',
        reason: 'x',
        sources: ['code'],
        buildTime: false,
      });
    const plain = await planFor('dev', {}, app);
    assert.equal(
      node(plain, 'config/api', 'config').spec.data.CORS_ORIGINS,
      'http://dev.localhost',
    );
    assert.equal(choices(plain, 'workloads', 'api')['env CORS_ORIGINS'], 'http://dev.localhost');
    assert.ok(
      plain.warnings.includes(
        'api: PAYMENTS_REGION has no value in dev; set stackpilot:components.api.env.PAYMENTS_REGION',
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

describe('skill workloads with compose-shaped apps', () => {
  it('does not deploy a service behind a compose profile unless the stack asks for it', async () => {
    const app = referenceApp();
    const worker = app.components.find((c) => c.name === 'worker')!;
    worker.features.profiles = ['debug'];
    const plan = await planFor('dev', {}, app);
    assert.ok(!plan.nodes.some((n) => n.id === 'workload/worker'));
    assert.match(choices(plan, 'workloads', 'worker').controller!, /not deployed/);
    const forced = await planFor('dev', { components: { worker: { disabled: false } } }, app);
    assert.ok(forced.nodes.some((n) => n.id === 'workload/worker'));
  });

  it('uses a job component the app already waits for as its migration, and gives it its own command', async () => {
    const app = referenceApp();
    const api = app.components.find((c) => c.name === 'api')!;
    api.build = { strategy: 'dockerfile', dockerfile: 'api/Dockerfile', context: 'api' };
    app.components.push({
      ...api,
      name: 'migrate',
      kind: 'job',
      public: false,
      startCommand: 'alembic upgrade head',
      env: api.env.filter((v) => v.name === 'DATABASE_URL'),
      features: {},
    });
    app.edges.push(
      {
        from: 'api',
        to: 'migrate',
        target: 'component',
        via: 'compose',
        condition: 'completed',
        evidence: [],
      },
      {
        from: 'migrate',
        to: 'neon',
        target: 'external',
        via: 'env',
        envVar: 'DATABASE_URL',
        evidence: [],
      },
    );
    const plan = await planFor('dev', {}, app);
    assert.ok(!plan.nodes.some((n) => n.id === 'job/api-migrate' || n.id === 'secret/api-migrate'));
    const job = node(plan, 'job/migrate', 'job');
    assert.deepEqual(job.spec.template.containers[0]!.command, ['alembic', 'upgrade', 'head']);
    assert.deepEqual(node(plan, 'secret/migrate', 'secret').spec.entries, [
      { key: 'DATABASE_URL', parts: [{ config: 'secrets:DATABASE_URL_UNPOOLED' }] },
    ]);
    assert.ok(node(plan, 'workload/api', 'workload').after.some((a) => a.node === 'job/migrate'));
    assert.ok(
      node(plan, 'workload/worker', 'workload').after.some((a) => a.node === 'job/migrate'),
    );
    assert.equal(choices(plan, 'workloads', 'api').migrations, 'job component migrate');
  });

  it('runs migrations through the same launcher as the app', async () => {
    const app = referenceApp();
    app.components.find((c) => c.name === 'api')!.startCommand =
      'uv run --no-sync uvicorn app.main:app';
    const job = node(await planFor('dev', {}, app), 'job/api-migrate', 'job');
    assert.deepEqual(job.spec.template.containers[0]!.command, [
      'uv',
      'run',
      '--no-sync',
      'alembic',
      'upgrade',
      'head',
    ]);
  });

  it('runs a Celery beat scheduler exactly once', async () => {
    const app = referenceApp();
    app.components.find((c) => c.name === 'worker')!.startCommand = 'celery -A app.worker beat';
    const plan = await planFor('prod', { rollout: 'rolling' }, app);
    const beat = node(plan, 'workload/worker', 'workload').spec;
    assert.deepEqual([beat.replicas, beat.strategy], [1, { type: 'recreate' }]);
    assert.ok(!plan.nodes.some((n) => n.id === 'autoscaler/worker'));
  });
});
