/**
 * `stackpilot ci github` as a user runs it (the compiled CLI, from the repository root), with
 * the written workflow checked by actionlint (built from Go modules by `npm run setup`; it runs
 * shellcheck on the scripts too when shellcheck is on PATH).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PUSHED_IMAGES } from '../../src/ci/github-steps';
import { BuildResultSchema } from '../../src/model/images';
import { DeploymentPlanSchema } from '../../src/model/plan';
import { imageTool } from '../support/registry/tools';
import { REPO_ROOT } from './support/engine';

const CLI = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');
const WORKFLOW = join('.github', 'workflows', 'stackpilot.yml');

describe('stackpilot ci github (compiled CLI, actionlint)', function () {
  this.timeout(120_000);
  let root: string;
  const run = (cwd: string, args: string[]) =>
    spawnSync(process.execPath, [CLI, '--state-dir', join(root, 'state'), ...args], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
  const actionlint = (file: string) =>
    spawnSync(imageTool('actionlint'), ['-no-color', file], { encoding: 'utf8' });

  /** A repository in a fresh folder: `app` copied to `appPath`, the stack files to `stacksPath`. */
  const repository = (name: string, app: string, appPath: string, stacksPath: string) => {
    const repo = join(root, name);
    cpSync(join(REPO_ROOT, app), join(repo, appPath), { recursive: true });
    cpSync(join(REPO_ROOT, 'stacks'), join(repo, stacksPath), { recursive: true });
    return repo;
  };

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'stackpilot-ci-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('writes a workflow for examples/fullstack that actionlint accepts', () => {
    const repo = repository('fullstack', 'examples/fullstack', '.', 'stacks');
    const res = run(repo, ['ci', 'github', '.', '--json']);
    assert.equal(res.status, 0, res.stderr);
    const result = JSON.parse(res.stdout) as { file: string; status: string; warnings: string[] };
    assert.equal(result.file, join(repo, WORKFLOW));
    assert.equal(result.status, 'written');
    // dev's registry is localhost:5000: said on stderr, in the JSON and in the file.
    assert.match(res.stderr, /warning: dev: localhost:5000 .*stackpilot:registry/);
    assert.equal(result.warnings.length, 1);

    const lint = actionlint(result.file);
    assert.equal(lint.status, 0, `actionlint:\n${lint.stdout}${lint.stderr}`);

    const wf = parse(readFileSync(result.file, 'utf8')) as {
      jobs: Record<string, { needs?: string; environment?: string }>;
    };
    assert.deepEqual(Object.keys(wf.jobs), [
      'images-dev',
      'gate-dev',
      'images-prod',
      'gate-prod',
      'images-staging',
      'gate-staging',
    ]);
    assert.equal(wf.jobs['gate-prod']!.environment, 'prod');
  });

  it('shows in the README a deploy workflow that installs the packed CLI, gates from the checkout, and passes actionlint', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const block = /```yaml\n(# \.github\/workflows\/deploy\.yml[^\n]*\n[\s\S]*?)```/.exec(readme);
    assert.ok(block, 'the README has the deploy.yml example');
    const file = join(root, 'readme', '.github', 'workflows', 'deploy.yml');
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, block[1]!);
    const lint = actionlint(file);
    assert.equal(lint.status, 0, `actionlint:\n${lint.stdout}${lint.stderr}`);
    const steps = (
      parse(block[1]!) as { jobs: Record<string, { steps: { run?: string }[] }> }
    ).jobs.prod!.steps.map((s) => s.run ?? '');
    const install = steps.findIndex((r) =>
      /^npm install --global .*"\$STACKPILOT_PACKAGE"$/.test(r),
    );
    const gate = steps.findIndex((r) => /^stackpilot gate .*--app-dir \. /.test(r));
    assert.ok(install >= 0 && gate > install, steps.join('\n'));
    assert.ok(
      !steps.some((r) => /\bnpx\b|npm ci|npm run build/.test(r)),
      'nothing assumes a stackpilot checkout',
    );
  });

  it('writes a monorepo workflow at the repository root for a subdirectory app, actionlint-clean', () => {
    const repo = repository(
      'monorepo',
      'test/fixtures/compose-microservices',
      'services/shop',
      'deploy/stacks',
    );
    writeFileSync(
      join(repo, 'deploy', 'stacks', 'Pulumi.qa.yaml'),
      'config:\n  stackpilot:registry: registry.example.com/acme\n',
    );
    const res = run(repo, [
      '--stacks',
      'deploy/stacks',
      'ci',
      'github',
      'services/shop',
      '--env',
      'qa',
      'prod',
      '--out',
      WORKFLOW,
    ]);
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, /wrote .*stackpilot\.yml \(prod, qa\)/);
    const file = join(repo, WORKFLOW);
    const text = readFileSync(file, 'utf8');
    assert.match(
      text,
      /^# {3}stackpilot --stacks deploy\/stacks ci github services\/shop --env prod qa --out \.github\/workflows\/stackpilot\.yml --force$/m,
    );
    assert.match(
      text,
      /registry: registry\.example\.com\n\s+username: \$\{\{ secrets\.REGISTRY_USERNAME \}\}/,
    );
    assert.match(text, /APP_DIR: services\/shop\n\s+STACKS_DIR: deploy\/stacks/);
    const lint = actionlint(file);
    assert.equal(lint.status, 0, `actionlint:\n${lint.stdout}${lint.stderr}`);
  });

  it('leaves an identical file alone and refuses a different one without --force', () => {
    const repo = repository('rewrite', 'examples/fullstack', '.', 'stacks');
    assert.equal(run(repo, ['ci', 'github', '.']).status, 0);
    const again = run(repo, ['ci', 'github', '.', '--json']);
    assert.equal((JSON.parse(again.stdout) as { status: string }).status, 'unchanged');

    const file = join(repo, WORKFLOW);
    writeFileSync(file, `${readFileSync(file, 'utf8')}# a hand edit\n`);
    const refused = run(repo, ['ci', 'github', '.', '--env', 'prod']);
    assert.equal(refused.status, 4);
    assert.match(
      refused.stderr,
      new RegExp(`error: ${file.replace(/[.]/g, '\\.')} exists and differs.*--force`),
    );
    assert.match(readFileSync(file, 'utf8'), /# a hand edit\n$/, 'the file is kept');

    const forced = run(repo, ['ci', 'github', '.', '--env', 'prod', '--force', '--json']);
    assert.equal((JSON.parse(forced.stdout) as { status: string }).status, 'overwritten');
    assert.doesNotMatch(readFileSync(file, 'utf8'), /hand edit|images-dev/);
  });

  it('refuses a stacks directory the checkout would not hold', () => {
    const repo = join(root, 'outside');
    cpSync(join(REPO_ROOT, 'examples', 'fullstack'), repo, { recursive: true });
    const res = run(repo, ['--stacks', join(REPO_ROOT, 'stacks'), 'ci', 'github', '.']);
    assert.equal(res.status, 2);
    assert.match(res.stderr, /stacks directory is outside/);
  });

  it('actionlint fails a broken workflow, so the checks above can fail', () => {
    const dir = join(root, 'broken', '.github', 'workflows');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'broken.yml');
    writeFileSync(
      file,
      [
        'on: push',
        'jobs:',
        '  gate:',
        '    needs: images-nowhere',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - uses: actions/checkout@v4',
        '        run: echo ${{ secret.TOKEN }}',
        '',
      ].join('\n'),
    );
    const lint = actionlint(file);
    assert.equal(lint.status, 1, lint.stdout);
    assert.match(lint.stdout, /images-nowhere/);
    assert.match(lint.stdout, /secret/);
  });

  it("lists exactly the plan's built images from plan --json and from a build's --json, with the workflow's jq filters", function () {
    assert.equal(
      spawnSync('jq', ['--version']).status,
      0,
      'jq is not installed: npm run setup installs it (scripts/setup-images.sh)',
    );
    const repo = repository('jq', 'examples/fullstack', '.', 'stacks');
    const res = run(repo, ['plan', '.', '--env', 'prod', '--json']);
    assert.equal(res.status, 0, res.stderr);
    const plan = DeploymentPlanSchema.parse(JSON.parse(res.stdout));
    assert.equal(run(repo, ['ci', 'github', '.']).status, 0);
    const text = readFileSync(join(repo, WORKFLOW), 'utf8');
    const planFilter = /jq -r '([^']+)' "\$RUNNER_TEMP\/plan\.json"/.exec(text)?.[1];
    assert.ok(planFilter, 'the plan step has a jq filter');
    const jq = (filter: string, input: string) => {
      const out = spawnSync('jq', ['-r', filter], { input, encoding: 'utf8' });
      assert.equal(out.status, 0, out.stderr);
      return out.stdout.split('\n').filter(Boolean).sort();
    };
    const built = plan.images.filter((i) => i.source === 'dockerfile' || i.source === 'generated');
    const result = BuildResultSchema.parse({
      project: plan.app,
      environment: plan.environment,
      planHash: plan.hash,
      builder: 'docker',
      push: true,
      status: 'succeeded',
      images: built.map((i) => ({
        component: i.component,
        image: i.image,
        status: 'pushed',
        digest: `sha256:${'0'.repeat(64)}`,
      })),
    });
    const planned = jq(planFilter, res.stdout);
    assert.deepEqual(planned, built.map((i) => i.image).sort());
    assert.ok(planned.every((i) => /:src-[0-9a-f]{12}/.test(i)));
    assert.deepEqual(jq(PUSHED_IMAGES, JSON.stringify(result)), planned);
  });
});
