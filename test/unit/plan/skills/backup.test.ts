import { strict as assert } from 'node:assert';
import { scheduleInterval, startingDeadlineSeconds } from '../../../../src/plan/skills/backup';
import { node, planFor } from '../support/plan';
import { postgresApp } from '../support/reference-app';

describe('skill backup', () => {
  it('backs up in-cluster data on the environment schedule and retention', async () => {
    const dev = await planFor('dev');
    const prod = await planFor('prod');
    assert.deepEqual(
      dev.recovery.backups.map((b) => [b.component, b.schedule, b.retentionDays]),
      [
        ['rabbitmq', '0 3 * * *', 3],
        ['redis', '0 3 * * *', 3],
      ],
    );
    assert.deepEqual(
      prod.recovery.backups.map((b) => [b.schedule, b.retentionDays]),
      [
        ['0 * * * *', 30],
        ['0 * * * *', 30],
      ],
    );
    assert.equal(prod.recovery.objectives.rpo.startsWith('up to 1 hour'), true);
  });

  it('dumps Postgres with pg_dump to its own claim, with the password from its Secret', async () => {
    const plan = await planFor('staging', {}, postgresApp());
    const cron = node(plan, 'cron-job/db-backup', 'cron-job');
    const c = cron.spec.job.template.containers[0]!;
    assert.match(c.command![2]!, /pg_dump -h "\$HOST" -U app -d app -Fc/);
    assert.deepEqual(
      c.env.find((e) => e.name === 'PGPASSWORD'),
      { name: 'PGPASSWORD', secret: { name: 'db', key: 'POSTGRES_PASSWORD' } },
    );
    assert.equal(cron.spec.concurrencyPolicy, 'Forbid');
    // Every 6 hours: a missed run may start up to an hour late, then the next one takes over.
    assert.equal(cron.spec.startingDeadlineSeconds, 3600);
    assert.deepEqual(c.resources, {
      requests: { cpu: '50m', memory: '128Mi', 'ephemeral-storage': '192Mi' },
      limits: { cpu: '500m', memory: '256Mi', 'ephemeral-storage': '384Mi' },
    });
    assert.deepEqual(node(plan, 'volume/db-backup', 'volume').spec, {
      storage: '20Gi',
      accessModes: ['ReadWriteOnce'],
    });
    assert.deepEqual(cron.dependsOn, [
      'namespace',
      'secret/db',
      'service-account/db',
      'volume/db-backup',
      'workload/db',
    ]);
    assert.ok(
      node(plan, 'network-policy/db-allow-backup', 'network-policy').spec.ingress[0]!.ports.some(
        (p) => p.port === 5432,
      ),
    );
  });

  it('writes a recovery runbook that covers Neon and the Pulumi state', async () => {
    const plan = await planFor('dev');
    assert.ok(plan.recovery.runbook.some((s) => s.startsWith('Restore neon:')));
    assert.ok(plan.recovery.runbook.some((s) => s.includes('Pulumi state')));
  });

  it('lets a missed run start within half its interval, at most an hour', () => {
    assert.deepEqual(
      ['0 * * * *', '0 */6 * * *', '30 2 * * *', '*/15 * * * *', '0 0 * * 0'].map(
        startingDeadlineSeconds,
      ),
      [1800, 3600, 3600, 450, 3600],
    );
  });

  it('describes cron intervals in words', () => {
    assert.deepEqual(
      ['0 * * * *', '0 */6 * * *', '30 2 * * *', '*/15 * * * *', '0 0 * * 0'].map(scheduleInterval),
      ['1 hour', '6 hours', '24 hours', '15 minutes', 'one interval of "0 0 * * 0"'],
    );
  });
});
