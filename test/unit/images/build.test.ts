import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyzeRepository } from '../../../src/analyze';
import { buildImages } from '../../../src/images/build';
import { InputError } from '../../../src/model/errors';
import { loadEnvironment, planDeployment } from '../../../src/plan';

const ROOT = join(__dirname, '..', '..', '..');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'scratch-image');

describe('image builds: what is refused before anything runs', () => {
  const plan = async () =>
    planDeployment(
      await analyzeRepository(FIXTURE),
      await loadEnvironment(join(ROOT, 'stacks'), 'dev'),
    );

  it('says which builders it looked for when the machine has none and the target renders', async () => {
    await assert.rejects(
      buildImages(await plan(), FIXTURE, { buildDir: '/nonexistent', env: { PATH: '' } }),
      (err: unknown) =>
        err instanceof InputError &&
        /no image builder found: .*docker buildx.*podman.*buildah.*cluster target/.test(
          err.message,
        ),
    );
  });

  it('refuses STACKPILOT_BUILDER=cluster without a cluster target, and an unknown builder', async () => {
    await assert.rejects(
      buildImages(await plan(), FIXTURE, {
        buildDir: '/nonexistent',
        env: { STACKPILOT_BUILDER: 'cluster' },
      }),
      /STACKPILOT_BUILDER=cluster builds in the target cluster, but this environment renders/,
    );
    await assert.rejects(
      buildImages(await plan(), FIXTURE, {
        buildDir: '/nonexistent',
        env: { STACKPILOT_BUILDER: 'kaniko' },
      }),
      /STACKPILOT_BUILDER=kaniko is not a builder stackpilot knows/,
    );
  });

  it('names a component whose Dockerfile is missing', async () => {
    const p = await plan();
    const broken = {
      ...p,
      images: p.images.map((i) => ({ ...i, dockerfile: 'api/Nope.Dockerfile' })),
    };
    await assert.rejects(
      buildImages(broken, FIXTURE, { buildDir: '/nonexistent' }),
      /component api: Dockerfile api\/Nope\.Dockerfile does not exist/,
    );
  });
});
