import { strict as assert } from 'node:assert';
import {
  classifyEnv,
  entropy,
  fingerprint,
  isHighEntropy,
  urlSecretReason,
} from '../../../src/analyze/classify-env';

describe('analyze/classify-env', () => {
  it('never makes a browser-inlined variable secret, and keeps its value', () => {
    assert.deepEqual(
      classifyEnv('NEXT_PUBLIC_STRIPE_KEY', [{ source: 'dotenv', value: 'pk_live_abc' }]),
      {
        classification: 'config',
        reason: 'inlined into the browser bundle at build time: public by design',
        sources: ['dotenv'],
        buildTime: true,
        defaultValue: 'pk_live_abc',
      },
    );
  });

  for (const [name, reason] of [
    ['OPENAI_API_KEY', 'name ends in _KEY'],
    ['DJANGO_SECRET_KEY', 'name ends in _KEY'],
    ['AWS_ACCESS_KEY_ID', 'name holds an access key'],
    ['JWT_SECRET', 'name contains SECRET'],
    ['BLOB_READ_WRITE_TOKEN', 'name ends in _TOKEN'],
    ['DB_PASSWORD', 'name contains PASSWORD'],
    ['SMTP_PASS', 'name contains PASSWORD'],
    ['SENTRY_DSN', 'name ends in _DSN (connection string)'],
    ['GOOGLE_APPLICATION_CREDENTIALS', 'name contains CREDENTIALS'],
  ] as const)
    it(`classifies ${name} as secret by name`, () => {
      const c = classifyEnv(name, [{ source: 'dotenv-example', value: 'anything-here' }]);
      assert.equal(c.classification, 'secret');
      assert.equal(c.reason, reason);
      assert.equal(c.fingerprint, fingerprint('anything-here'));
      assert.equal('defaultValue' in c, false);
    });

  it('classifies a URL with credentials as secret and fingerprints it', () => {
    const v = 'postgres://app:s3cr3t@db.example.net:5432/app';
    assert.deepEqual(classifyEnv('PRIMARY_DB', [{ source: 'compose', value: v }]), {
      classification: 'secret',
      reason: 'URL with credentials',
      sources: ['compose'],
      buildTime: false,
      fingerprint: fingerprint(v),
    });
    assert.equal(urlSecretReason('redis://:pw@cache:6379'), 'URL with credentials');
    assert.equal(urlSecretReason('postgres://app@db/app'), undefined);
    assert.equal(
      urlSecretReason('https://hooks.example.net/x?token=abc'),
      'URL with a token parameter',
    );
  });

  it('assumes a connection string of unknown value carries credentials', () => {
    assert.deepEqual(classifyEnv('DATABASE_URL', [{ source: 'code' }]), {
      classification: 'secret',
      reason: 'connection string with unknown value (may carry credentials)',
      sources: ['code'],
      buildTime: false,
    });
    assert.equal(
      classifyEnv('REDIS_URL', [{ source: 'code', value: 'redis://localhost:6379/0' }])
        .classification,
      'config',
    );
  });

  it('classifies a high-entropy value as secret, plain values as config', () => {
    assert.equal(
      classifyEnv('SIGNATURE_SEED', [{ source: 'dotenv', value: 'aZ8kP2qL9xR4tW7vB1nM5cJ3' }])
        .reason,
      'high-entropy value',
    );
    assert.deepEqual(
      classifyEnv('LOG_LEVEL', [
        { source: 'code', value: 'info' },
        { source: 'dotenv', value: 'debug' },
      ]),
      {
        classification: 'config',
        reason: 'plain value',
        sources: ['code', 'dotenv'],
        buildTime: false,
        defaultValue: 'debug',
      },
    );
    assert.deepEqual(classifyEnv('FEATURE_X', [{ source: 'code' }]), {
      classification: 'config',
      reason: 'no secret-like name or value',
      sources: ['code'],
      buildTime: false,
    });
  });

  it('ignores placeholders and unresolved variables as values', () => {
    const c = classifyEnv('STRIPE_KEY', [
      { source: 'compose', value: '${STRIPE_KEY}' },
      { source: 'dotenv-example', value: '' },
    ]);
    assert.equal(c.classification, 'secret');
    assert.equal(c.fingerprint, undefined);
  });

  it('measures entropy', () => {
    assert.equal(entropy('aaaa'), 0);
    assert.equal(entropy('abcd'), 2);
    assert.equal(isHighEntropy('this-is-not-random-at-all-ok'), false);
    assert.equal(isHighEntropy('short1A'), false);
    assert.equal(isHighEntropy('http://x.y/aZ8kP2qL9xR4tW7vB1nM5cJ3'), false);
    assert.match(fingerprint('x'), /^sha256:[0-9a-f]{12}$/);
  });
});
