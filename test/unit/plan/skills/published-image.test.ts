import { strict as assert } from 'node:assert';
import { analyzeRepository } from '../../../../src/analyze';
import type { AppModel, PublishedImage } from '../../../../src/model/app';
import { canonicalJson } from '../../../../src/model/canonical';
import type { DeploymentPlan } from '../../../../src/model/plan';
import { renderReport } from '../../../../src/plan';
import { imageTag } from '../../../../src/plan/skills/containerize';
import { fixtureCanaries } from '../support/golden';
import { checkInvariants } from '../support/invariants';
import { node, planFor } from '../support/plan';
import { referenceApp } from '../support/reference-app';
import { fixture } from '../../analyze/support';

const PUBLISHED = { images: { source: 'published' as const } };

function withPublished(name: string, p: Omit<PublishedImage, 'evidence'>, line = 4): AppModel {
  const app = referenceApp();
  const c = app.components.find((x) => x.name === name)!;
  c.publishedImage = {
    ...p,
    evidence: {
      field: 'publishedImage',
      file: p.from === 'skaffold' ? 'skaffold.yaml' : 'compose.yaml',
      line,
    },
  };
  return app;
}

function tagOf(app: AppModel, name: string): string {
  return imageTag(
    app.components.find((c) => c.name === name)!,
    {},
  );
}

function decisionsOf(plan: DeploymentPlan, subject: string, topic: string) {
  return plan.decisions
    .filter((d) => d.skill === 'containerize' && d.subject === subject && d.topic === topic)
    .map(({ choice, alternatives, reason }) => ({ choice, alternatives, reason }));
}

const API = { image: 'ghcr.io/acme/api:1.4.2', from: 'compose' as const };

