import { strict as assert } from 'node:assert';
import { choices, envOf, node, planFor } from '../support/plan';
import { referenceApp } from '../support/reference-app';

describe('skill observability', () => {
  it('probes the real health and readiness paths, readiness differing from liveness', async () => {
    const probes = node(await planFor('dev'), 'workload/api', 'workload').spec.template
      .containers[0]!.probes;
    assert.deepEqual(probes.liveness?.handler, { http: { path: '/api/health', port: 8000 } });
    assert.deepEqual(probes.readiness?.handler, { http: { path: '/api/ready', port: 8000 } });
    assert.deepEqual(probes.startup?.handler, { http: { path: '/api/health', port: 8000 } });
    assert.ok(probes.startup!.failureThreshold * probes.startup!.periodSeconds >= 150);
  });

  it('probes a single health path for readiness only, and the port for liveness and startup', async () => {
    const plan = await planFor('staging');
    const probes = node(plan, 'workload/chatbot', 'workload').spec.template.containers[0]!.probes;
    assert.deepEqual(
      [probes.liveness?.handler, probes.readiness?.handler, probes.startup?.handler],
      [
        { tcp: { port: 8001 } },
        { http: { path: '/chat/health', port: 8001 } },
        { tcp: { port: 8001 } },
      ],
    );
    // A chatbot's cold start may take minutes before liveness counts.
    assert.equal(probes.startup!.failureThreshold * probes.startup!.periodSeconds, 300);
    assert.equal(
      choices(plan, 'observability', 'chatbot').probes,
      'liveness TCP :8001; readiness GET /chat/health; startup TCP :8001',
    );
    const why = plan.decisions.find(
      (d) => d.skill === 'observability' && d.subject === 'chatbot' && d.topic === 'probes',
    )!.reason;
    assert.match(why, /leaves the Service without being restarted/);
  });

  it('probes a backend without any health path on TCP for readiness only, and warns', async () => {
    const app = referenceApp();
    const api = app.components.find((c) => c.name === 'api')!;
    delete api.healthPath;
    delete api.readinessPath;
    const plan = await planFor('dev', {}, app);
    const probes = node(plan, 'workload/api', 'workload').spec.template.containers[0]!.probes;
    assert.deepEqual(
      [probes.liveness, probes.readiness?.handler, probes.startup?.handler],
      [undefined, { tcp: { port: 8000 } }, { tcp: { port: 8000 } }],
    );
    assert.ok(plan.warnings.some((w) => w.startsWith('api: no health path found')));
  });

  it('falls back to TCP liveness with an HTTP readiness on / for a frontend without a health path', async () => {
    const probes = node(await planFor('dev'), 'workload/web', 'workload').spec.template
      .containers[0]!.probes;
    assert.deepEqual(probes.liveness?.handler, { tcp: { port: 3000 } });
    assert.deepEqual(probes.readiness?.handler, { http: { path: '/', port: 3000 } });
  });

  it('pings a Celery worker through its broker for liveness and startup, without readiness', async () => {
    const probes = node(await planFor('dev'), 'workload/worker', 'workload').spec.template
      .containers[0]!.probes;
    const ping = {
      exec: {
        command: [
          'sh',
          '-c',
          'celery -A app.worker inspect ping -d "celery@$HOSTNAME" --timeout 10',
        ],
      },
    };
    // No Service routes to a worker: readiness would gate nothing, startup holds the rollout.
    assert.deepEqual(
      [probes.liveness?.handler, probes.readiness, probes.startup?.handler],
      [ping, undefined, ping],
    );
  });

  it('annotates backends for Prometheus, logs JSON, and adds ServiceMonitors only where enabled', async () => {
    const dev = await planFor('dev');
    const api = node(dev, 'workload/api', 'workload');
    assert.deepEqual(api.spec.template.annotations['prometheus.io/port'], '8000');
    assert.equal(envOf(api).LOG_FORMAT, 'json');
    assert.equal(envOf(api).LOG_LEVEL, 'config:api/LOG_LEVEL', "the app's own LOG_LEVEL wins");
    assert.ok(!dev.nodes.some((n) => n.kind === 'service-monitor'));
    const prod = await planFor('prod');
    assert.deepEqual(node(prod, 'service-monitor/api', 'service-monitor').spec, {
      selector: { 'app.kubernetes.io/instance': 'acme-chat-prod', 'app.kubernetes.io/name': 'api' },
      port: 'http',
      path: '/metrics',
      interval: '30s',
    });
    assert.equal(node(prod, 'service-monitor/rabbitmq', 'service-monitor').spec.port, 'metrics');
  });
});

describe('skill observability for Django', () => {
  it('probes Django from inside the pod with an allowed Host, and sets its hosts and DEBUG per environment', async () => {
    const app = referenceApp();
    const api = app.components.find((c) => c.name === 'api')!;
    api.framework = { name: 'django' };
    api.healthPath = '/healthz/';
    delete api.readinessPath;
    api.env.push(
      {
        name: 'ALLOWED_HOSTS',
        classification: 'config',
        reason: 'x',
        sources: ['dotenv'],
        buildTime: false,
        defaultValue: 'localhost',
      },
      {
        name: 'DEBUG',
        classification: 'config',
        reason: 'x',
        sources: ['dotenv'],
        buildTime: false,
        defaultValue: '1',
      },
    );
    const plan = await planFor('staging', {}, app);
    const probes = node(plan, 'workload/api', 'workload').spec.template.containers[0]!.probes;
    assert.match(
      JSON.stringify(probes.readiness!.handler),
      /127\.0\.0\.1:8000\/healthz\/', headers=\{'Host': 'localhost'\}/,
    );
    assert.deepEqual(probes.liveness!.handler, { tcp: { port: 8000 } });
    const data = node(plan, 'config/api', 'config').spec.data;
    assert.equal(data.DEBUG, '0');
    assert.equal(
      data.ALLOWED_HOSTS,
      'staging.example.com,api.staging.example.com,api,api.stackpilot-staging.svc.cluster.local,localhost,127.0.0.1',
    );
    assert.equal(node(await planFor('dev', {}, app), 'config/api', 'config').spec.data.DEBUG, '1');
  });
});
