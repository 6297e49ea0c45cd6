import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { walkRepository, type WalkOptions } from '../../../src/analyze/walk';
import { WarningSink } from '../../../src/analyze/warnings';

const BOUNDS: WalkOptions = {
  maxFiles: 1000,
  maxFileBytes: 1024 * 1024,
  maxTotalBytes: 8 * 1024 * 1024,
  maxHashBytes: 64 * 1024 * 1024,
};

describe('analyze/walk', () => {
  let root: string;
  const write = (rel: string, content: string | Buffer): void => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  };
  const walk = async (
    opts: Partial<WalkOptions> = {},
  ): Promise<{
    paths: string[];
    warnings: Array<[string, string | undefined]>;
    files: Awaited<ReturnType<typeof walkRepository>>;
  }> => {
    const sink = new WarningSink();
    const files = await walkRepository(root, { ...BOUNDS, ...opts }, sink);
    return {
      files,
      paths: files.map((f) => f.path).sort(),
      warnings: sink.list().map((w) => [w.code, w.file]),
    };
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'stackpilot-walk-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('skips dependencies, VCS data, build output and virtualenvs of any name', async () => {
    for (const rel of [
      'app.py',
      'node_modules/x/index.js',
      '.git/config',
      'dist/a.js',
      'web/.next/b.js',
      '__pycache__/c.pyc',
      '.venv/lib/d.py',
      'env/pyvenv.cfg',
      'env/lib/e.py',
      'src/env/f.py',
    ])
      write(rel, 'x');
    assert.deepEqual((await walk()).paths, ['app.py', 'src/env/f.py']);
  });

  it('honours nested .gitignore files, negations and extra patterns', async () => {
    write('.gitignore', 'generated/\n*.log\n!keep.log\n/top-only.txt\n');
    write('apps/.gitignore', 'scratch/\n');
    for (const rel of [
      'generated/a.ts',
      'x.log',
      'keep.log',
      'top-only.txt',
      'apps/top-only.txt',
      'apps/scratch/b.ts',
      'apps/web/c.ts',
      'legacy/d.ts',
    ])
      write(rel, 'x');
    assert.deepEqual((await walk({ ignore: ['legacy/'] })).paths, [
      '.gitignore',
      'apps/.gitignore',
      'apps/top-only.txt',
      'apps/web/c.ts',
      'keep.log',
    ]);
  });

  it('hashes every file, reads text, and marks binary and oversize files', async () => {
    write('a.txt', 'hello\r\nworld\n');
    write('logo.png', Buffer.from([0x89, 0x50, 0x00, 0x01]));
    write('main.py', Buffer.from('import x\0\0'));
    write('big.bin', Buffer.alloc(300, 'a'));
    write('big.py', Buffer.alloc(300, 'b'));
    const { files, warnings } = await walk({ maxFileBytes: 256 });
    const byPath = Object.fromEntries(files.map((f) => [f.path, f]));
    assert.deepEqual(byPath['a.txt'], {
      path: 'a.txt',
      size: 13,
      hash: createHash('sha256').update('hello\r\nworld\n').digest('hex'),
      text: 'hello\nworld\n',
      binary: false,
      oversize: false,
    });
    assert.equal(byPath['logo.png']!.binary, true);
    assert.equal(byPath['logo.png']!.text, undefined);
    assert.deepEqual(byPath['big.py'], {
      path: 'big.py',
      size: 300,
      hash: createHash('sha256').update(Buffer.alloc(300, 'b')).digest('hex'),
      binary: false,
      oversize: true,
    });
    // Only files the analysis would parse are worth a warning.
    assert.deepEqual(warnings, [
      ['file-too-large', 'big.py'],
      ['binary-file', 'main.py'],
    ]);
  });

  it('follows symlinks inside the root and reports loops, escapes and dangling links', async () => {
    write('shared/lib.ts', 'export const x = 1;\n');
    write('app/main.ts', 'import "../shared/lib";\n');
    symlinkSync('../shared', join(root, 'app/shared'));
    symlinkSync('main.ts', join(root, 'app/entry.ts'));
    symlinkSync('..', join(root, 'app/up'));
    symlinkSync('b', join(root, 'a'));
    symlinkSync('a', join(root, 'b'));
    symlinkSync(tmpdir(), join(root, 'outside'));
    symlinkSync('missing', join(root, 'dangling'));
    const { paths, warnings } = await walk();
    assert.deepEqual(paths, ['app/entry.ts', 'app/main.ts', 'app/shared/lib.ts', 'shared/lib.ts']);
    assert.deepEqual(warnings, [
      ['symlink-loop', 'a'],
      ['symlink-loop', 'app/up'],
      ['symlink-loop', 'b'],
      ['symlink-broken', 'dangling'],
      ['symlink-outside-root', 'outside'],
    ]);
  });

  it('skips FIFOs instead of blocking on them', async function () {
    write('a.txt', 'x');
    try {
      execFileSync('mkfifo', [join(root, 'pipe')]);
    } catch {
      this.skip();
    }
    assert.deepEqual((await walk()).paths, ['a.txt']);
  });

  it('spends the file and byte bounds in read order and warns, instead of refusing', async () => {
    for (let i = 0; i < 5; i++) write(`f${i}.txt`, '0123456789');
    write('package.json', '{}\n');
    write('src/app.py', 'print(1)\n');
    // Manifests first, then code, then other text: the last text files are the ones left out.
    const few = await walk({ maxFiles: 4 });
    assert.deepEqual(few.paths, ['f0.txt', 'f1.txt', 'package.json', 'src/app.py']);
    assert.deepEqual(few.warnings, [['analysis-partial', undefined]]);
    const bytes = await walk({ maxTotalBytes: 45 });
    const read = bytes.files.filter((f) => f.text !== undefined).map((f) => f.path);
    assert.deepEqual(read.sort(), ['f0.txt', 'f1.txt', 'f2.txt', 'package.json', 'src/app.py']);
    // What was not read is still listed and hashed, so source digests do not lose it.
    assert.equal(bytes.paths.length, 7);
    assert.ok(bytes.files.every((f) => f.hash !== undefined));
    assert.deepEqual(bytes.warnings, [['analysis-partial', undefined]]);
    const unhashed = await walk({ maxTotalBytes: 45, maxHashBytes: 10 });
    assert.deepEqual(
      unhashed.files.filter((f) => f.hash === undefined).map((f) => f.path),
      ['f4.txt'],
    );
    assert.equal(unhashed.warnings.length, 2);
    const all = await walk({ maxFiles: 7, maxTotalBytes: 70 });
    assert.equal(all.paths.length, 7);
    assert.deepEqual(all.warnings, []);
  });
});
