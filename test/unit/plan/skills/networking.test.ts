import { strict as assert } from 'node:assert';
import { choices, envOf, node, planFor } from '../support/plan';
import { referenceApp } from '../support/reference-app';

describe('skill networking', () => {
  it('injects in-cluster URLs where the app expects one', async () => {
    const plan = await planFor('dev');
    assert.equal(
      envOf(node(plan, 'workload/chatbot', 'workload')).API_URL,
      'http://api.stackpilot-dev.svc.cluster.local:8000',
    );
    assert.equal(
      envOf(node(plan, 'workload/web', 'workload')).API_URL,
      'http://api.stackpilot-dev.svc.cluster.local:8000',
    );
    assert.deepEqual(
      plan.outputs.addresses.api,
      'http://api.stackpilot-dev.svc.cluster.local:8000',
    );
  });

  it('does not inject a build-time NEXT_PUBLIC_ variable at runtime, and records why', async () => {
    const plan = await planFor('dev');
    assert.equal(envOf(node(plan, 'workload/web', 'workload')).NEXT_PUBLIC_API_URL, undefined);
    assert.equal(
      choices(plan, 'networking', 'web')['env NEXT_PUBLIC_API_URL'],
      'not injected at runtime',
    );
  });

  it('denies by default and allows DNS to kube-dns on UDP and TCP 53', async () => {
    const plan = await planFor('dev');
    assert.deepEqual(node(plan, 'network-policy/default-deny', 'network-policy').spec, {
      podSelector: {},
      policyTypes: ['Egress', 'Ingress'],
      ingress: [],
      egress: [],
    });
    const dns = node(plan, 'network-policy/allow-dns', 'network-policy').spec.egress[0]!;
    assert.deepEqual(dns.ports, [
      { port: 53, protocol: 'TCP' },
      { port: 53, protocol: 'UDP' },
    ]);
  });

  it('allows egress to Neon on 5432 and the LLM API on 443, away from private ranges', async () => {
    const plan = await planFor('dev');
    const egress = node(plan, 'network-policy/chatbot', 'network-policy').spec.egress;
    const openai = egress.find((r) => r.reason.includes('openai'))!;
    assert.deepEqual(openai.ports, [{ port: 443, protocol: 'TCP' }]);
    assert.deepEqual(openai.peers, [
      {
        cidr: '0.0.0.0/0',
        except: ['10.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16'],
      },
    ]);
    const migrate = node(plan, 'network-policy/api-migrate', 'network-policy').spec;
    assert.deepEqual(
      [migrate.policyTypes, migrate.egress.map((r) => r.ports[0]!.port)],
      [['Egress'], [5432]],
    );
  });

  it('lets the ingress controller reach public components only', async () => {
    const plan = await planFor('dev');
    const fromController = (id: string): boolean =>
      node(plan, id, 'network-policy').spec.ingress.some((r) =>
        r.peers.some(
          (p) =>
            'namespaces' in p && p.namespaces['kubernetes.io/metadata.name'] === 'ingress-nginx',
        ),
      );
    assert.deepEqual(
      [
        'network-policy/web',
        'network-policy/api',
        'network-policy/worker',
        'network-policy/redis',
      ].map(fromController),
      [true, true, false, false],
    );
  });
});

describe('skill networking for external hosts', () => {
  it('allows any address for an external host that looks private, public addresses for SaaS', async () => {
    const app = referenceApp();
    app.externalServices.push({
      id: 'host:db.internal.acme.com',
      kind: 'http',
      provider: 'http',
      hosts: ['db.internal.acme.com'],
      port: 8443,
      usedBy: ['api'],
      evidence: [],
    });
    app.edges.push({
      from: 'api',
      to: 'host:db.internal.acme.com',
      target: 'external',
      via: 'code',
      evidence: [],
    });
    const egress = node(await planFor('dev', {}, app), 'network-policy/api', 'network-policy').spec
      .egress;
    assert.deepEqual(egress.find((r) => r.ports[0]!.port === 8443)!.peers, [{ cidr: '0.0.0.0/0' }]);
    assert.ok(egress.find((r) => r.ports[0]!.port === 5432)!.peers.every((p) => 'except' in p));
  });
});
