/**
 * The ejected-source printer lays out expressions exactly as prettier does with the repository's
 * settings: property-based, over random nested objects, arrays, strings and calls.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import fc from 'fast-check';
import * as prettier from 'prettier';
import { key, printStatement, quote, type Expr } from '../../../src/program/ejected/printer';

const ROOT = path.resolve(__dirname, '../../..');

const text = fc.string({
  unit: fc.constantFrom(
    'a',
    'b',
    'z',
    ' ',
    '-',
    '/',
    "'",
    '"',
    '\\',
    '\n',
    '$',
    '`',
    'é',
    '.',
    ':',
    '1',
  ),
  maxLength: 40,
});
const longText = fc.string({
  unit: fc.constantFrom('a', 'b', '-', ' ', '/'),
  minLength: 60,
  maxLength: 120,
});
const keyArb = fc.constantFrom(
  'name',
  'image',
  'a',
  'app.kubernetes.io/name',
  'x-y',
  'REDIS_URL',
  'metadata',
  '1abc',
  'spec',
);
const leaf: fc.Arbitrary<Expr> = fc.oneof(
  fc
    .oneof(text, longText, fc.integer({ min: 0, max: 100000 }), fc.boolean())
    .map((v): Expr => ({ t: 'lit', v })),
  fc.constantFrom('provider', 'generatedSecretDb.result').map((code): Expr => ({ t: 'raw', code })),
);
const expr: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    // Arrays of numbers never occur in Kubernetes inputs (prettier fills them), so none here.
    fc
      .array(tie('e'), { maxLength: 5 })
      .filter((items) => !items.some((i) => i.t === 'lit' && typeof i.v === 'number'))
      .map((items): Expr => ({ t: 'arr', items })),
    fc
      .uniqueArray(fc.tuple(keyArb, tie('e')), { maxLength: 6, selector: ([k]) => k })
      .map((props): Expr => ({ t: 'obj', props: props.map(([k, value]) => ({ key: k, value })) })),
    fc
      .tuple(
        fc.constantFrom('pulumi.secret', 'secretsConfig.requireSecret'),
        fc.array(tie('e'), { maxLength: 2 }),
      )
      .map(([callee, args]): Expr => ({ t: 'call', callee, args })),
  ),
})).e;

describe('program: ejected-source printer', () => {
  let options: prettier.Options = {};
  before(async () => {
    options = {
      ...((await prettier.resolveConfig(path.join(ROOT, 'src/program/index.ts'))) ?? {}),
      parser: 'typescript',
    };
  });

  it('quotes strings and keys as prettier does', () => {
    assert.equal(quote("it's"), '"it\'s"');
    assert.equal(quote('say "hi"'), '\'say "hi"\'');
    assert.equal(quote('a\\b\nc'), "'a\\\\b\\nc'");
    assert.equal(key('app.kubernetes.io/name'), "'app.kubernetes.io/name'");
    assert.equal(key('REDIS_URL'), 'REDIS_URL');
  });

  it('prints what prettier would print, for any nested value', async function () {
    this.timeout(120_000);
    await fc.assert(
      fc.asyncProperty(
        expr,
        fc.constantFrom('value', 'workloadApiWithALongerName'),
        async (e, name) => {
          const head = `const ${name} = `;
          const call: Expr = {
            t: 'call',
            callee: 'k8s.core.v1.ConfigMap',
            isNew: true,
            args: [
              { t: 'lit', v: 'config-api' },
              e,
              { t: 'obj', props: [{ shorthand: 'provider' }] },
            ],
          };
          const source = [printStatement(head, e), printStatement(head, call), ''].join('\n');
          assert.equal(source, await prettier.format(source, options));
        },
      ),
      { numRuns: 500, seed: 4242 },
    );
  });
});
