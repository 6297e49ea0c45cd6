import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeRepository } from '../../../src/analyze';
import { parseSpec } from '../../../src/analyze/spec';
import { InputError } from '../../../src/model/errors';
import { assembleFiles, component, edgeRows, ev, fixture, tempCopy } from './support';

const APP = {
  'apps/api/requirements.txt': 'fastapi==0.115.6\n',
  'apps/api/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
  'apps/api/.env.example': 'FEATURE_TOKEN_TTL=3600\nLOG_LEVEL=debug\n',
  'packages/cron/package.json': '{ "name": "cron", "scripts": { "start": "node run.js" } }',
  'legacy/package.json': '{ "dependencies": { "express": "^5" } }',
};

function specOf(text: string) {
  return parseSpec('stackpilot.yaml', text);
}

async function rejects(p: Promise<unknown> | (() => unknown), issues: unknown): Promise<void> {
  try {
    if (typeof p === 'function') p();
    else await p;
  } catch (err) {
    assert.ok(err instanceof InputError, String(err));
    assert.deepEqual(err.issues, issues);
    return;
  }
  assert.fail('expected an InputError');
}

describe('analyze/spec', () => {
  it('overrides detected fields, renames by path, adds and removes components', () => {
    const model = assembleFiles(
      APP,
      specOf(
        [
          'name: shop',
          'components:',
          '  backend:',
          '    path: apps/api',
          '    port: 9000',
          '    public: true',
          '    healthPath: /status',
          '    env:',
          '      FEATURE_TOKEN_TTL: { secret: false, value: "60" }',
          '      LOG_LEVEL: { secret: true }',
          '      STRIPE_KEY: { secret: true }',
          '    dependsOn: [cache]',
          '  cache:',
          '    image: valkey/valkey:8',
          '  cron:',
          '    path: packages/cron',
          '    kind: worker',
          '  legacy: { disabled: true }',
          '',
        ].join('\n'),
      ),
    );
    assert.equal(model.name, 'shop');
    assert.deepEqual(
      model.components.map((c) => [c.name, c.kind, c.path]),
      [
        ['backend', 'backend', 'apps/api'],
        ['cache', 'cache', '.'],
        ['cron', 'worker', 'packages/cron'],
      ],
    );
    const backend = component(model, 'backend');
    assert.equal(backend.port, 9000);
    assert.equal(backend.public, true);
    assert.equal(backend.healthPath, '/status');
    assert.deepEqual(
      backend.evidence.filter(
        (e) => e.field === 'port' || e.field === 'public' || e.field === 'healthPath',
      ),
      ev(
        ['healthPath', 'stackpilot.yaml', 7, 'stackpilot.yaml'],
        ['port', 'stackpilot.yaml', 5, 'stackpilot.yaml'],
        ['public', 'stackpilot.yaml', 6, 'stackpilot.yaml'],
      ),
    );
    assert.deepEqual(backend.env, [
      {
        name: 'FEATURE_TOKEN_TTL',
        classification: 'config',
        reason: 'declared config in stackpilot.yaml',
        sources: ['dotenv-example', 'spec'],
        buildTime: false,
        defaultValue: '60',
      },
      {
        name: 'LOG_LEVEL',
        classification: 'secret',
        reason: 'declared secret in stackpilot.yaml',
        sources: ['dotenv-example', 'spec'],
        buildTime: false,
        fingerprint: 'sha256:' + createHash('sha256').update('debug').digest('hex').slice(0, 12),
      },
      {
        name: 'STRIPE_KEY',
        classification: 'secret',
        reason: 'declared secret in stackpilot.yaml',
        sources: ['spec'],
        buildTime: false,
      },
    ]);
    assert.deepEqual(component(model, 'cache').build, {
      strategy: 'image',
      image: 'valkey/valkey:8',
    });
    assert.deepEqual(component(model, 'cron').startCommand, 'node run.js');
    assert.deepEqual(edgeRows(model), [
      [
        'backend',
        'cache',
        'component',
        'spec',
        null,
        null,
        ['dependsOn stackpilot.yaml:12 (stackpilot.yaml)'],
      ],
    ]);
  });

  it('reports every problem of the spec with file, line and field', () => {
    const text = 'components:\n  ghost: {}\n  api:\n    path: apps/api\n    dependsOn: [nowhere]\n';
    return rejects(
      () => assembleFiles(APP, specOf(text)),
      [
        {
          file: 'stackpilot.yaml',
          line: 2,
          field: 'components.ghost',
          message:
            'no component ghost was detected; declare its path and kind (or an image) to add it',
        },
      ],
    );
  });

  it('rejects a dependsOn that names nothing', () =>
    rejects(
      () =>
        assembleFiles(
          APP,
          specOf('components:\n  api:\n    path: apps/api\n    dependsOn: [nowhere]\n'),
        ),
      [
        {
          file: 'stackpilot.yaml',
          line: 4,
          field: 'components.api.dependsOn',
          message: 'nowhere is neither a component nor a detected external service',
        },
      ],
    ));

  it('rejects a path shared by several components', () =>
    rejects(
      () =>
        assembleFiles(
          {
            ...APP,
            'compose.yaml': 'services:\n  a:\n    build: ./apps/api\n  b:\n    build: ./apps/api\n',
          },
          specOf('components:\n  main:\n    path: apps/api\n    port: 1\n'),
        ),
      [
        {
          file: 'stackpilot.yaml',
          line: 3,
          field: 'components.main.path',
          message: 'several components are at apps/api (a, b); name one of them instead',
        },
      ],
    ));

  it('rejects an invalid spec file with every issue located', () =>
    rejects(analyzeRepository(fixture('broken/invalid-spec')), [
      {
        file: 'stackpilot.yaml',
        line: 1,
        field: 'name',
        message: 'must be a DNS-1123 label (lowercase letters, digits, dashes; at most 40)',
      },
      {
        file: 'stackpilot.yaml',
        line: 4,
        field: 'components.api.kind',
        message:
          'Invalid option: expected one of "frontend"|"backend"|"worker"|"chatbot"|"job"|"database"|"cache"|"queue"|"proxy"',
      },
      {
        file: 'stackpilot.yaml',
        line: 5,
        field: 'components.api.port',
        message: 'Invalid input: expected number, received string',
      },
      {
        file: 'stackpilot.yaml',
        line: 6,
        field: 'components.api.replicas',
        message: 'Unrecognized key: "replicas"',
      },
      {
        file: 'stackpilot.yaml',
        line: 8,
        field: 'components.api.env.STRIPE_KEY',
        message: 'a secret must not have a value in stackpilot.yaml; supply it per environment',
      },
      {
        file: 'stackpilot.yaml',
        line: 12,
        field: 'components.worker.path',
        message: 'must be a path inside the repository',
      },
    ]));

  it('rejects a spec that is not valid YAML, naming the line', () =>
    rejects(analyzeRepository(fixture('broken/malformed-spec')), [
      {
        file: 'stackpilot.yaml',
        line: 5,
        message:
          'invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
      },
    ]));

  it('never echoes a secret value from an invalid spec', async () => {
    try {
      await analyzeRepository(fixture('broken/invalid-spec'));
    } catch (err) {
      assert.doesNotMatch((err as Error).message, /sk_live_canary_spec/);
      return;
    }
    assert.fail('expected an InputError');
  });

  it('adds its ignore patterns to the walk', async () => {
    const { dir, cleanup } = tempCopy('broken/symlink-loop');
    try {
      mkdirSync(join(dir, 'legacy'));
      writeFileSync(join(dir, 'legacy/package.json'), '{ "dependencies": { "express": "^5" } }');
      assert.deepEqual(
        (await analyzeRepository(dir)).components.map((c) => c.name),
        ['legacy', 'loopy'],
      );
      writeFileSync(join(dir, 'stackpilot.yaml'), 'ignore: [legacy/]\n');
      assert.deepEqual(
        (await analyzeRepository(dir)).components.map((c) => c.name),
        ['loopy'],
      );
    } finally {
      cleanup();
    }
  });
});
