import { strict as assert } from 'node:assert';
import {
  classifyEnv,
  entropy,
  fingerprint,
  isHighEntropy,
  urlSecretReason,
  redactSecrets,
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

  it('redacts secrets inlined in commands, and nothing else', () => {
    const cases: Array<[string, string]> = [
      ['API_TOKEN=sk-live-x node s.js', 'API_TOKEN=<redacted> node s.js'],
      ['PORT=3000 NODE_ENV=production node s.js', 'PORT=3000 NODE_ENV=production node s.js'],
      [
        'redis-server --requirepass hunter2 --appendonly yes',
        'redis-server --requirepass <redacted> --appendonly yes',
      ],
      ['server --api-key "abc def" --port 80', 'server --api-key <redacted> --port 80'],
      ['psql postgres://u:hunter2@db/app', 'psql postgres://u:<redacted>@db/app'],
      ['curl -f -u admin:hunter2 http://x/health', 'curl -f -u admin:<redacted> http://x/health'],
      [
        'curl -H "Authorization: Bearer aZ8kP2qL9xR4tW7vB1nM5cJ3q" http://x',
        'curl -H "Authorization: Bearer <redacted>" http://x',
      ],
      ['uvicorn app.main:app --port ${PORT:-8000}', 'uvicorn app.main:app --port ${PORT:-8000}'],
      [
        'psql postgres://u:${PW}@db/app --password $PW',
        'psql postgres://u:${PW}@db/app --password $PW',
      ],
    ];
    for (const [cmd, out] of cases) assert.equal(redactSecrets(cmd), out, cmd);
  });
});
