import { strict as assert } from 'node:assert';
import { renderReport } from '../../../src/plan/report';
import { planFor } from './support/plan';

describe('plan/report', () => {
  it('renders every section, the decisions with their reasons and a Mermaid edge per dependency', async () => {
    const plan = await planFor('prod', { rollout: 'blue-green' });
    const md = renderReport(plan);
    assert.ok(md.startsWith('# Deployment plan: acme-chat → prod\n'));
    const headings = md.split('\n').filter((l) => l.startsWith('## '));
    assert.deepEqual(headings, [
      '## Components',
      '## Images',
      '## Decisions',
      '## Dependency graph',
      '## Waves',
      '## Security posture',
      '## Cost',
      '## Rollout and rollback',
      '## Backup and disaster recovery',
      '## Warnings',
    ]);
    const mermaid = md.slice(
      md.indexOf('```mermaid'),
      md.indexOf('```', md.indexOf('```mermaid') + 3),
    );
    const edges = mermaid.split('\n').filter((l) => l.includes(' --> ')).length;
    assert.equal(
      edges,
      plan.nodes.reduce((s, n) => s + n.dependsOn.length, 0),
    );
    assert.equal(md.split('\n').filter((l) => /^\d+\. `/.test(l)).length, plan.waves.length);
    const d = plan.decisions.find((x) => x.skill === 'secrets' && x.topic === 'database URLs')!;
    assert.ok(md.includes(d.reason));
    assert.match(
      md,
      /\| api-migrate \| api \| no \| 10001:10001 \| yes \| ALL \| RuntimeDefault \| tmp \|/,
    );
    assert.match(md, /- Strategy: \*\*blue-green\*\* \(active colour: blue\)/);
    assert.match(md, /\| \*\*Total\*\* \| {2}\| {2}\| {2}\| \*\*\d+\.\d\d\*\* \|/);
    assert.match(md, /- RPO: up to 1 hour/);
  });

  it('names Secret sources but never values, and escapes table cells', async () => {
    const plan = await planFor('dev');
    const md = renderReport(plan);
    assert.match(
      md,
      /\| api \| CELERY_BROKER_URL, DATABASE_URL, REDIS_URL, SECRET_KEY \| config secrets:DATABASE_URL, generated generated-secret\/rabbitmq-password/,
    );
    const tweaked = { ...plan, decisions: [{ ...plan.decisions[0]!, choice: 'a | b\nc' }] };
    assert.ok(renderReport(tweaked).includes('a \\| b c'));
  });
});