describe('skill containerize: published images', () => {
  it('builds by default, naming the published image as the alternative and how to switch', async () => {
    const app = withPublished('api', API);
    const plan = await planFor('dev', {}, app);
    const image = plan.images.find((i) => i.component === 'api')!;
    assert.equal(image.source, 'generated');
    assert.equal(image.image, `localhost:5000/acme-chat-api:${tagOf(app, 'api')}`);
    assert.deepEqual(decisionsOf(plan, 'api', 'image source'), [
      {
        choice: `build from source (${tagOf(app, 'api')})`,
        alternatives: ['published image ghcr.io/acme/api:1.4.2'],
        reason:
          'the repository also publishes ghcr.io/acme/api:1.4.2 (compose.yaml:4, compose image: beside build:); dev builds from source (stackpilot:images.source: build, the default), so the deployed image is exactly this source; set stackpilot:images.source: published to deploy the published image instead',
      },
    ]);
    assert.equal(
      plan.warnings.some((w) => w.includes('published')),
      false,
    );
  });

  it('deploys a pinned published image with source published, saying where it was found', async () => {
    const app = withPublished('api', API);
    const plan = await planFor('dev', PUBLISHED, app);
    assert.deepEqual(
      plan.images.find((i) => i.component === 'api'),
      { component: 'api', image: 'ghcr.io/acme/api:1.4.2', source: 'published' },
    );
    assert.equal(
      node(plan, 'workload/api', 'workload').spec.template.containers[0]!.image,
      'ghcr.io/acme/api:1.4.2',
    );
    assert.deepEqual(decisionsOf(plan, 'api', 'image'), [
      {
        choice: 'ghcr.io/acme/api:1.4.2',
        alternatives: [`build from source (${tagOf(app, 'api')})`],
        reason:
          'the repository publishes this image (compose.yaml:4, compose image: beside build:) and dev sets stackpilot:images.source: published; it is deployed as published, nothing is built',
      },
    ]);
    assert.deepEqual(decisionsOf(plan, 'api', 'build'), [], 'nothing is built');
    assert.deepEqual(decisionsOf(plan, 'api', 'image source'), []);
    // The others are built as before.
    assert.equal(plan.images.find((i) => i.component === 'chatbot')!.source, 'generated');
  });

  it('runs a published worker with its own command, not the image default', async () => {
    const app = withPublished('worker', { image: 'ghcr.io/acme/worker:2.1.0', from: 'helm' });
    const plan = await planFor('dev', PUBLISHED, app);
    const container = node(plan, 'workload/worker', 'workload').spec.template.containers[0]!;
    assert.equal(container.image, 'ghcr.io/acme/worker:2.1.0');
    assert.deepEqual(container.command, [
      'celery',
      '-A',
      'app.worker',
      'worker',
      '--loglevel=INFO',
    ]);
    assert.match(
      decisionsOf(plan, 'worker', 'command')[0]!.reason,
      /^a worker run from the published image ghcr\.io\/acme\/worker:2\.1\.0 runs its own command/,
    );
  });

  it('builds an unpinned published image (latest, no tag) instead, with a warning to pin a tag', async () => {
    for (const [image, why] of [
      ['ghcr.io/acme/api:latest', 'is tagged latest'],
      ['ghcr.io/acme/api', 'has no tag'],
    ] as const) {
      const app = withPublished('api', { image, from: 'manifest' }, 21);
      app.components.find((c) => c.name === 'api')!.publishedImage!.evidence.file =
        'k8s/deployment.yaml';
      const plan = await planFor('dev', PUBLISHED, app);
      assert.equal(plan.images.find((i) => i.component === 'api')!.source, 'generated');
      assert.deepEqual(decisionsOf(plan, 'api', 'image source'), [
        {
          choice: `build from source (${tagOf(app, 'api')})`,
          alternatives: [`published image ${image}`],
          reason: `stackpilot:images.source is published, but the image the repository publishes (k8s/deployment.yaml:21, the repository's Kubernetes manifest) cannot be deployed here: ${image} ${why}, so a deploy of it would not be reproducible; the component is built from source`,
        },
      ]);
      assert.ok(
        plan.warnings.includes(
          `api: k8s/deployment.yaml:21 publishes ${image} without a pinned tag, so it is built from source although stackpilot:images.source is published; pin a version tag or digest in k8s/deployment.yaml:21 to deploy it`,
        ),
        plan.warnings.join('\n'),
      );
    }
  });

  it('builds a skaffold name, which has no tag, and says where a pinned tag can go', async () => {
    const app = withPublished('api', { image: 'ghcr.io/acme/api', from: 'skaffold' }, 5);
    const plan = await planFor('dev', PUBLISHED, app);
    assert.equal(plan.images.find((i) => i.component === 'api')!.source, 'generated');
    assert.match(
      decisionsOf(plan, 'api', 'image source')[0]!.reason,
      /\(skaffold\.yaml:5, a skaffold artifact\) cannot be deployed here: ghcr\.io\/acme\/api is a skaffold image name, which carries no tag/,
    );
    assert.ok(
      plan.warnings.some((w) =>
        w.endsWith(
          'skaffold names images without tags: name a pinned tag in compose, the manifests or the Helm values, or set stackpilot:components.api.image',
        ),
      ),
    );
  });

  it('builds a component whose build args differ per environment, whatever it publishes', async () => {
    const app = withPublished('web', { image: 'ghcr.io/acme/web:3.0.0', from: 'compose' });
    const plan = await planFor('dev', PUBLISHED, app);
    assert.equal(plan.images.find((i) => i.component === 'web')!.source, 'generated');
    assert.match(
      decisionsOf(plan, 'web', 'image source')[0]!.reason,
      /cannot be deployed here: NEXT_PUBLIC_API_URL, NEXT_PUBLIC_CHAT_URL are inlined into the image at build time/,
    );
    assert.ok(plan.warnings.some((w) => w.startsWith('web: built from source although')));
  });

  it('lets a stackpilot:components.<name>.image override win over both', async () => {
    const app = withPublished('api', API);
    for (const source of ['build', 'published'] as const) {
      const plan = await planFor(
        'dev',
        { images: { source }, components: { api: { image: 'ghcr.io/acme/api:9.9.9' } } },
        app,
      );
      assert.deepEqual(
        plan.images.find((i) => i.component === 'api'),
        {
          component: 'api',
          image: 'ghcr.io/acme/api:9.9.9',
          source: 'prebuilt',
        },
      );
      assert.deepEqual(decisionsOf(plan, 'api', 'image source'), []);
      assert.equal(decisionsOf(plan, 'api', 'image')[0]!.choice, 'ghcr.io/acme/api:9.9.9');
    }
  });

  it('plans the published-images fixture the same way twice, each component by its own source', async () => {
    const model = await analyzeRepository(fixture('published-images'));
    const a = await planFor('prod', PUBLISHED, model);
    const b = await planFor('prod', PUBLISHED, structuredClone(model));
    assert.equal(canonicalJson(a), canonicalJson(b));
    assert.equal(a.hash, b.hash);
    assert.deepEqual(
      a.images.map((i) => [i.component, i.source, i.source === 'published' ? i.image : '']),
      [
        ['admin', 'dockerfile', ''],
        ['api', 'published', 'ghcr.io/acme/pubshop-api:1.4.2'],
        ['redis', 'prebuilt', ''],
        ['web', 'published', 'ghcr.io/acme/pubshop-web:2.0.1'],
        ['worker', 'published', 'ghcr.io/acme/pubshop-worker:1.10'],
      ],
    );
    checkInvariants(model, a, renderReport(a), fixtureCanaries('published-images'));
    assert.match(
      renderReport(a),
      /\| api +\| `ghcr\.io\/acme\/pubshop-api:1\.4\.2` +\| published +\|/,
    );
    const built = await planFor('prod', {}, model);
    assert.notEqual(built.hash, a.hash, 'the setting changes the plan');
  });
});
