import { strict as assert } from 'node:assert';
import { driftFields } from '../../../src/engine/drift-diff';

const DEPLOYMENT = 'kubernetes:apps/v1:Deployment';

describe('engine/drift-diff', () => {
  const declared = {
    metadata: { name: 'web' },
    spec: { replicas: 1, template: { spec: { containers: [{ name: 'web', image: 'web:1' }] } } },
  };
  const recorded = {
    metadata: { name: 'web', resourceVersion: '1' },
    spec: {
      replicas: 1,
      progressDeadlineSeconds: 600,
      template: {
        spec: { containers: [{ name: 'web', image: 'web:1', imagePullPolicy: 'IfNotPresent' }] },
      },
    },
    status: { readyReplicas: 1 },
  };

  it('reports each declared field that changed, with both values', () => {
    const live = {
      ...recorded,
      metadata: { name: 'web', resourceVersion: '9' },
      spec: {
        ...recorded.spec,
        replicas: 3,
        template: {
          spec: { containers: [{ name: 'web', image: 'hotfix:2', imagePullPolicy: 'Always' }] },
        },
      },
      status: { readyReplicas: 3 },
    };
    assert.deepEqual(driftFields(DEPLOYMENT, declared, recorded, live), [
      { path: 'spec.replicas', deployed: '1', live: '3' },
      { path: 'spec.template.spec.containers[0].image', deployed: 'web:1', live: 'hotfix:2' },
    ]);
  });

  it('leaves alone what the plan does not declare: autoscaled replicas, server defaults, status', () => {
    const { replicas: _owned, ...autoscaled } = declared.spec;
    const live = {
      ...recorded,
      spec: { ...recorded.spec, replicas: 5, progressDeadlineSeconds: 60 },
    };
    assert.deepEqual(
      driftFields(DEPLOYMENT, { ...declared, spec: autoscaled }, recorded, live),
      [],
    );
  });

  it('never compares Secret data', () => {
    const secret = { data: { KEY: 'b2xk' } };
    assert.deepEqual(
      driftFields('kubernetes:core/v1:Secret', secret, secret, { data: { KEY: 'bmV3' } }),
      [],
    );
    assert.deepEqual(
      driftFields(
        'kubernetes:core/v1:ConfigMap',
        { data: { A: '1' } },
        { data: { A: '1' } },
        { data: { A: '2' } },
      ),
      [{ path: 'data.A', deployed: '1', live: '2' }],
    );
  });
});
