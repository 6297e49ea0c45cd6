import { strict as assert } from 'node:assert';
import { node, planFor } from '../support/plan';

describe('skill security', () => {
  it('labels the namespace with the restricted Pod Security Standard', async () => {
    const ns = node(await planFor('dev'), 'namespace', 'namespace');
    assert.equal(ns.name, 'stackpilot-dev');
    for (const mode of ['enforce', 'audit', 'warn'])
      assert.equal(ns.spec.labels[`pod-security.kubernetes.io/${mode}`], 'restricted');
  });

  it('gives every component its own service account without a token', async () => {
    const plan = await planFor('dev');
    const sas = plan.nodes.filter((n) => n.kind === 'service-account').map((n) => n.name);
    assert.deepEqual(sas, ['api', 'chatbot', 'rabbitmq', 'redis', 'web', 'worker']);
    const t = node(plan, 'workload/worker', 'workload').spec.template;
    assert.deepEqual([t.serviceAccount, t.automountServiceAccountToken], ['worker', false]);
  });

  it('runs containers non-root and read-only with scratch space where they write', async () => {
    const web = node(await planFor('dev'), 'workload/web', 'workload').spec.template;
    assert.deepEqual(web.containers[0]!.securityContext, {
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    assert.deepEqual(web.containers[0]!.volumeMounts, [
      { name: 'app-next-cache', mountPath: '/app/.next/cache' },
      { name: 'tmp', mountPath: '/tmp' },
    ]);
    assert.deepEqual(web.volumes, [
      { name: 'app-next-cache', emptyDir: { sizeLimit: '1Gi' } },
      { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
    ]);
    assert.deepEqual(web.securityContext.fsGroup, 10001);
  });

  it('runs RabbitMQ read-only too: its home and data on the claim, /tmp as scratch', async () => {
    const plan = await planFor('staging');
    const t = node(plan, 'workload/rabbitmq', 'workload').spec.template;
    assert.equal(t.containers[0]!.securityContext.readOnlyRootFilesystem, true);
    assert.deepEqual(t.containers[0]!.volumeMounts, [
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'data', mountPath: '/var/lib/rabbitmq' },
    ]);
    // /etc/rabbitmq keeps the image's enabled plugins and conf.d: no emptyDir hides them.
    assert.deepEqual(t.volumes, [{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }]);
    const why = plan.decisions.find(
      (d) => d.skill === 'security' && d.subject === 'rabbitmq' && d.topic === 'security context',
    )!;
    assert.match(why.choice, /read-only root filesystem/);
    assert.match(why.reason, /Erlang cookie/);
  });
});
