import assert from 'node:assert/strict';
import { InputError } from '../../../src/model/errors';
import {
  isLoopbackHost,
  manifestReference,
  parseImageReference,
} from '../../../src/images/reference';

describe('image references', () => {
  it('resolves Docker Hub names the way Docker does', () => {
    const redis = parseImageReference('redis:7.4.1-alpine', 'component redis');
    assert.equal(redis.registry, 'docker.io');
    assert.equal(redis.apiHost, 'registry-1.docker.io');
    assert.equal(redis.repository, 'library/redis');
    assert.equal(redis.tag, '7.4.1-alpine');
    assert.equal(redis.loopback, false);
    assert.equal(parseImageReference('bitnami/redis:7', 'x').repository, 'bitnami/redis');
  });

  it('takes a first part with a dot, a port or localhost as the registry', () => {
    const ghcr = parseImageReference('ghcr.io/example/app-api:src-abc', 'x');
    assert.deepEqual(
      [ghcr.registry, ghcr.repository, ghcr.tag],
      ['ghcr.io', 'example/app-api', 'src-abc'],
    );
    const local = parseImageReference('localhost:5000/app-api:src-1', 'x');
    assert.deepEqual(
      [local.registry, local.apiHost, local.loopback],
      ['localhost:5000', 'localhost:5000', true],
    );
    assert.equal(parseImageReference('127.0.0.1:41234/a/b:1', 'x').loopback, true);
  });

  it('keeps a digest and asks for it rather than the tag', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const ref = parseImageReference(`ghcr.io/x/y:1.0@${digest}`, 'x');
    assert.equal(ref.tag, '1.0');
    assert.equal(ref.digest, digest);
    assert.equal(manifestReference(ref), digest);
    assert.equal(manifestReference(parseImageReference('ghcr.io/x/y', 'x')), 'latest');
  });

  it('names the reference and its user when it is malformed', () => {
    for (const [text, why] of [
      ['Ghcr.io/Upper/Case:1', /lower-case/],
      ['ghcr.io/x/y:bad tag', /whitespace/],
      ['ghcr.io/x/y@sha256:short', /64 hex/],
      ['ghcr.io/x/y:-dash', /tag "-dash"/],
      ['', /empty/],
    ] as const) {
      assert.throws(
        () => parseImageReference(text, 'component api'),
        (err: unknown) =>
          err instanceof InputError &&
          err.message.includes(`"${text}" (component api)`) &&
          why.test(err.message),
        text,
      );
    }
  });

  it('knows loopback hosts', () => {
    assert.ok(isLoopbackHost('localhost:5000'));
    assert.ok(isLoopbackHost('[::1]:5000'));
    assert.ok(!isLoopbackHost('registry.local:5000'));
  });
});
