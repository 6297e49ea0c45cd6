import { strict as assert } from 'node:assert';
import { choices, envOf, node, planFor } from '../support/plan';
import { postgresApp } from '../support/reference-app';

describe('skill data-services', () => {
  it('runs Redis and RabbitMQ as pinned single-replica StatefulSets with claims and headless Services', async () => {
    const plan = await planFor('staging');
    const redis = node(plan, 'workload/redis', 'workload');
    assert.deepEqual(
      [redis.spec.controller, redis.spec.replicas, redis.spec.serviceName, redis.spec.volumeClaims],
      [
        'statefulset',
        1,
        'redis',
        [{ name: 'data', storage: '2Gi', accessModes: ['ReadWriteOnce'] }],
      ],
    );
    const c = redis.spec.template.containers[0]!;
    assert.equal(c.image, 'redis:7.4.1-alpine');
    assert.deepEqual(c.args, [
      '--requirepass',
      '$(REDIS_PASSWORD)',
      '--appendonly',
      'yes',
      '--dir',
      '/data',
    ]);
    assert.ok(c.volumeMounts.some((m) => m.name === 'data' && m.mountPath === '/data'));
    assert.equal(
      node(plan, 'workload/rabbitmq', 'workload').spec.template.containers[0]!.image,
      'rabbitmq:3.13.7-management-alpine',
    );
    assert.equal(node(plan, 'service/redis', 'service').spec.headless, true);
  });

  it('keeps Neon external: a Secret entry and egress, no workload', async () => {
    const plan = await planFor('dev');
    assert.ok(!plan.nodes.some((n) => n.name.includes('neon')));
    assert.equal(choices(plan, 'data-services', 'neon').placement, 'external (neon)');
  });

  it('runs an in-cluster Postgres (pgvector build when the app uses it) with its credentials in URLs', async () => {
    const plan = await planFor('dev', {}, postgresApp());
    const db = node(plan, 'workload/db', 'workload');
    assert.equal(db.spec.template.containers[0]!.image, 'pgvector/pgvector:0.8.0-pg16');
    assert.deepEqual(envOf(db), {
      PGDATA: '/var/lib/postgresql/data/pgdata',
      POSTGRES_DB: 'app',
      POSTGRES_PASSWORD: 'secret:db/POSTGRES_PASSWORD',
      POSTGRES_USER: 'app',
    });
    assert.deepEqual(
      node(plan, 'secret/api', 'secret').spec.entries.find((e) => e.key === 'DATABASE_URL')!.parts,
      [
        { text: 'postgresql://app:' },
        { generated: 'generated-secret/db-password' },
        { text: '@db.stackpilot-dev.svc.cluster.local:5432/app' },
      ],
    );
    // No pooler in the cluster: migrations use the app's URL and wait for the database.
    assert.ok(!plan.nodes.some((n) => n.id === 'secret/api-migrate'));
    assert.deepEqual(
      node(plan, 'job/api-migrate', 'job').after.map((a) => a.node),
      ['workload/db'],
    );
    const dbPolicy = node(plan, 'network-policy/db', 'network-policy').spec.ingress.map(
      (r) => r.reason,
    );
    assert.ok(dbPolicy.includes('migrations of api -> db'));
  });

  it('leaves a service the environment manages out of the cluster and opens egress to it', async () => {
    const plan = await planFor('prod', { managed: { rabbitmq: true } });
    assert.ok(!plan.nodes.some((n) => n.component === 'rabbitmq'));
    const egress = node(plan, 'network-policy/worker', 'network-policy').spec.egress.find((r) =>
      r.reason.includes('managed rabbitmq'),
    )!;
    assert.deepEqual(egress.ports, [{ port: 5672, protocol: 'TCP' }]);
  });
});
