import { strict as assert } from 'node:assert';
import { changedPaths, diffPlans, formatPlanDiff } from '../../../src/plan/diff';
import { planFor } from './support/plan';
import { referenceApp } from './support/reference-app';

describe('plan/diff', () => {
  it('finds nothing between a plan and itself', async () => {
    const plan = await planFor('dev');
    const diff = diffPlans(plan, plan);
    assert.deepEqual(
      [diff.identical, diff.added, diff.removed, diff.changed, diff.decisions],
      [true, [], [], [], []],
    );
    assert.match(formatPlanDiff(diff), /no changes\n$/);
  });

  it('reports changed nodes with the field paths that changed, matching arrays by name', async () => {
    const before = await planFor('dev');
    const app = referenceApp();
    app.components.find((c) => c.name === 'api')!.sourceDigest = `sha256:${'cd'.repeat(32)}`;
    const after = await planFor('dev', { components: { worker: { replicas: 2 } } }, app);
    const diff = diffPlans(before, after);
    assert.equal(diff.identical, false);
    assert.deepEqual(diff.changed.find((c) => c.id === 'workload/api')?.fields, [
      'spec.template.containers[name=api].image',
    ]);
    assert.deepEqual(diff.changed.find((c) => c.id === 'workload/worker')?.fields, [
      'spec.replicas',
    ]);
    assert.deepEqual(diff.images, [
      {
        component: 'api',
        before: before.images.find((i) => i.component === 'api')!.image,
        after: `localhost:5000/acme-chat-api:src-${'cd'.repeat(6)}`,
      },
    ]);
    assert.ok(diff.cost.delta > 0);
    const text = formatPlanDiff(diff);
    assert.match(text, /^ {2}~ workload\/api\n {6}spec\.template\.containers\[name=api\]\.image$/m);
    assert.match(text, /^ {2}~ worker \/ replicas: 1 -> 2$/m);
    assert.match(text, /^cost: \d+\.\d\d -> \d+\.\d\d USD\/month \(\+\d+\.\d\d\)$/m);
  });

  it('lists added and removed nodes', async () => {
    const before = await planFor('dev');
    const after = await planFor('dev', { components: { worker: { disabled: true } } });
    const diff = diffPlans(before, after);
    assert.deepEqual(
      diff.removed.map((n) => n.id),
      [
        'disruption-budget/worker',
        'network-policy/worker',
        'secret/worker',
        'service-account/worker',
        'workload/worker',
      ],
    );
    assert.deepEqual(diff.added, []);
    assert.match(formatPlanDiff(diffPlans(after, before)), /^ {2}\+ workload\/worker$/m);
  });

  it('matches array elements by identity and falls back to indexes', () => {
    assert.deepEqual(
      changedPaths(
        {
          a: [
            { name: 'x', v: 1 },
            { name: 'y', v: 2 },
          ],
        },
        {
          a: [
            { name: 'y', v: 3 },
            { name: 'x', v: 1 },
          ],
        },
      ),
      ['a[name=y].v'],
    );
    assert.deepEqual(changedPaths({ a: [1, 2] }, { a: [1, 3] }), ['a[1]']);
    assert.deepEqual(changedPaths({ a: [1] }, { a: [1, 2] }), ['a']);
  });
});
