import { strict as assert } from 'node:assert';
import { SkillError } from '../../../../src/model/errors';
import { choices, node, planFor } from '../support/plan';
import { referenceApp } from '../support/reference-app';

describe('skill containerize', () => {
  it('generates a multi-stage Next.js standalone Dockerfile on a pinned base, running as uid 10001', async () => {
    const plan = await planFor('dev');
    const web = plan.images.find((i) => i.component === 'web')!;
    assert.equal(web.source, 'generated');
    const text = web.generatedDockerfile!;
    assert.equal(text.match(/^FROM /gm)?.length, 3);
    assert.match(text, /^FROM node:22\.12-alpine3\.20 AS runtime$/m);
    assert.match(text, /COPY --from=build --chown=10001:10001 \/app\/\.next\/standalone \.\//);
    assert.match(text, /^USER 10001:10001$/m);
    assert.match(text, /^CMD \["node", "server\.js"\]$/m);
    assert.doesNotMatch(text, /:latest/);
  });

  it('runs FastAPI with gunicorn and uvicorn workers, and gives chatbots long worker timeouts', async () => {
    const plan = await planFor('dev');
    const api = plan.images.find((i) => i.component === 'api')!.generatedDockerfile!;
    const chat = plan.images.find((i) => i.component === 'chatbot')!.generatedDockerfile!;
    assert.match(api, /^FROM python:3\.12\.8-slim-bookworm AS runtime$/m);
    assert.match(
      api,
      /CMD \["gunicorn", "app\.main:app", "--worker-class", "uvicorn\.workers\.UvicornWorker", "--bind", "0\.0\.0\.0:8000"/,
    );
    assert.match(api, /"--timeout", "60"/);
    assert.match(chat, /"--timeout", "300"/);
    assert.match(api, /COPY requirements\.txt \.\/\nRUN pip install -r requirements\.txt/);
  });

  it('tags images with the source digest, never latest, and inlines public build args with a tag suffix', async () => {
    const plan = await planFor('staging', { registry: 'ghcr.io/acme' });
    const api = plan.images.find((i) => i.component === 'api')!;
    const app = referenceApp();
    const hex = app.components.find((c) => c.name === 'api')!.sourceDigest.slice(7, 19);
    assert.equal(api.image, `ghcr.io/acme/acme-chat-api:src-${hex}`);
    const web = plan.images.find((i) => i.component === 'web')!;
    assert.deepEqual(web.buildArgs, {
      NEXT_PUBLIC_API_URL: 'https://staging.example.com/api',
      NEXT_PUBLIC_CHAT_URL: 'https://staging.example.com/chat',
    });
    assert.match(web.image, /:src-[0-9a-f]{12}-b[0-9a-f]{8}$/);
    assert.match(web.generatedDockerfile!, /^ARG NEXT_PUBLIC_API_URL$/m);
    const dev = await planFor('dev');
    assert.notEqual(
      dev.images.find((i) => i.component === 'web')!.image.split(':')[1],
      web.image.split(':')[1],
    );
    assert.equal(choices(plan, 'containerize', 'api')['containers per pod'], '1');
  });

  it('uses an existing Dockerfile as it is', async () => {
    const app = referenceApp();
    const api = app.components.find((c) => c.name === 'api')!;
    api.build = { strategy: 'dockerfile', dockerfile: 'api/Dockerfile', context: 'api' };
    api.features.dockerUser = 'app';
    const plan = await planFor('dev', {}, app);
    const image = plan.images.find((i) => i.component === 'api')!;
    assert.deepEqual(
      [image.source, image.dockerfile, image.generatedDockerfile],
      ['dockerfile', 'api/Dockerfile', undefined],
    );
    assert.equal(choices(plan, 'containerize', 'api').build, 'existing api/Dockerfile');
  });

  it('refuses an unpinned image override, naming the setting', async () => {
    await assert.rejects(
      planFor('dev', { components: { api: { image: 'ghcr.io/acme/api:latest' } } }),
      (err: unknown) =>
        err instanceof SkillError &&
        err.skill === 'containerize' &&
        /stackpilot:components\.api\.image/.test(err.message),
    );
    const pinned = await planFor('dev', {
      components: { api: { image: 'ghcr.io/acme/api:1.4.2' } },
    });
    assert.equal(
      node(pinned, 'workload/api', 'workload').spec.template.containers[0]!.image,
      'ghcr.io/acme/api:1.4.2',
    );
  });
});
