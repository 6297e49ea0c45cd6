/**
 * `POST /v1/plans/:id/builds` on real parts: the server analyzes and plans a copy of the
 * `scratch-image` fixture, builds it with buildah and pushes it to a real registry, as an
 * operation with per-image progress events; a repository changed since its analysis is refused.
 */
import { strict as assert } from 'node:assert';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuildResultSchema } from '../../../src/model/images';
import { crane, startRegistry, type TestRegistry } from '../../support/registry';
import { REPO_ROOT } from '../support/engine';
import {
  engineEnv,
  makeStacks,
  startHarness,
  writeStack,
  type Harness,
} from '../server/support/harness';

describe('HTTP: image builds of a stored plan (real server, buildah, real registry)', function () {
  this.timeout(120_000);
  let registry: TestRegistry;
  let h: Harness;
  let work: string;
  let repo: string;

  before(async () => {
    registry = await startRegistry();
    work = mkdtempSync(join(tmpdir(), 'stackpilot-http-build-'));
    repo = join(work, 'scratch-image');
    cpSync(join(REPO_ROOT, 'test', 'fixtures', 'scratch-image'), repo, { recursive: true });
    writeFileSync(
      join(work, 'storage.conf'),
      `[storage]\ndriver = "vfs"\ngraphroot = "${join(work, 'graph')}"\nrunroot = "${join(work, 'run')}"\n`,
    );
    const stacksDir = makeStacks();
    writeStack(stacksDir, 'dev', { registry: registry.host });
    h = await startHarness({
      stacksDir,
      allowedRoots: [work],
      env: {
        ...engineEnv(),
        STACKPILOT_BUILDER: 'buildah',
        CONTAINERS_STORAGE_CONF: join(work, 'storage.conf'),
      },
    });
  });
  after(async () => {
    await h?.cleanup();
    await registry?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  async function planOf(): Promise<{ id: string; hash: string }> {
    const deployer = h.as('deployer');
    const analysis = await deployer.expect(201, 'POST', '/v1/analyses', { path: repo });
    const plan = await deployer.expect(201, 'POST', '/v1/plans', {
      analysisId: analysis.id,
      environment: 'dev',
    });
    return { id: String(plan.id), hash: String(plan.hash) };
  }

  it('builds and pushes as an operation, with progress per image and the pushed digest', async () => {
    const plan = await planOf();
    await h.as('viewer').expect(403, 'POST', `/v1/plans/${plan.id}/builds`, { push: true });
    const op = await h.as('deployer').run(`/v1/plans/${plan.id}/builds`, { push: true });
    assert.equal(op.kind, 'build');
    const result = BuildResultSchema.parse(op.result);
    assert.equal(result.planHash, plan.hash);
    assert.equal(result.images.length, 1);
    const [image] = result.images;
    assert.equal(image!.status, 'pushed');
    assert.equal(image!.digest, (await crane(registry, ['digest', image!.image])).trim());

    const events = await h
      .as('viewer')
      .expect(200, 'GET', `/v1/operations/${String(op.id)}/events`);
    const messages = (events.events as { event: { name?: string; message?: string } }[])
      .filter((e) => e.event.name === `api ${image!.image}`)
      .map((e) => e.event.message);
    for (const phase of ['build start', 'build done', 'push start', 'push done', 'verify start'])
      assert.ok(messages.includes(phase), `${phase} in ${messages.join(' | ')}`);
  });

  it('refuses with 409 when the repository changed since its analysis', async () => {
    const plan = await planOf();
    writeFileSync(join(repo, 'api', 'index.html'), '<h1>changed</h1>\n');
    const res = await h.as('deployer').post(`/v1/plans/${plan.id}/builds`, {});
    assert.equal(res.status, 409, res.text);
    assert.equal(res.body.code, 'repository_changed');
    assert.match(String(res.body.detail), /changed since analysis .*analyze and plan it again/);
  });

  it('rejects a body with unknown fields, naming the field', async () => {
    const plan = await planOf();
    const res = await h.as('deployer').post(`/v1/plans/${plan.id}/builds`, { pushh: true });
    assert.equal(res.status, 400, res.text);
    assert.match(res.text, /pushh/);
  });
});
