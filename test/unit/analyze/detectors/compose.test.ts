import { strict as assert } from 'node:assert';
import { composeFiles, interpolate, parseCompose } from '../../../../src/analyze/detectors/compose';
import { WarningSink } from '../../../../src/analyze/warnings';
import { repoOf } from '../support';

describe('analyze/detectors: compose', () => {
  it('reads every supported field with its line', () => {
    const repo = repoOf({
      'deploy/compose.yaml': [
        'services:',
        '  api:',
        '    build:',
        '      context: ../apps/api',
        '      dockerfile: docker/Dockerfile',
        '    command: uvicorn app:app --port 9000',
        '    ports: ["127.0.0.1:9000:9000/tcp", { target: 9001, published: 19001 }]',
        '    environment:',
        '      - TOKEN=${TOKEN}',
        '      - MODE=${MODE:-prod}',
        '      - BARE',
        '    env_file: [api.env, { path: missing.env, required: false }]',
        '    depends_on:',
        '      db: { condition: service_healthy }',
        '    links: ["db:database"]',
        '    healthcheck: { test: ["CMD-SHELL", "curl -f http://localhost:9000/ready"] }',
        '    profiles: [web, all]',
        '    volumes: ["cache:/cache", "./src:/src", { type: volume, source: logs, target: /logs }]',
        '  db:',
        '    image: postgres:${PG:-16}',
        '',
      ].join('\n'),
      'deploy/api.env': 'LEVEL=debug\n',
    });
    const warnings = new WarningSink();
    const [api, db] = parseCompose(repo, warnings);
    assert.deepEqual(warnings.list(), []);
    assert.deepEqual(api, {
      name: 'api',
      loc: { file: 'deploy/compose.yaml', line: 2 },
      build: {
        context: 'apps/api',
        dockerfile: 'apps/api/docker/Dockerfile',
        loc: { file: 'deploy/compose.yaml', line: 3 },
      },
      command: {
        text: 'uvicorn app:app --port 9000',
        loc: { file: 'deploy/compose.yaml', line: 6 },
      },
      ports: [
        { container: 9000, published: 9000, loc: { file: 'deploy/compose.yaml', line: 7 } },
        { container: 9001, published: 19001, loc: { file: 'deploy/compose.yaml', line: 7 } },
      ],
      environment: [
        {
          name: 'TOKEN',
          raw: '${TOKEN}',
          source: 'compose',
          loc: { file: 'deploy/compose.yaml', line: 9 },
        },
        {
          name: 'MODE',
          value: 'prod',
          raw: '${MODE:-prod}',
          source: 'compose',
          loc: { file: 'deploy/compose.yaml', line: 10 },
        },
        { name: 'BARE', source: 'compose', loc: { file: 'deploy/compose.yaml', line: 11 } },
        {
          name: 'LEVEL',
          value: 'debug',
          source: 'compose',
          loc: { file: 'deploy/api.env', line: 1, note: 'env_file of api' },
        },
      ],
      dependsOn: [
        {
          service: 'db',
          link: false,
          condition: 'healthy',
          loc: { file: 'deploy/compose.yaml', line: 14 },
        },
        { service: 'db', link: true, loc: { file: 'deploy/compose.yaml', line: 15 } },
      ],
      healthcheck: {
        test: 'curl -f http://localhost:9000/ready',
        loc: { file: 'deploy/compose.yaml', line: 16 },
      },
      profiles: { names: ['all', 'web'], loc: { file: 'deploy/compose.yaml', line: 17 } },
      volumes: [
        { name: 'cache', mountPath: '/cache', loc: { file: 'deploy/compose.yaml', line: 18 } },
        { name: 'logs', mountPath: '/logs', loc: { file: 'deploy/compose.yaml', line: 18 } },
      ],
    });
    assert.deepEqual(db!.image, {
      ref: 'postgres:16',
      loc: { file: 'deploy/compose.yaml', line: 20 },
    });
  });

  it('reads the file docker compose reads, then its override, merging services', () => {
    const repo = repoOf({
      'docker-compose.yml': 'services:\n  web:\n    image: nginx:1\n',
      'compose.yaml': 'services:\n  api:\n    image: api:1\n',
      'compose.override.yaml': 'services:\n  api:\n    ports: ["8000:8000"]\n',
      'docker-compose.prod.yml': 'services:\n  prod:\n    image: x\n',
    });
    assert.deepEqual(composeFiles(repo), ['compose.yaml', 'compose.override.yaml']);
    const [api] = parseCompose(repo, new WarningSink());
    assert.equal(api!.image!.ref, 'api:1');
    assert.equal(api!.ports[0]!.container, 8000);
  });

  it('rejects a build context outside the repository', () => {
    const warnings = new WarningSink();
    const [svc] = parseCompose(
      repoOf({ 'compose.yaml': 'services:\n  x:\n    build: ../elsewhere\n' }),
      warnings,
    );
    assert.equal(svc!.build, undefined);
    assert.deepEqual(
      warnings.list().map((w) => [w.code, w.file, w.line]),
      [['path-outside-root', 'compose.yaml', 3]],
    );
  });

  it('interpolates defaults and leaves unknown variables unknown', () => {
    assert.equal(interpolate('postgres:${PG:-16}-alpine'), 'postgres:16-alpine');
    assert.equal(interpolate('${A-x}$$HOME'), 'x$HOME');
    assert.equal(interpolate('${SECRET}'), undefined);
    assert.equal(interpolate('$SECRET'), undefined);
    assert.equal(interpolate('${REQUIRED:?set it}'), undefined);
  });
});
