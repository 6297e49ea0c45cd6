import { strict as assert } from 'node:assert';
import { canonicalJson, contentHash } from '../../../src/model/canonical';
import { formatIssue, InputError } from '../../../src/model/errors';

describe('model/canonical', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: undefined, c: [2, { z: 1, y: 2 }] } }),
      '{"a":{"c":[2,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('gives equal hashes for equal values in any key order', () => {
    assert.equal(contentHash({ a: 1, b: 2 }), contentHash({ b: 2, a: 1 }));
    assert.notEqual(contentHash({ a: 1 }), contentHash({ a: 2 }));
    assert.match(contentHash(1), /^sha256:[0-9a-f]{64}$/);
  });
});

describe('model/errors', () => {
  it('locates issues by file, line and field', () => {
    assert.equal(
      formatIssue({ file: 'a.yaml', line: 3, field: 'x.y', message: 'bad' }),
      'a.yaml:3 x.y: bad',
    );
    assert.equal(formatIssue({ message: 'bad' }), 'bad');
    const err = new InputError('invalid config', [
      { file: 'f', message: 'm1' },
      { field: 'g', message: 'm2' },
    ]);
    assert.equal(err.code, 'invalid_input');
    assert.match(err.message, /f: m1\n {2}- g: m2/);
  });
});
