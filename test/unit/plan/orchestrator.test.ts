import { strict as assert } from 'node:assert';
import { InputError, SkillError } from '../../../src/model/errors';
import { resolveEnvironment } from '../../../src/plan/environment';
import { orderSkills, runSkills } from '../../../src/plan/orchestrator';
import {
  decision,
  type Skill,
  type SkillContribution,
  type SkillInput,
} from '../../../src/plan/skill';
import { referenceApp } from './support/reference-app';

const context = { app: referenceApp(), env: resolveEnvironment('dev', {}) };

function skill(
  id: string,
  needs: string[],
  run: (input: SkillInput) => SkillContribution = () => ({}),
): Skill {
  return { id, needs, description: id, run };
}

describe('plan/orchestrator ordering', () => {
  it('orders skills by needs, breaking ties by id', () => {
    const order = orderSkills([
      skill('zeta', []),
      skill('cost', ['workloads', 'scaling']),
      skill('workloads', ['scaling', 'alpha']),
      skill('scaling', []),
      skill('alpha', []),
    ]).map((s) => s.id);
    assert.deepEqual(order, ['alpha', 'scaling', 'zeta', 'workloads', 'cost']);
  });

  it('reports a cycle with its whole path before running anything', async () => {
    let ran = false;
    const skills = [
      skill('a', ['b'], () => ((ran = true), {})),
      skill('b', ['c']),
      skill('c', ['a']),
      skill('d', []),
    ];
    await assert.rejects(
      runSkills(skills, context),
      (err: unknown) =>
        err instanceof InputError && /skill dependency cycle: a -> b -> c -> a/.test(err.message),
    );
    assert.equal(ran, false);
  });

  it('names a missing skill and who needs it, before running anything', async () => {
    let ran = false;
    await assert.rejects(
      runSkills(
        [skill('first', [], () => ((ran = true), {})), skill('second', ['ghost', 'first'])],
        context,
      ),
      (err: unknown) =>
        err instanceof InputError &&
        /skill "second" needs skill "ghost", which is not registered/.test(err.message) &&
        err.issues[0]?.field === 'skills.second.needs',
    );
    assert.equal(ran, false);
  });

  it('rejects duplicate and malformed ids together', () => {
    assert.throws(
      () => orderSkills([skill('x', []), skill('x', []), skill('Bad_Id', [])]),
      (err: unknown) => err instanceof InputError && err.issues.length === 2,
    );
  });
});

describe('plan/orchestrator merging', () => {
  it('gives each skill the merged output of the skills before it', async () => {
    const seen: string[] = [];
    const merged = await runSkills(
      [
        skill('images', [], () => ({ facts: { api: { image: 'r/api:1' } } })),
        skill('reader', ['images'], (input) => {
          seen.push(String(input.facts.api?.image));
          return {
            decisions: [
              decision('reader', 'api', 'image seen', String(input.facts.api?.image), 'test'),
            ],
          };
        }),
      ],
      context,
    );
    assert.deepEqual(seen, ['r/api:1']);
    assert.deepEqual(merged.order, ['images', 'reader']);
    assert.deepEqual(merged.factOwners, { 'api.image': 'images' });
    assert.equal(merged.decisions[0]?.choice, 'r/api:1');
  });

  it('rejects two skills writing the same fact of the same component, naming both', async () => {
    await assert.rejects(
      runSkills(
        [
          skill('one', [], () => ({ facts: { api: { replicas: 2 } } })),
          skill('two', [], () => ({ facts: { api: { replicas: 3 }, web: { replicas: 1 } } })),
        ],
        context,
      ),
      (err: unknown) =>
        err instanceof SkillError &&
        err.skill === 'two' &&
        /fact api\.replicas is already written by skill "one"/.test(err.message),
    );
  });

  it('allows the same fact field on different components', async () => {
    const merged = await runSkills(
      [
        skill('one', [], () => ({ facts: { api: { replicas: 2 } } })),
        skill('two', [], () => ({ facts: { web: { replicas: 1 } } })),
      ],
      context,
    );
    assert.deepEqual(merged.facts, { api: { replicas: 2 }, web: { replicas: 1 } });
  });

  it('rejects a duplicate node id and a section written twice', async () => {
    const node = (s: string): SkillContribution => ({
      nodes: [
        {
          id: 'service-account/api',
          kind: 'service-account',
          name: 'api',
          skill: s,
          spec: { automountToken: false },
        },
      ],
    });
    await assert.rejects(
      runSkills(
        [skill('one', [], () => node('one')), skill('two', [], () => node('two'))],
        context,
      ),
      /skill two: node service-account\/api is already contributed by skill "one"/,
    );
    const urls = (): SkillContribution => ({ sections: { publicUrls: [] } });
    await assert.rejects(
      runSkills([skill('one', [], urls), skill('two', [], urls)], context),
      /skill two: plan section publicUrls is already written by skill "one"/,
    );
  });

  it('validates each contribution and wraps failures in a SkillError naming the skill', async () => {
    await assert.rejects(
      runSkills([skill('sloppy', [], () => ({ facts: { api: { replicas: -1 } } }))], context),
      (err: unknown) =>
        err instanceof SkillError &&
        err.skill === 'sloppy' &&
        /invalid contribution: facts\.api\.replicas/.test(err.message),
    );
    await assert.rejects(
      runSkills(
        [
          skill('thrower', [], () => {
            throw new Error('boom');
          }),
        ],
        context,
      ),
      (err: unknown) => err instanceof SkillError && err.message === 'skill thrower: boom',
    );
    await assert.rejects(
      runSkills([skill('stranger', [], () => ({ facts: { nope: { replicas: 1 } } }))], context),
      /wrote facts about unknown component "nope"/,
    );
    await assert.rejects(
      runSkills(
        [skill('liar', [], () => ({ decisions: [decision('other', 'api', 't', 'c', 'r')] }))],
        context,
      ),
      /skill liar: a decision on api claims to come from skill "other"/,
    );
  });

  it('hands skills frozen input, so one cannot change what the next reads', async () => {
    await assert.rejects(
      runSkills(
        [
          skill('writer', [], () => ({ facts: { api: { replicas: 1 } } })),
          skill('mutator', ['writer'], (input) => {
            (input.facts.api as { replicas?: number }).replicas = 9;
            return {};
          }),
        ],
        context,
      ),
      (err: unknown) => err instanceof SkillError && err.skill === 'mutator',
    );
    // The caller's app model is not frozen by planning.
    const app = referenceApp();
    await runSkills([skill('noop', [])], { ...context, app });
    assert.equal(Object.isFrozen(app), false);
  });
});
