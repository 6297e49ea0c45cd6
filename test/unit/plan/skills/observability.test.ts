import { strict as assert } from 'node:assert';
import { envOf, node, planFor } from '../support/plan';
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

  it('falls back to TCP liveness with an HTTP readiness on / for a frontend without a health path', async () => {
    const probes = node(await planFor('dev'), 'workload/web', 'workload').spec.template
      .containers[0]!.probes;
    assert.deepEqual(probes.liveness?.handler, { tcp: { port: 3000 } });
    assert.deepEqual(probes.readiness?.handler, { http: { path: '/', port: 3000 } });
  });

  it('pings a Celery worker through its broker', async () => {
    const probes = node(await planFor('dev'), 'workload/worker', 'workload').spec.template
      .containers[0]!.probes;
    assert.deepEqual(probes.liveness?.handler, {
      exec: {
        command: [
          'sh',
          '-c',
          'celery -A app.worker inspect ping -d "celery@$HOSTNAME" --timeout 10',
        ],
      },
    });
    assert.notDeepEqual(probes.liveness, probes.readiness);
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
    assert.match(JSON.stringify(probes.liveness!.handler), /headers=\{'Host': 'localhost'\}/);
    const data = node(plan, 'config/api', 'config').spec.data;
    assert.equal(data.DEBUG, '0');
    assert.equal(
      data.ALLOWED_HOSTS,
      'staging.example.com,api.staging.example.com,api,api.stackpilot-staging.svc.cluster.local,localhost,127.0.0.1',
    );
    assert.equal(node(await planFor('dev', {}, app), 'config/api', 'config').spec.data.DEBUG, '1');
  });
});
