/**
 * A repository far over the byte bound still gets an answer: what is not worth reading
 * (binaries, test data, vendored and minified files, data folders) is skipped by content and by
 * path, named per reason in a warning, and the app itself is analyzed as if it were alone.
 */
import { strict as assert } from 'node:assert';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { analyzeRepository } from '../../../src/analyze';
import type { AnalysisWarning } from '../../../src/model/app';

const MiB = 1024 * 1024;
const PDFS = 70;

describe('analyze: a large repository', function () {
  this.timeout(30_000);
  let root: string;
  const write = (rel: string, content: string | Buffer): void => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  };
  /** A file of `size` bytes that starts like a PDF: one real block, the rest a sparse hole. */
  const fakePdf = (rel: string, size: number): void => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    const fd = openSync(join(root, rel), 'w');
    try {
      writeSync(fd, Buffer.from(`%PDF-1.7\n% sample ${rel}\n`));
      writeSync(fd, Buffer.from('%%EOF\n'), 0, 6, size - 6);
    } finally {
      closeSync(fd);
    }
  };
  const byCode = (ws: readonly AnalysisWarning[], code: string): string[] =>
    ws.filter((w) => w.code === code).map((w) => w.message);

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'stackpilot-large-'));
    write('requirements.txt', 'fastapi==0.115.6\nuvicorn==0.34.0\n');
    write(
      'app/main.py',
      'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/healthz")\ndef healthz():\n    return {"ok": True}\n',
    );
    for (let i = 0; i < PDFS; i++)
      fakePdf(`tests/data/sample-${String(i).padStart(2, '0')}.pdf`, MiB);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('analyzes a 70 MiB repository of sample PDFs and names what it skipped', async () => {
    const m = await analyzeRepository(root);
    assert.deepEqual(
      m.components.map((c) => c.framework?.name),
      ['fastapi'],
    );
    assert.deepEqual(byCode(m.warnings, 'files-skipped'), [
      `${PDFS} files (${PDFS * MiB} bytes) skipped as test data (testdata/, and fixtures or data under test directories); not analyzed; e.g. tests/data/sample-00.pdf, tests/data/sample-01.pdf, tests/data/sample-02.pdf and ${PDFS - 3} more`,
    ]);
    assert.deepEqual(byCode(m.warnings, 'analysis-partial'), []);
  });

  it('skips binaries by content and by name, reads a long code file, and counts only text', async () => {
    write('src/native.py', Buffer.concat([Buffer.from('import x\n'), Buffer.alloc(64)]));
    write('static/logo.png', Buffer.from('not really a png, but named as one\n'));
    write('assets/blob.dat', Buffer.concat([Buffer.alloc(16), Buffer.alloc(2 * MiB, 'a')]));
    const long = Array.from({ length: 1000 }, (_, i) => `X_${i} = ${i}\n`).join('');
    write('app/constants.py', `${long}import os\nPORT = os.environ["PORT"]\n`);
    // The byte bound is far below the PDFs and the blob: only text counts against it.
    const m = await analyzeRepository(root, { maxTotalBytes: 64 * 1024 });
    assert.deepEqual(byCode(m.warnings, 'analysis-partial'), []);
    assert.deepEqual(byCode(m.warnings, 'binary-file'), [
      'src/native.py is binary (contains NUL bytes); not analyzed',
    ]);
    const env = m.components[0]!.env.map((e) => e.name);
    assert.ok(env.includes('PORT'), `the env read after line 1000 is found: ${env.join(', ')}`);
  });

  it('spends the byte bound on manifests and code first, then warns that it is partial', async () => {
    for (let i = 0; i < 40; i++)
      write(`docs/page-${String(i).padStart(2, '0')}.md`, 'x'.repeat(4096));
    const m = await analyzeRepository(root, { maxTotalBytes: 16 * 1024 });
    assert.equal(m.components[0]!.framework?.name, 'fastapi');
    const [partial, ...rest] = byCode(m.warnings, 'analysis-partial');
    assert.deepEqual(rest, []);
    assert.match(
      partial ?? '',
      /^analysis is partial: 37 files \(151552 bytes\) not read because the maxTotalBytes bound of 16384 bytes was reached \(manifests, then code, were read first\); e\.g\. docs\/page-03\.md, docs\/page-04\.md, docs\/page-05\.md and 34 more$/,
    );
  });

  it('bounds the files considered instead of refusing a huge repository', async () => {
    for (let i = 0; i < 30; i++) write(`public/img-${String(i).padStart(2, '0')}.png`, 'png');
    const m = await analyzeRepository(root, { maxFiles: 10 });
    assert.equal(m.components[0]!.framework?.name, 'fastapi');
    assert.deepEqual(byCode(m.warnings, 'analysis-partial'), [
      'analysis is partial: 92 files beyond the maxFiles bound of 10 were not considered (manifests, then code, were kept first); e.g. public/img-08.png, public/img-09.png, public/img-10.png and 89 more',
    ]);
  });

  it('gives identical AppModels from two runs', async () => {
    write('vendor/lib/big.js', 'module.exports = 1;\n');
    write('web/app.min.js', 'var a=1;');
    write('data/rows.csv', 'a,b\n1,2\n');
    const a = await analyzeRepository(root);
    const b = await analyzeRepository(root);
    assert.equal(JSON.stringify(a), JSON.stringify(b));
    assert.deepEqual(
      a.warnings.map((w) => w.message.split(';')[0]),
      [
        // Sorted by message, as every warning is.
        '1 file (20 bytes) skipped as vendored code or assets (vendor/, third_party/)',
        '1 file (8 bytes) skipped as data (non-code files under data/, datasets/ or samples/)',
        '1 file (8 bytes) skipped as minified bundles or source maps (*.min.js, *.min.css, *.map)',
        `${PDFS} files (${PDFS * MiB} bytes) skipped as test data (testdata/, and fixtures or data under test directories)`,
      ],
    );
  });
});
