import { strict as assert } from 'node:assert';
import { repositoryRoot, workflowPaths } from '../../../src/ci/workflow-paths';
import { InputError } from '../../../src/model/errors';

describe('ci/workflow-paths', () => {
  it('takes the repository root from .github/workflows/, else the app directory', () => {
    assert.equal(repositoryRoot('/r/.github/workflows/x.yml', '/r/app'), '/r');
    assert.equal(repositoryRoot('/tmp/x.yml', '/r/app'), '/r/app');
    assert.equal(repositoryRoot('/r/workflows/x.yml', '/r/app'), '/r/app');
  });

  it('makes the app, the stacks and the skills file relative to the root', () => {
    assert.deepEqual(
      workflowPaths({
        dir: '/r/apps/shop',
        out: '/r/.github/workflows/stackpilot.yml',
        stacksDir: '/r/stacks',
        skillsFile: '/r/deploy/skills.yaml',
      }),
      {
        root: '/r',
        appDir: 'apps/shop',
        stacksDir: 'stacks',
        skillsFile: 'deploy/skills.yaml',
        out: '.github/workflows/stackpilot.yml',
      },
    );
    assert.deepEqual(
      workflowPaths({
        dir: '/r',
        out: '/r/.github/workflows/stackpilot.yml',
        stacksDir: '/r/stacks',
      }),
      { root: '/r', appDir: '.', stacksDir: 'stacks', out: '.github/workflows/stackpilot.yml' },
    );
    assert.equal(
      workflowPaths({ dir: '/r', out: '/tmp/look.yml', stacksDir: '/r/stacks' }).out,
      undefined,
      'a file outside the repository is only for reading',
    );
  });

  it('refuses paths the checkout would not hold, all of them at once', () => {
    assert.throws(
      () =>
        workflowPaths({
          dir: '/elsewhere/app',
          out: '/r/.github/workflows/stackpilot.yml',
          stacksDir: '/opt/stacks',
          skillsFile: '/opt/skills.yaml',
        }),
      (err: unknown) =>
        err instanceof InputError &&
        err.issues.length === 3 &&
        err.issues.every((i) => /is outside \/r/.test(i.message)) &&
        /--stacks <dir>/.test(err.message),
    );
  });
});
