/**
 * End to end on test/fixtures/published-images: a repository that names the images of what it
 * builds in compose (`image:` beside `build:`), in its own Kubernetes manifests, in its Helm
 * chart's values and in skaffold.yaml, sometimes in several of them at once.
 */
import { strict as assert } from 'node:assert';
import { analyzeRepository, summarizeAppModel } from '../../../src/analyze';
import { AppModelSchema, type AppModel } from '../../../src/model/app';
import { fixture, tempCopy } from './support';

describe('analyze: published-images fixture', () => {
  let model: AppModel;
  before(async () => {
    model = await analyzeRepository(fixture('published-images'));
  });

  it('finds one published image per built component, by precedence, with file and line', () => {
    assert.doesNotThrow(() => AppModelSchema.parse(model));
    assert.deepEqual(
      Object.fromEntries(model.components.map((c) => [c.name, c.publishedImage ?? null])),
      {
        admin: {
          image: 'ghcr.io/acme/pubshop-admin',
          from: 'skaffold',
          evidence: {
            field: 'publishedImage',
            file: 'skaffold.yaml',
            line: 5,
            note: 'skaffold artifact built from services/admin',
          },
        },
        // compose (1.4.2) wins over the manifest (1.4.0) and skaffold.
        api: {
          image: 'ghcr.io/acme/pubshop-api:1.4.2',
          from: 'compose',
          evidence: {
            field: 'publishedImage',
            file: 'compose.yaml',
            line: 4,
            note: 'compose service api builds services/api and names it ghcr.io/acme/pubshop-api:1.4.2',
          },
        },
        redis: null,
        web: {
          image: 'ghcr.io/acme/pubshop-web:2.0.1',
          from: 'manifest',
          evidence: {
            field: 'publishedImage',
            file: 'k8s/deployment.yaml',
            line: 33,
            note: 'container server of Deployment published-images-web',
          },
        },
        worker: {
          image: 'ghcr.io/acme/pubshop-worker:1.10',
          from: 'helm',
          evidence: {
            field: 'publishedImage',
            file: 'chart/values.yaml',
            line: 4,
            note: 'chart published-images values worker.image',
          },
        },
      },
    );
    assert.deepEqual(model.warnings, [], 'chart templates are not read as manifests');
  });

  it('still builds every component from source in the model', () => {
    assert.deepEqual(
      model.components.map((c) => [c.name, c.build.strategy]),
      [
        ['admin', 'dockerfile'],
        ['api', 'dockerfile'],
        ['redis', 'image'],
        ['web', 'dockerfile'],
        ['worker', 'dockerfile'],
      ],
    );
  });

  it('shows the published image in the summary', () => {
    assert.match(
      summarizeAppModel(model),
      /^ {2}api .*publishes ghcr\.io\/acme\/pubshop-api:1\.4\.2$/m,
    );
  });

  it('gives byte-identical JSON from two runs and from a copy elsewhere, without the secret', async () => {
    const a = JSON.stringify(model);
    assert.equal(JSON.stringify(await analyzeRepository(fixture('published-images'))), a);
    const { dir, cleanup } = tempCopy('published-images');
    try {
      assert.equal(JSON.stringify(await analyzeRepository(dir)), a);
    } finally {
      cleanup();
    }
    assert.doesNotMatch(`${a}\n${summarizeAppModel(model)}`, /canary/);
  });
});
