/**
 * The image test harness itself, on real parts: a distribution registry on loopback (open, and
 * with htpasswd auth), images pushed with crane and read back over the OCI distribution API with
 * fetch, and buildah installed. Nothing is skipped: a missing tool fails with what to run.
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  builderOnPath,
  crane,
  imageTool,
  pushScratchImage,
  startRegistry,
  type TestRegistry,
} from '../../support/registry';

const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');

/** HEAD /v2/<repository>/manifests/<tag>: the status and the digest the registry names. */
async function headManifest(
  registry: TestRegistry,
  repository: string,
  tag: string,
  authorization?: string,
): Promise<{ status: number; digest: string | null }> {
  const headers: Record<string, string> = { accept: MANIFEST_TYPES };
  if (authorization) headers.authorization = authorization;
  const res = await fetch(`${registry.url}/v2/${repository}/manifests/${tag}`, {
    method: 'HEAD',
    headers,
  });
  return { status: res.status, digest: res.headers.get('docker-content-digest') };
}

describe('image test harness: a real OCI registry, crane, buildah', function () {
  this.timeout(60_000);

  describe('an open registry', () => {
    let registry: TestRegistry;
    before(async () => {
      registry = await startRegistry();
    });
    after(async () => {
      await registry?.stop();
    });

    it('listens on loopback and answers GET /v2/ with 200', async () => {
      assert.match(registry.host, /^127\.0\.0\.1:\d+$/);
      assert.equal(registry.url, `http://${registry.host}`);
      const res = await fetch(`${registry.url}/v2/`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('docker-distribution-api-version'), 'registry/2.0');
    });

    it('serves a scratch image pushed with crane under the digest crane reports', async () => {
      const digest = await pushScratchImage(registry, 'harness/hello', 'v1');
      assert.match(digest, /^sha256:[0-9a-f]{64}$/);
      const head = await headManifest(registry, 'harness/hello', 'v1');
      assert.equal(head.status, 200);
      assert.equal(head.digest, digest);
      const missing = await headManifest(registry, 'harness/hello', 'no-such-tag');
      assert.equal(missing.status, 404);
    });

    it('puts the given files in the layer, and the same files give the same digest', async () => {
      const files = { 'app/index.html': '<h1>hi</h1>\n', 'app/config/env': 'MODE=test\n' };
      const first = await pushScratchImage(registry, 'harness/files', 'a', files);
      const again = await pushScratchImage(registry, 'harness/files', 'b', files);
      assert.equal(again, first);
      const other = await pushScratchImage(registry, 'harness/files', 'c', { 'x.txt': 'x\n' });
      assert.notEqual(other, first);
      const listing = await crane(registry, ['export', `${registry.host}/harness/files:a`, '-']);
      assert.ok(listing.includes('<h1>hi</h1>'), 'the exported filesystem holds app/index.html');
      assert.ok(listing.includes('MODE=test'), 'the exported filesystem holds app/config/env');
    });

    it('removes its scratch dir on stop, and stop is idempotent', async () => {
      const other = await startRegistry();
      assert.ok(existsSync(other.dir));
      await Promise.all([other.stop(), other.stop()]);
      await other.stop();
      assert.equal(existsSync(other.dir), false);
      await assert.rejects(fetch(`${other.url}/v2/`), 'nothing listens after stop');
    });
  });

  describe('a registry with htpasswd auth', () => {
    const auth = { username: 'ci-pusher', password: `pw-${process.pid}-${Date.now()}` };
    let registry: TestRegistry;
    before(async () => {
      registry = await startRegistry({ auth });
    });
    after(async () => {
      await registry?.stop();
    });

    it('refuses anonymous GET /v2/ with 401 and a Basic challenge', async () => {
      const res = await fetch(`${registry.url}/v2/`);
      assert.equal(res.status, 401);
      assert.match(res.headers.get('www-authenticate') ?? '', /^Basic /i);
      const authed = await fetch(`${registry.url}/v2/`, {
        headers: { authorization: registry.authorization ?? '' },
      });
      assert.equal(authed.status, 200);
    });

    it('takes a push with the credentials, and serves it only to them', async () => {
      const digest = await pushScratchImage(registry, 'private/app', 'v1');
      assert.equal((await headManifest(registry, 'private/app', 'v1')).status, 401);
      const head = await headManifest(registry, 'private/app', 'v1', registry.authorization);
      assert.equal(head.status, 200);
      assert.equal(head.digest, digest);
    });

    it('refuses a push without the credentials', async () => {
      const empty = mkdtempSync(join(tmpdir(), 'stackpilot-noauth-'));
      try {
        writeFileSync(join(empty, 'config.json'), '{"auths": {}}\n');
        await assert.rejects(
          pushScratchImage({ ...registry, dockerConfig: empty }, 'private/anon', 'v1'),
          /UNAUTHORIZED|401/,
        );
      } finally {
        rmSync(empty, { recursive: true, force: true });
      }
    });
  });

  describe('the other image tools', () => {
    it('has crane and actionlint built', () => {
      for (const tool of ['crane', 'actionlint'] as const) {
        assert.ok(existsSync(imageTool(tool)), `${tool} at ${imageTool(tool)}`);
      }
    });

    it('has buildah installed', async () => {
      assert.equal(
        builderOnPath(),
        'buildah',
        'buildah is not on PATH: `npm run setup` installs it with apt-get when run as root; ' +
          'otherwise install the buildah package by hand',
      );
      const version = await new Promise<string>((resolve, reject) =>
        execFile('buildah', ['--version'], { timeout: 20_000 }, (err, stdout, stderr) =>
          err
            ? reject(new Error(`buildah --version failed: ${err.message}\n${stderr}`))
            : resolve(stdout),
        ),
      );
      assert.match(version, /^buildah version \d+\.\d+/);
    });
  });
});
