import { strict as assert } from 'node:assert';
import { isBinaryName, pathSkipReason, readPriority } from '../../../src/analyze/skip';

describe('analyze/skip', () => {
  it('skips test data, vendored, minified and data files by path, never manifests', () => {
    const cases: Array<[string, string | undefined]> = [
      ['tests/data/a.pdf', 'test-data'],
      ['pkg/testdata/golden.txt', 'test-data'],
      ['test/fixtures/app/server.js', 'test-data'],
      ['test/fixtures/app/package.json', undefined],
      ['tests/test_app.py', undefined],
      ['vendor/github.com/x/y.go', 'vendored'],
      ['web/third_party/lib.js', 'vendored'],
      ['vendor/acme/Dockerfile', undefined],
      ['public/app.min.js', 'minified'],
      ['public/app.js.map', 'minified'],
      ['data/rows.csv', 'data-folder'],
      ['samples/invoice.json', 'data-folder'],
      ['data/loader.py', undefined],
      ['src/app/main.py', undefined],
      ['fixtures/seed.json', undefined],
    ];
    assert.deepEqual(
      cases.map(([p]) => [p, pathSkipReason(p)]),
      cases,
    );
  });

  it('knows binary formats by extension, case-insensitively', () => {
    assert.deepEqual(
      ['a.PDF', 'x.tar.gz', 'model.safetensors', 'db.sqlite', 'app.py', 'README', '.png'].map(
        isBinaryName,
      ),
      [true, true, true, true, false, false, false],
    );
  });

  it('reads manifests first, then code and configuration, then other text, then the rest', () => {
    assert.deepEqual(
      [
        'package.json',
        'src/a.ts',
        'k8s/deploy.yaml',
        'README.md',
        'logo.png',
        'tests/data/x.txt',
      ].map(readPriority),
      [0, 1, 1, 2, 3, 3],
    );
  });
});
