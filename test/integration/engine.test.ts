/**
 * The real Pulumi engine (CLI + kubernetes and random plugins from `npm run setup`) against a
 * temporary file:// backend, the kubernetes provider rendering YAML to a directory.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError, NotFoundError, StackLockedError } from '../../src/model/errors';
import type { OperationEvent } from '../../src/model/operations';
import type { DeploymentPlan } from '../../src/model/plan';
import { resourceName } from '../../src/program';
import { referencePlan, snapshotDir, tempEngine } from './support/engine';

const CANARY = 'sk-canary-engine-4f1d9a7c2b';

/** Plan node id for each Pulumi resource name. */
function nodesByResourceName(plan: DeploymentPlan): Map<string, string> {
  return new Map(plan.nodes.map((n) => [resourceName(n.id), n.id]));
}

describe('engine (real Pulumi engine, render to directory)', function () {
  this.timeout(300_000);

  const env = {
    STACKPILOT_SECRET_OPENAI_API_KEY: CANARY,
    STACKPILOT_SECRET_ANTHROPIC_API_KEY: CANARY,
  };
  let t: ReturnType<typeof tempEngine>;
  before(() => {
    t = tempEngine({ env });
  });
  after(() => t.cleanup());

  it('previews every planned resource as a create, in an order that respects every dependsOn', async () => {
    const { plan, env: environment } = await referencePlan('dev');
    const events: OperationEvent[] = [];
    const result = await t.engine.preview(plan, environment, {
      onEvent: (e) => events.push(e),
      missingSecrets: 'placeholder',
    });

    const byName = nodesByResourceName(plan);
    assert.deepEqual(
      result.steps.map((s) => byName.get(s.name)).sort(),
      plan.nodes.map((n) => n.id).sort(),
      'one step per plan node',
    );
    assert.deepEqual(result.changes, { create: plan.nodes.length });
    const started = events
      .filter((e) => e.kind === 'step-start')
      .map((e) => byName.get(e.name ?? ''));
    for (const node of plan.nodes) {
      for (const dep of node.dependsOn) {
        assert.ok(
          started.indexOf(dep) < started.indexOf(node.id),
          `${dep} must start before ${node.id}`,
        );
      }
    }
    assert.equal(result.planHash, plan.hash);
  });

  let firstRender: Record<string, string>;
  let renderDir: string;
  it('applies: writes one manifest per object, and a second preview shows no changes', async () => {
    const { plan, env: environment } = await referencePlan('dev');
    const up = await t.engine.up(plan, environment, { missingSecrets: 'placeholder' });
    assert.equal(up.status, 'succeeded', up.error);
    assert.equal(up.outputs.planHash, plan.hash);
    renderDir = join(t.stateDir, 'rendered', 'dev');
    firstRender = snapshotDir(renderDir);
    const manifests = Object.keys(firstRender).filter((f) => f.startsWith('1-manifest/'));
    const k8sNodes = plan.nodes.filter((n) => n.kind !== 'generated-secret');
    assert.equal(manifests.length, k8sNodes.length);

    const again = await t.engine.preview(plan, environment, { missingSecrets: 'placeholder' });
    assert.deepEqual(Object.keys(again.changes), ['same']);
  });

  it('applies a changed plan as updates of the same resources, not replacements', async () => {
    const { plan } = await referencePlan('dev');
    const changed = await referencePlan('dev', (e) => ({
      ...e,
      components: {
        ...e.components,
        web: { ...(e.components.web ?? {}), replicas: 2, env: { FEATURE_BANNER: 'on' } },
      },
    }));
    assert.notEqual(changed.plan.hash, plan.hash);
    const preview = await t.engine.preview(changed.plan, changed.env, {
      missingSecrets: 'placeholder',
    });
    assert.ok((preview.changes.update ?? 0) >= 1, JSON.stringify(preview.changes));
    assert.deepEqual(
      Object.keys(preview.changes).filter((op) => op !== 'update' && op !== 'same'),
      [],
      `only updates: ${JSON.stringify(preview.changes)}`,
    );
    const up = await t.engine.up(changed.plan, changed.env, { missingSecrets: 'placeholder' });
    assert.equal(up.status, 'succeeded', up.error);
    assert.notDeepEqual(snapshotDir(renderDir), firstRender);
  });

  it('rolls back to the first version, bringing the rendered files back byte for byte', async () => {
    const { plan, env: environment } = await referencePlan('dev');
    const result = await t.engine.rollback(plan.app, environment, {
      missingSecrets: 'placeholder',
    });
    assert.equal(result.status, 'succeeded', result.error);
    assert.equal(result.planHash, plan.hash);
    assert.deepEqual(snapshotDir(renderDir), firstRender);
    const history = await t.engine.history(plan.app, 'dev');
    assert.deepEqual(
      history.map((h) => h.action),
      ['rollback', 'up', 'up'],
    );
  });

  it('refuses to roll back to a plan the stack only previewed, and numbers history versions', async () => {
    const { plan } = await referencePlan('dev');
    const unapproved = await referencePlan('dev', (e) => ({
      ...e,
      components: { ...e.components, web: { ...(e.components.web ?? {}), replicas: 4 } },
    }));
    await t.engine.preview(unapproved.plan, unapproved.env, { missingSecrets: 'placeholder' });
    assert.ok(t.engine.archive.has(unapproved.plan.hash), 'the preview archived the plan');
    const before = snapshotDir(renderDir);
    await assert.rejects(
      t.engine.rollback(plan.app, unapproved.env, {
        to: unapproved.plan.hash,
        missingSecrets: 'placeholder',
      }),
      (err: unknown) => err instanceof ConflictError && err.code === 'rollback_not_deployed',
    );
    assert.deepEqual(snapshotDir(renderDir), before, 'nothing was deployed');
    const history = await t.engine.history(plan.app, 'dev');
    assert.deepEqual(
      history.map((h) => h.version),
      history.map((_, i) => history.length - i),
    );
  });

  it('keeps secret canaries out of the state file, history and outputs', async () => {
    const { plan } = await referencePlan('dev');
    const stateFiles = findFiles(join(t.stateDir, 'backend'), (f) => f.endsWith('.json'));
    assert.ok(stateFiles.length > 0);
    for (const f of stateFiles)
      assert.ok(!readFileSync(f, 'utf8').includes(CANARY), `canary in ${f}`);
    assert.ok(!JSON.stringify(await t.engine.history(plan.app, 'dev')).includes(CANARY));
    assert.ok(!JSON.stringify(await t.engine.outputs(plan.app, 'dev')).includes(CANARY));
  });

  it('refuses a second operation on a busy stack in the same process with a typed outcome', async () => {
    const { plan, env: environment } = await referencePlan('dev');
    const first = t.engine.up(plan, environment, { missingSecrets: 'placeholder' });
    await assert.rejects(
      t.engine.up(plan, environment, { missingSecrets: 'placeholder' }),
      (err: unknown) => err instanceof ConflictError && err.code === 'stack_busy',
    );
    assert.equal((await first).status, 'succeeded');
  });

  it('reports a lock held by another host as a typed locked outcome, and keeps it unless forced', async () => {
    const { plan, env: environment } = await referencePlan('dev');
    const lockDir = join(
      t.stateDir,
      'backend',
      '.pulumi',
      'locks',
      'organization',
      plan.app,
      'dev',
    );
    mkdirSync(lockDir, { recursive: true });
    const holder = {
      pid: 4242,
      username: 'ci',
      hostname: 'build-agent-7',
      timestamp: '2026-11-25T10:00:00Z',
    };
    writeFileSync(join(lockDir, 'other-process.json'), JSON.stringify(holder));

    await assert.rejects(
      t.engine.up(plan, environment, { missingSecrets: 'placeholder' }),
      (err: unknown) => {
        assert.ok(err instanceof StackLockedError, String(err));
        assert.deepEqual(err.holders, [
          { pid: 4242, user: 'ci', host: 'build-agent-7', since: '2026-11-25T10:00:00Z' },
        ]);
        assert.match(err.message, /ci@build-agent-7 \(pid 4242/);
        return true;
      },
    );
    const kept = await t.engine.recover(plan.app, 'dev');
    assert.equal(kept.clearedLocks, 0);
    assert.equal(kept.keptLocks.length, 1);
    const forced = await t.engine.recover(plan.app, 'dev', { force: true });
    assert.equal(forced.clearedLocks, 1);
    assert.equal(
      (await t.engine.up(plan, environment, { missingSecrets: 'placeholder' })).status,
      'succeeded',
    );
  });

  it('holds an up to the update plan of its preview, and refuses a plan that changed since', async () => {
    const { plan, env: environment } = await referencePlan('dev', (e) => ({
      ...e,
      components: { ...e.components, web: { ...(e.components.web ?? {}), replicas: 3 } },
    }));
    const preview = await t.engine.preview(plan, environment, {
      missingSecrets: 'placeholder',
      saveUpdatePlan: true,
    });
    assert.ok(preview.updatePlan && existsSync(preview.updatePlan));
    const bound = await t.engine.up(plan, environment, {
      missingSecrets: 'placeholder',
      updatePlan: preview.updatePlan,
    });
    assert.equal(bound.status, 'succeeded', bound.error);

    const approved = await t.engine.preview(plan, environment, {
      missingSecrets: 'placeholder',
      saveUpdatePlan: true,
    });
    const drifted = await referencePlan('dev', (e) => ({
      ...e,
      components: { ...e.components, web: { ...(e.components.web ?? {}), replicas: 4 } },
    }));
    await assert.rejects(
      t.engine.up(drifted.plan, drifted.env, {
        missingSecrets: 'placeholder',
        updatePlan: approved.updatePlan,
      }),
      (err: unknown) => err instanceof ConflictError && err.code === 'plan_mismatch',
    );
  });

  it('names a missing stack as not found', async () => {
    await assert.rejects(t.engine.history('no-such-app', 'dev'), NotFoundError);
  });
});

function findFiles(dir: string, keep: (f: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter(keep);
}

describe('engine approval binding on a new stack (real Pulumi engine)', function () {
  this.timeout(300_000);

  it('applies the first release held to its preview, generated passwords and all', async () => {
    const t = tempEngine();
    try {
      const { plan, env } = await referencePlan('dev');
      const preview = await t.engine.preview(plan, env, {
        missingSecrets: 'placeholder',
        saveUpdatePlan: true,
      });
      const up = await t.engine.up(plan, env, {
        missingSecrets: 'placeholder',
        updatePlan: preview.updatePlan,
      });
      assert.equal(up.status, 'succeeded', up.error);
    } finally {
      t.cleanup();
    }
  });
});

describe('engine, several stacks of one project at once (real Pulumi engine)', function () {
  this.timeout(300_000);

  it('runs operations on different stacks in parallel without disturbing each other', async () => {
    const t = tempEngine();
    try {
      const envs = await Promise.all(['dev', 'staging', 'prod'].map((name) => referencePlan(name)));
      const results = await Promise.all(
        envs.flatMap(({ plan, env }) => [
          t.engine.preview(plan, env, { missingSecrets: 'placeholder' }),
          t.engine.inspect(plan.app, env.name).then(() => undefined),
        ]),
      );
      const previews = results.filter((r) => r !== undefined);
      assert.deepEqual(
        previews.map((p) => [p.environment, p.changes.create]),
        envs.map(({ plan }) => [plan.environment, plan.nodes.length]),
      );
    } finally {
      t.cleanup();
    }
  });
});

describe('engine refresh and destroy (real Pulumi engine)', function () {
  this.timeout(300_000);

  it('refuses to refresh a render target (no live cluster), and destroy removes every rendered object', async () => {
    const t = tempEngine();
    try {
      const { plan, env } = await referencePlan('dev');
      assert.equal(
        (await t.engine.up(plan, env, { missingSecrets: 'placeholder' })).status,
        'succeeded',
      );
      const manifests = join(t.stateDir, 'rendered', 'dev', '1-manifest');
      assert.ok(readdirSync(manifests).length > 0);

      await assert.rejects(t.engine.refresh(plan.app, env), /no live cluster to refresh from/);
      const destroyed = await t.engine.destroy(plan.app, env);
      assert.equal(destroyed.changes.delete, plan.nodes.length);
      assert.deepEqual(existsSync(manifests) ? readdirSync(manifests) : [], []);
      assert.deepEqual(await t.engine.outputs(plan.app, 'dev'), {});
    } finally {
      t.cleanup();
    }
  });
});
