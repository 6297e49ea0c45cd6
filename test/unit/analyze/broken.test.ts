/**
 * Bad input end to end: every broken fixture gives a clear error or warnings that name the
 * file (and line), and never a crash or a model that silently pretends all is well.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { analyzeRepository } from '../../../src/analyze';
import type { AnalysisWarning, AppModel } from '../../../src/model/app';
import { InputError } from '../../../src/model/errors';
import { fixture, tempCopy } from './support';

async function inputError(p: Promise<unknown>): Promise<InputError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof InputError, String(err));
    return err;
  }
  assert.fail('expected an InputError');
}

const names = (m: AppModel): string[] => m.components.map((c) => c.name);

describe('analyze: bad input', () => {
  it('rejects a missing path and a file, naming the path', async () => {
    const missing = await inputError(analyzeRepository(fixture('does-not-exist')));
    assert.deepEqual(missing.issues, [
      { file: fixture('does-not-exist'), message: 'no such file or directory' },
    ]);
    assert.match(missing.message, /does-not-exist does not exist/);
    const file = await inputError(analyzeRepository(fixture('fullstack/package.json')));
    assert.deepEqual(file.issues, [
      { file: fixture('fullstack/package.json'), message: 'expected a directory' },
    ]);
  });

  it('rejects nonsensical bounds', async () => {
    const err = await inputError(analyzeRepository(fixture('fullstack'), { maxFiles: 0 }));
    assert.deepEqual(err.issues, [
      { field: 'maxFiles', message: 'must be a positive integer, got 0' },
    ]);
  });

  it('analyzes what fits a repository over its bounds, and warns that the analysis is partial', async () => {
    const whole = await analyzeRepository(fixture('fullstack'));
    const few = await analyzeRepository(fixture('fullstack'), { maxFiles: 20 });
    assert.deepEqual(names(few), names(whole), 'manifests are kept first');
    assert.match(
      few.warnings.find((w) => w.code === 'analysis-partial')?.message ?? '',
      /^analysis is partial: \d+ files beyond the maxFiles bound of 20 were not considered/,
    );
    const bytes = await analyzeRepository(fixture('fullstack'), { maxTotalBytes: 8192 });
    assert.deepEqual(names(bytes), names(whole));
    assert.match(
      bytes.warnings.find((w) => w.code === 'analysis-partial')?.message ?? '',
      /^analysis is partial: \d+ files? \(\d+ bytes\) not read because the maxTotalBytes bound of 8192 bytes was reached/,
    );
  });

  it('malformed package.json: a warning with file and line; the rest is analyzed', async () => {
    const m = await analyzeRepository(fixture('broken/malformed-package-json'));
    assert.deepEqual(names(m), ['api']);
    assert.deepEqual(m.warnings, [
      {
        code: 'invalid-json',
        message: 'apps/web/package.json: invalid JSON: Expected double-quoted property name',
        file: 'apps/web/package.json',
        line: 6,
      },
    ]);
  });

  it('malformed TOML: a warning with file and line', async () => {
    const m = await analyzeRepository(fixture('broken/malformed-toml'));
    assert.deepEqual(names(m), []);
    assert.deepEqual(m.warnings, [
      {
        code: 'invalid-toml',
        message: 'pyproject.toml: invalid TOML: expected comma or end of structure',
        file: 'pyproject.toml',
        line: 8,
      },
    ]);
  });

  it('malformed compose YAML: a warning with line; services are not invented', async () => {
    const m = await analyzeRepository(fixture('broken/malformed-compose'));
    assert.deepEqual(names(m), ['api']);
    assert.deepEqual(m.warnings, [
      {
        code: 'invalid-yaml',
        message:
          'compose.yaml: invalid YAML: All mapping items must start at the same column; compose services in it are ignored',
        file: 'compose.yaml',
        line: 6,
      },
    ]);
  });

  it('invalid compose fields: one warning per field with its line; valid fields are used', async () => {
    const m = await analyzeRepository(fixture('broken/invalid-compose'));
    assert.deepEqual(names(m), ['api', 'db']);
    assert.deepEqual(
      m.warnings.map((w: AnalysisWarning) => [w.code, w.file, w.line, w.message]),
      [
        [
          'unresolved-reference',
          'docker-compose.yml',
          3,
          'docker-compose.yml: service api builds api/Dockerfile, which is not in the repository; a Dockerfile will be generated',
        ],
        [
          'invalid-compose',
          'docker-compose.yml',
          4,
          'docker-compose.yml: services.api.ports: Invalid input: expected array, received number; ignored',
        ],
        [
          'invalid-compose',
          'docker-compose.yml',
          7,
          'docker-compose.yml: services.api.environment.1: expected NAME=value; ignored',
        ],
        [
          'invalid-compose',
          'docker-compose.yml',
          10,
          'docker-compose.yml: services.api.depends_on.db.condition: condition service_ready is not one of service_started, service_healthy, service_completed_successfully; the dependency is kept without a condition',
        ],
        [
          'unresolved-reference',
          'docker-compose.yml',
          11,
          'docker-compose.yml: service api depends on unknown service cache',
        ],
        [
          'invalid-compose',
          'docker-compose.yml',
          15,
          'docker-compose.yml: services.db.volumes: Invalid input: expected array, received string; ignored',
        ],
        [
          'invalid-compose',
          'docker-compose.yml',
          16,
          'docker-compose.yml: services.worker: a service must be a mapping',
        ],
      ],
    );
    assert.deepEqual(
      m.edges.map((e) => [e.from, e.to, e.via, e.condition ?? null]),
      [['api', 'db', 'compose', null]],
    );
  });

  it('malformed workspace YAML: a warning with line', async () => {
    const m = await analyzeRepository(fixture('broken/malformed-yaml'));
    assert.deepEqual(names(m), ['site']);
    assert.deepEqual(m.warnings, [
      {
        code: 'invalid-yaml',
        message: 'pnpm-workspace.yaml: invalid YAML: Missing closing "quote',
        file: 'pnpm-workspace.yaml',
        line: 3,
      },
    ]);
  });

  it('binary source: a warning naming it; binary assets are fine', async () => {
    const m = await analyzeRepository(fixture('broken/binary-file'));
    assert.deepEqual(m.warnings, [
      {
        code: 'binary-file',
        message: 'app.py is binary (contains NUL bytes); not analyzed',
        file: 'app.py',
      },
    ]);
    assert.equal(m.components[0]!.features.appObject, undefined);
  });

  it('oversize source: a warning naming it and its size; it still counts in the digest', async () => {
    const small = await analyzeRepository(fixture('broken/oversize-file'), { maxFileBytes: 256 });
    assert.deepEqual(small.warnings, [
      {
        code: 'file-too-large',
        message: 'src/server.js is 2587 bytes, over the 256-byte bound; not analyzed',
        file: 'src/server.js',
      },
    ]);
    assert.equal(small.components[0]!.port, 3000, 'the unread listen() is not guessed');
    const full = await analyzeRepository(fixture('broken/oversize-file'));
    assert.deepEqual(full.warnings, []);
    assert.equal(full.components[0]!.port, 4000);
    assert.equal(small.components[0]!.sourceDigest, full.components[0]!.sourceDigest);

    const { dir, cleanup } = tempCopy('broken/oversize-file');
    try {
      writeFileSync(join(dir, 'src/generated.js'), Buffer.alloc(1024 * 1024 + 1, 'a'));
      const m = await analyzeRepository(dir);
      assert.deepEqual(m.warnings, [
        {
          code: 'file-too-large',
          message: 'src/generated.js is 1048577 bytes, over the 1048576-byte bound; not analyzed',
          file: 'src/generated.js',
        },
      ]);
    } finally {
      cleanup();
    }
  });

  it('symlink loops: warnings naming each link; the model is the same as without them', async () => {
    const { dir, cleanup } = tempCopy('broken/symlink-loop');
    try {
      const clean = await analyzeRepository(dir);
      symlinkSync('.', join(dir, 'src/self'));
      symlinkSync('..', join(dir, 'src/parent'));
      symlinkSync('ping', join(dir, 'pong'));
      symlinkSync('pong', join(dir, 'ping'));
      const m = await analyzeRepository(dir);
      assert.deepEqual(
        m.warnings.map((w) => [w.code, w.file, w.message]),
        [
          ['symlink-loop', 'ping', 'symlink ping resolves to itself (symlink loop); skipped'],
          ['symlink-loop', 'pong', 'symlink pong resolves to itself (symlink loop); skipped'],
          [
            'symlink-loop',
            'src/parent',
            'symlink src/parent points back to its ancestor . (symlink loop); not followed',
          ],
          [
            'symlink-loop',
            'src/self',
            'symlink src/self points back to its ancestor src (symlink loop); not followed',
          ],
        ],
      );
      assert.deepEqual({ ...m, warnings: [] }, clean);
    } finally {
      cleanup();
    }
  });

  it('unreadable file: a warning naming it, and nothing read from it', async () => {
    const { dir, cleanup } = tempCopy('broken/unreadable');
    try {
      chmodSync(join(dir, 'settings.py'), 0o000);
      const m = await analyzeAsUnprivileged(dir);
      assert.deepEqual(m.warnings, [
        {
          code: 'unreadable',
          message: 'settings.py cannot be read (EACCES); not analyzed',
          file: 'settings.py',
        },
      ]);
      assert.deepEqual(
        m.components.map((c) => [c.name, c.env.map((e) => e.name)]),
        [['unreadable', []]],
      );
    } finally {
      chmodSync(join(dir, 'settings.py'), 0o644);
      cleanup();
    }
  });

  it('gitignored directories: nothing in them is analyzed or digested', async () => {
    const m = await analyzeRepository(fixture('broken/gitignored'));
    assert.deepEqual(names(m), ['site']);
    assert.deepEqual(m.warnings, []);
    const { dir, cleanup } = tempCopy('broken/gitignored');
    try {
      writeFileSync(join(dir, 'generated/client/index.js'), 'changed');
      writeFileSync(join(dir, 'apps/site/settings.local.json'), '{}');
      mkdirSync(dirname(join(dir, 'apps/scratch/new/x.js')), { recursive: true });
      writeFileSync(join(dir, 'apps/scratch/new/x.js'), 'x');
      assert.deepEqual(await analyzeRepository(dir), m);
    } finally {
      cleanup();
    }
  });
});

/**
 * Root reads files whatever their mode, so as root the analysis runs in a child process
 * without the capabilities that bypass file permissions (setpriv, from util-linux): the real
 * analyzer on the real file system, still able to read the checkout whatever its folder's mode.
 */
async function analyzeAsUnprivileged(dir: string): Promise<AppModel> {
  if (process.getuid?.() !== 0) return analyzeRepository(dir);
  const script = `require(${JSON.stringify(join(__dirname, '../../../src/analyze'))}).analyzeRepository(${JSON.stringify(dir)}).then((m) => process.stdout.write(JSON.stringify(m)))`;
  const out = execFileSync(
    'setpriv',
    [
      '--bounding-set',
      '-dac_override,-dac_read_search',
      process.execPath,
      '--require',
      require.resolve('tsx/cjs'),
      '-e',
      script,
    ],
    { encoding: 'utf8' },
  );
  return JSON.parse(out) as AppModel;
}
