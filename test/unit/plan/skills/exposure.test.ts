import { strict as assert } from 'node:assert';
import { choices, node, planFor } from '../support/plan';
import { referenceApp } from '../support/reference-app';

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

describe('skill exposure routing choices', () => {
  it('gives a backend that serves at the root its own host instead of a prefix it would not strip', async () => {
    const app = referenceApp();
    const api = app.components.find((c) => c.name === 'api')!;
    api.healthPath = '/healthz';
    api.readinessPath = '/readyz';
    const plan = await planFor('staging', {}, app);
    const route = node(plan, 'route/api', 'route').spec;
    assert.deepEqual([route.host, route.paths[0]!.path], ['api.staging.example.com', '/']);
    assert.equal(
      plan.images.find((i) => i.component === 'web')!.buildArgs!.NEXT_PUBLIC_API_URL,
      'https://api.staging.example.com',
    );
    // Browsers now call it cross-origin: the allowed origin follows the site.
    assert.equal(
      node(plan, 'config/api', 'config').spec.data.CORS_ORIGINS,
      'https://staging.example.com',
    );
    assert.match(
      choices(plan, 'exposure', 'api').route!,
      /^https:\/\/api\.staging\.example\.com\/ -> service api$/,
    );
  });

  it('puts the only public component at the root, whatever its kind', async () => {
    const app = referenceApp();
    for (const c of app.components) c.public = c.name === 'chatbot';
    const plan = await planFor('dev', {}, app);
    assert.deepEqual(plan.outputs.publicUrls, ['http://dev.localhost/']);
  });
});
