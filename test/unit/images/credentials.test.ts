import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentialLookup } from '../../../src/images/credentials';
import { parseChallenge } from '../../../src/images/registry';
import { InputError } from '../../../src/model/errors';

describe('registry credentials', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sp-creds-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the Docker config entry of the host (auth or username/password)', () => {
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        auths: {
          'ghcr.io': { auth: Buffer.from('octo:tok:en').toString('base64') },
          'https://index.docker.io/v1/': { username: 'hub', password: 'pw' },
        },
      }),
    );
    const lookup = credentialLookup({ DOCKER_CONFIG: dir });
    assert.deepEqual(lookup('ghcr.io'), { username: 'octo', password: 'tok:en' });
    assert.deepEqual(lookup('docker.io'), { username: 'hub', password: 'pw' });
    assert.equal(lookup('quay.io'), undefined);
  });

  it('prefers STACKPILOT_REGISTRY_USERNAME/PASSWORD, and a missing config is anonymous', () => {
    const env = {
      DOCKER_CONFIG: dir,
      STACKPILOT_REGISTRY_USERNAME: 'ci',
      STACKPILOT_REGISTRY_PASSWORD: 's3',
    };
    assert.deepEqual(credentialLookup(env)('any.example'), { username: 'ci', password: 's3' });
    assert.equal(credentialLookup({ DOCKER_CONFIG: dir })('ghcr.io'), undefined);
  });

  it('names a Docker config that is not JSON', () => {
    writeFileSync(join(dir, 'config.json'), '{ nope');
    assert.throws(
      () => credentialLookup({ DOCKER_CONFIG: dir }),
      (err: unknown) => err instanceof InputError && err.message.includes(join(dir, 'config.json')),
    );
  });

  it('parses Bearer and Basic challenges', () => {
    assert.deepEqual(
      parseChallenge(
        'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:x/y:pull"',
      ),
      {
        scheme: 'bearer',
        params: {
          realm: 'https://ghcr.io/token',
          service: 'ghcr.io',
          scope: 'repository:x/y:pull',
        },
      },
    );
    assert.equal(parseChallenge('Basic realm="Registry Realm"')?.scheme, 'basic');
  });
});
