import { strict as assert } from 'node:assert';
import { canonicalJson, contentHash } from '../../../src/model/canonical';
import { InputError, SkillError, UnusableInputError } from '../../../src/model/errors';
import { DeploymentPlanSchema } from '../../../src/model/plan';
import { builtinSkills } from '../../../src/plan';
import { decision } from '../../../src/plan/skill';
import { node, planFor } from './support/plan';
import { referenceApp } from './support/reference-app';

describe('plan/planner', () => {
  it('produces a schema-valid plan whose hash is the content hash of everything else', async () => {
    const plan = await planFor('staging');
    DeploymentPlanSchema.parse(plan);
    const { hash, ...rest } = plan;
    assert.equal(hash, contentHash(rest));
  });

  it('is deterministic: the same input gives identical bytes', async () => {
    const a = await planFor('prod');
    const b = await planFor('prod');
    assert.equal(JSON.stringify(a), JSON.stringify(b));
    assert.equal(canonicalJson(a), canonicalJson(b));
  });

  it('does not depend on the order of the AppModel arrays', async () => {
    const app = referenceApp();
    const shuffled = {
      ...app,
      components: [...app.components].reverse().map((c) => ({ ...c, env: [...c.env].reverse() })),
      edges: [...app.edges].reverse(),
      externalServices: [...app.externalServices].reverse(),
    };
    assert.equal((await planFor('dev', {}, shuffled)).hash, (await planFor('dev', {}, app)).hash);
  });

  it('registers the twelve built-in skills', () => {
    assert.deepEqual(builtinSkills.map((s) => s.id).sort(), [
      'backup',
      'containerize',
      'cost',
      'data-services',
      'exposure',
      'networking',
      'observability',
      'rollout',
      'scaling',
      'secrets',
      'security',
      'workloads',
    ]);
  });

  it('rejects dangling edges, naming each one', async () => {
    const app = referenceApp();
    app.edges.push({ from: 'ghost', to: 'api', target: 'component', via: 'env', evidence: [] });
    app.edges.push({ from: 'api', to: 'stripe', target: 'external', via: 'code', evidence: [] });
    await assert.rejects(planFor('dev', {}, app), (err: unknown) => {
      assert.ok(err instanceof InputError);
      assert.deepEqual(
        err.issues.map((i) => [i.field, i.message]),
        [
          ['edges.12.from', 'edge from unknown component "ghost"'],
          ['edges.13.to', 'edge to unknown external "stripe"'],
        ],
      );
      return true;
    });
  });

  it('refuses an app without components (422-class, no_components) instead of planning only a Namespace', async () => {
    const app = { ...referenceApp(), components: [], edges: [] };
    await assert.rejects(planFor('dev', {}, app), (err: unknown) => {
      assert.ok(err instanceof UnusableInputError);
      assert.equal(err.code, 'no_components');
      assert.match(err.message, /has no components: nothing was found to deploy/);
      assert.equal(err.issues[0]?.field, 'components');
      return true;
    });
  });

  it('rejects components that call each other in a cycle, with the path', async () => {
    const app = referenceApp();
    app.edges.push({ from: 'api', to: 'web', target: 'component', via: 'code', evidence: [] });
    await assert.rejects(planFor('dev', {}, app), /cycle: api -> web -> api/);
  });

  it('runs user skills with the built-in ones and keeps their decisions', async () => {
    const plan = await planFor('dev', {}, referenceApp(), {
      skills: [
        {
          id: 'compliance',
          needs: ['security'],
          description: 'checks the namespace label',
          run: (input) => ({
            decisions: [
              decision(
                'compliance',
                'environment',
                'pss',
                String(input.nodes.find((n) => n.id === 'namespace')?.kind),
                'checked',
              ),
            ],
          }),
        },
      ],
    });
    assert.ok(plan.decisions.some((d) => d.skill === 'compliance' && d.choice === 'namespace'));
  });

  it('fails with a SkillError naming a user skill that breaks the graph, and returns no plan', async () => {
    await assert.rejects(
      planFor('dev', {}, referenceApp(), {
        skills: [
          {
            id: 'orderer',
            needs: ['workloads'],
            description: 'bad ordering',
            run: () => ({
              nodes: [
                {
                  id: 'config/extra',
                  kind: 'config',
                  name: 'extra',
                  skill: 'orderer',
                  after: [{ node: 'job/missing', reason: 'nothing' }],
                  spec: { data: {} },
                },
              ],
            }),
          },
        ],
      }),
      (err: unknown) => err instanceof SkillError && err.skill === 'orderer',
    );
  });

  it('skips a component disabled in the environment and warns about unknown overrides', async () => {
    const plan = await planFor('dev', {
      components: { worker: { disabled: true }, nope: { replicas: 2 } },
    });
    assert.ok(!plan.nodes.some((n) => n.component === 'worker'));
    assert.ok(
      plan.warnings.includes('stackpilot:components.nope names no component of acme-chat; ignored'),
    );
    assert.equal(node(plan, 'workload/api', 'workload').spec.replicas, 1);
  });
});
