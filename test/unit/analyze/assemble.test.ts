import { strict as assert } from 'node:assert';
import { assembleFiles, component, edgeRows, ev } from './support';

describe('analyze/assemble', () => {
  it('names components after directories, disambiguating clashes by path', () => {
    const express =
      '{ "scripts": { "start": "node i.js" }, "dependencies": { "express": "^5.1.0" } }';
    const model = assembleFiles({
      'apps/api/package.json': express,
      'services/api/package.json': express,
      'services/My_Worker!/package.json': '{ "dependencies": { "bullmq": "^5" } }',
      'services/My_Worker!/w.js': "new Worker('q', async () => {});\n",
      'packages/ui/package.json': '{ "name": "@acme/ui", "dependencies": { "react": "19.0.0" } }',
    });
    assert.deepEqual(
      model.components.map((c) => [c.name, c.path, c.kind]),
      [
        ['api', 'apps/api', 'backend'],
        ['my-worker', 'services/My_Worker!', 'worker'],
        ['redis', '.', 'cache'],
        ['services-api', 'services/api', 'backend'],
      ],
    );
    assert.deepEqual(
      model.warnings.map((w) => [w.code, w.message]),
      [['name-collision', 'component name api is taken; services/api is named services-api']],
    );
  });

  it('names a service whose Dockerfile sits in a layout folder (src/cartservice/src) after the service', () => {
    const dockerfile = (port: number) =>
      `FROM alpine:3.20\nEXPOSE ${port}\nUSER 10001\nCMD ["/app/server"]\n`;
    const model = assembleFiles({
      'src/cartservice/src/Dockerfile': dockerfile(7070),
      'src/frontend/Dockerfile': dockerfile(8080),
      'services/emails/docker/Dockerfile': dockerfile(8081),
    });
    assert.deepEqual(
      model.components.map((c) => [c.name, c.path, c.port]),
      [
        ['cartservice', 'src/cartservice/src', 7070],
        ['emails', 'services/emails/docker', 8081],
        ['frontend', 'src/frontend', 8080],
      ],
    );
    assert.deepEqual(
      model.warnings.filter((w) => w.code === 'name-collision'),
      [],
    );
  });

  it('lets compose service names win, maps services onto units and makes awaited one-shot services jobs', () => {
    const model = assembleFiles({
      'compose.yaml':
        'services:\n  backend:\n    build: ./api\n    depends_on:\n      migrate: { condition: service_completed_successfully }\n  migrate:\n    build: ./api\n    command: alembic upgrade head\n  worker:\n    build: ./api\n    command: celery -A app.tasks worker\n',
      'api/requirements.txt': 'fastapi==0.115.6\ncelery==5.4.0\nalembic==1.14\n',
      'api/app/main.py':
        'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/healthz")\ndef h():\n    return {}\n',
      'api/.env.example': 'REDIS_URL=redis://localhost:6379\n',
    });
    assert.deepEqual(
      model.components.map((c) => [
        c.name,
        c.kind,
        c.path,
        c.port ?? null,
        c.healthPath ?? null,
        c.framework?.name,
      ]),
      [
        ['backend', 'backend', 'api', 8000, '/healthz', 'fastapi'],
        ['migrate', 'job', 'api', null, null, 'fastapi'],
        ['redis', 'cache', '.', 6379, null, 'redis'],
        ['worker', 'worker', 'api', null, null, 'celery'],
      ],
    );
    assert.deepEqual(component(model, 'migrate').features, {});
    assert.deepEqual(component(model, 'migrate').env, []);
    assert.deepEqual(component(model, 'backend').features.migrations, {
      tool: 'alembic',
      command: 'alembic upgrade head',
    });
    assert.deepEqual(
      component(model, 'migrate').evidence.filter((e) => e.field === 'kind'),
      ev(
        ['kind', 'compose.yaml', 5, 'backend waits for it to complete'],
        ['kind', 'compose.yaml', 8, 'alembic migration command'],
      ).slice(0, 1),
    );
    assert.deepEqual(
      edgeRows(model).map((r) => r.slice(0, 6)),
      [
        ['backend', 'migrate', 'component', 'compose', null, 'completed'],
        ['backend', 'redis', 'component', 'env', 'REDIS_URL', null],
        ['worker', 'redis', 'component', 'env', 'REDIS_URL', null],
      ],
    );
  });

  it('splits Procfile processes into components of their own', () => {
    const model = assembleFiles({
      'requirements.txt': 'flask==3.0.3\nrq==2.0\n',
      'app.py': 'from flask import Flask\n\napp = Flask(__name__)\n',
      Procfile: 'web: gunicorn app:app\nworker: rq worker\n',
    });
    assert.deepEqual(
      model.components.map((c) => [c.name, c.kind, c.startCommand, c.public, c.features]),
      [
        ['redis', 'cache', undefined, false, {}],
        ['repo', 'backend', 'gunicorn app:app', true, { appObject: 'app:app' }],
        ['repo-worker', 'worker', 'rq worker', false, { queueFramework: 'rq' }],
      ],
    );
    assert.deepEqual(
      edgeRows(model).map((r) => r.slice(0, 4)),
      [
        ['repo', 'redis', 'component', 'code'],
        ['repo-worker', 'redis', 'component', 'code'],
      ],
    );
  });

  it('turns a Next.js app with API routes that call an LLM into a chatbot', () => {
    const model = assembleFiles({
      'package.json': '{ "dependencies": { "next": "15.1.6", "@anthropic-ai/sdk": "^0.36.0" } }',
      'app/api/chat/route.ts': 'export async function POST() {\n  return new Response("x");\n}\n',
    });
    assert.equal(component(model, 'repo').kind, 'chatbot');
    assert.deepEqual(
      component(model, 'repo').evidence.filter((e) => e.field === 'kind'),
      ev(['kind', 'package.json', 1, 'API routes that call anthropic']),
    );
    const noRoutes = assembleFiles({
      'package.json': '{ "dependencies": { "next": "15.1.6", "openai": "^4" } }',
    });
    assert.equal(component(noRoutes, 'repo').kind, 'frontend');
  });

  it('drops a library that nothing recognises as deployable', () => {
    const model = assembleFiles({
      'package.json': '{ "name": "lib", "dependencies": { "lodash": "^4" } }',
      'index.js': 'module.exports = 1;\n',
    });
    assert.deepEqual(model.components, []);
    assert.equal(model.name, 'lib');
  });

  it('keeps commands but not the secrets inlined in them', () => {
    const model = assembleFiles({
      'package.json':
        '{ "scripts": { "start": "API_TOKEN=sk-canary-inline node s.js", "db:migrate": "DATABASE_URL=postgres://u:canary-pw@db/x drizzle-kit migrate" }, "dependencies": { "express": "^5.1.0" } }',
      Dockerfile:
        'FROM node:22\nHEALTHCHECK CMD curl -f -u admin:canary-hc http://localhost:3000/health\n',
      'compose.yaml':
        'services:\n  cache:\n    image: redis:7\n    command: redis-server --requirepass canary-redis\n',
    });
    const json = JSON.stringify(model);
    assert.doesNotMatch(json, /canary/);
    assert.equal(component(model, 'repo').startCommand, 'API_TOKEN=<redacted> node s.js');
    assert.equal(component(model, 'cache').startCommand, 'redis-server --requirepass <redacted>');
    assert.equal(
      component(model, 'repo').features.dockerHealthcheck,
      'curl -f -u admin:<redacted> http://localhost:3000/health',
    );
    assert.deepEqual(component(model, 'repo').features.migrations, {
      tool: 'drizzle',
      command: 'npm run db:migrate',
    });
  });
});
