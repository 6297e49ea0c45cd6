/**
 * A plan whose graph cannot be registered as given is refused before anything runs, with every
 * issue listed (not only the first).
 */
import assert from 'node:assert/strict';
import { InputError } from '../../../src/model/errors';
import type { DeploymentPlan, PlanNode } from '../../../src/model/plan';
import { createProgram, ejectProject } from '../../../src/program';
import { referencePlan } from './support/reference-plan';

const render = { target: { kind: 'render' as const }, renderDirectory: '/tmp/out' };

function mutate(fn: (plan: DeploymentPlan) => void): DeploymentPlan {
  const plan = structuredClone(referencePlan('prod'));
  fn(plan);
  return plan;
}
function node(plan: DeploymentPlan, id: string): PlanNode {
  const n = plan.nodes.find((x) => x.id === id);
  assert.ok(n, id);
  return n;
}
function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof InputError, String(err));
    return err.issues.map((i) => `${i.field ?? ''}: ${i.message}`);
  }
  assert.fail('expected an InputError');
}

describe('program: plan checks', () => {
  it('accepts the reference plans', () => {
    for (const env of ['dev', 'staging', 'prod'] as const) {
      assert.equal(typeof createProgram(referencePlan(env), render), 'function');
    }
  });

  it('reports every unknown dependency and self-dependency together', () => {
    const plan = mutate((p) => {
      node(p, 'workload/api').dependsOn.push('config/missing');
      node(p, 'service/web').dependsOn.push('service/web');
    });
    const issues = issuesOf(() => createProgram(plan, render));
    assert.equal(issues.length, 2, issues.join('\n'));
    assert.ok(issues.some((i) => /unknown node config\/missing/.test(i)));
    assert.ok(issues.some((i) => /service\/web depends on itself/.test(i)));
  });

  it('reports a cycle with its whole path', () => {
    const plan = mutate((p) => node(p, 'namespace').dependsOn.push('workload/api'));
    const issues = issuesOf(() => createProgram(plan, render));
    assert.equal(issues.length, 1);
    assert.match(issues[0]!, /dependency cycle: (.+ → )+/);
    assert.ok(issues[0]!.includes('workload/api') && issues[0]!.includes('namespace'));
  });

  it('refuses two nodes that would share one resource name', () => {
    const plan = mutate((p) => {
      const sa = structuredClone(node(p, 'service-account/api'));
      p.nodes.push({ ...sa, id: 'service-account/api-x', name: 'api-x' });
      const svc = structuredClone(node(p, 'service/api'));
      p.nodes.push({ ...svc, id: 'service/account-api-x', name: 'account-api-x' });
    });
    const issues = issuesOf(() => createProgram(plan, render));
    assert.deepEqual(issues.length, 1);
    assert.match(issues[0]!, /service-account-api-x, already taken by service-account\/api-x/);
  });

  it('refuses a Secret that reads a generated value it does not depend on', () => {
    const plan = mutate((p) => {
      const secret = node(p, 'secret/api');
      secret.dependsOn = secret.dependsOn.filter((d) => d !== 'generated-secret/redis-password');
    });
    const issues = issuesOf(() => createProgram(plan, render));
    assert.deepEqual(issues, [
      `nodes[${plan.nodes.findIndex((n) => n.id === 'secret/api')}].dependsOn: secret/api reads the value of generated-secret/redis-password but does not list it in dependsOn`,
    ]);
  });

  it('refuses a render target without an absolute directory, and eject refuses bad plans too', () => {
    assert.throws(
      () => createProgram(referencePlan('dev'), { target: { kind: 'render' } }),
      InputError,
    );
    assert.throws(
      () =>
        createProgram(referencePlan('dev'), {
          target: { kind: 'render' },
          renderDirectory: 'relative/out',
        }),
      InputError,
    );
    const plan = mutate((p) => node(p, 'workload/api').dependsOn.push('config/missing'));
    assert.throws(
      () => ejectProject(plan, { env: 'prod', target: { kind: 'render' } }),
      InputError,
    );
  });

  it('refuses a namespace node whose name is not the plan namespace', () => {
    const plan = mutate((p) => {
      node(p, 'namespace').name = 'elsewhere';
    });
    assert.match(
      issuesOf(() => createProgram(plan, render))[0]!,
      /differs from the plan namespace/,
    );
  });
});
