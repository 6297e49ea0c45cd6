import { strict as assert } from 'node:assert';
import { node, planFor } from '../support/plan';

describe('skill exposure', () => {
  it('gives every HTTP component a ClusterIP Service on its port', async () => {
    const plan = await planFor('dev');
    assert.deepEqual(node(plan, 'service/api', 'service').spec, {
      selector: { 'app.kubernetes.io/instance': 'acme-chat-dev', 'app.kubernetes.io/name': 'api' },
      ports: [{ name: 'http', port: 8000, targetPort: 'http' }],
      headless: false,
      annotations: {},
    });
    assert.ok(!plan.nodes.some((n) => n.id === 'service/worker'));
  });

  it('routes / to the frontend, /api to the backend and /chat to the chatbot on one TLS host', async () => {
    const plan = await planFor('staging');
    const routes = plan.nodes
      .filter((n) => n.kind === 'route')
      .map((n) =>
        n.kind === 'route' ? [n.id, n.spec.host, n.spec.paths[0]!.path, n.spec.tls?.issuer] : [],
      );
    assert.deepEqual(routes, [
      ['route/api', 'staging.example.com', '/api', 'letsencrypt-staging'],
      ['route/chatbot', 'staging.example.com', '/chat', 'letsencrypt-staging'],
      ['route/web', 'staging.example.com', '/', 'letsencrypt-staging'],
    ]);
    assert.equal(
      node(plan, 'route/web', 'route').spec.annotations['cert-manager.io/cluster-issuer'],
      'letsencrypt-staging',
    );
    assert.deepEqual(plan.outputs.publicUrls, [
      'https://staging.example.com/',
      'https://staging.example.com/api',
      'https://staging.example.com/chat',
    ]);
  });

  it('turns off proxy buffering and lengthens timeouts on streaming routes only', async () => {
    const plan = await planFor('dev');
    const chat = node(plan, 'route/chatbot', 'route').spec.annotations;
    assert.equal(chat['nginx.ingress.kubernetes.io/proxy-buffering'], 'off');
    assert.equal(chat['nginx.ingress.kubernetes.io/proxy-read-timeout'], '3600');
    const api = node(plan, 'route/api', 'route').spec.annotations;
    assert.equal(api['nginx.ingress.kubernetes.io/proxy-buffering'], undefined);
    assert.equal(api['nginx.ingress.kubernetes.io/proxy-read-timeout'], '60');
    assert.equal(node(plan, 'route/api', 'route').spec.tls, undefined);
  });

  it('publishes a route only after its workload runs', async () => {
    const plan = await planFor('dev');
    assert.deepEqual(node(plan, 'route/web', 'route').dependsOn, [
      'namespace',
      'service/web',
      'workload/web',
    ]);
    const last = plan.waves[plan.waves.length - 1]!;
    assert.ok(last.includes('route/web'));
  });
});
