import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { sourceDigest } from '../../../src/analyze/digest';
import { repoOf } from './support';

describe('analyze/digest', () => {
  const base = {
    'api/main.py': 'app = 1\n',
    'api/Dockerfile': 'FROM python\n',
    'web/page.tsx': 'x\n',
    'docker/api.Dockerfile': 'FROM python\n',
  };
  const generate = { strategy: 'generate' as const, context: 'api' };

  it('covers exactly the files of the build context', () => {
    const d = sourceDigest(repoOf(base), generate, 'api');
    assert.match(d, /^sha256:[0-9a-f]{64}$/);
    assert.equal(
      sourceDigest(repoOf({ ...base, 'web/page.tsx': 'changed\n' }), generate, 'api'),
      d,
    );
    assert.notEqual(
      sourceDigest(repoOf({ ...base, 'api/main.py': 'app = 2\n' }), generate, 'api'),
      d,
    );
    assert.notEqual(sourceDigest(repoOf({ ...base, 'api/extra.py': '' }), generate, 'api'), d);
  });

  it('is the sha256 of sorted (relative path, content hash) lines', () => {
    const h = (s: string): string => createHash('sha256').update(s).digest('hex');
    const expected = createHash('sha256')
      .update(`Dockerfile\0${h('FROM python\n')}\nmain.py\0${h('app = 1\n')}\n`)
      .digest('hex');
    assert.equal(sourceDigest(repoOf(base), generate, 'api'), `sha256:${expected}`);
  });

  it('includes a Dockerfile outside the context, and digests an image by its reference', () => {
    const build = {
      strategy: 'dockerfile' as const,
      dockerfile: 'docker/api.Dockerfile',
      context: 'api',
    };
    const d = sourceDigest(repoOf(base), build, 'api');
    assert.notEqual(
      sourceDigest(
        repoOf({ ...base, 'docker/api.Dockerfile': 'FROM python:3.13\n' }),
        build,
        'api',
      ),
      d,
    );
    const image = sourceDigest(repoOf(base), { strategy: 'image', image: 'redis:7' }, '.');
    assert.equal(image, `sha256:${createHash('sha256').update('image\0redis:7').digest('hex')}`);
  });
});
