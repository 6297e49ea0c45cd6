/**
 * Images on real parts: a distribution registry on loopback, buildah building the
 * `scratch-image` fixture offline, the compiled CLI's `stackpilot build --push`, and the
 * registry preflight of the real engine against the test control plane. Before the build a
 * cluster preview refuses and names the build command; after it the same preview passes and the
 * registry holds the tag under the digest the build reports.
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { analyzeRepository } from '../../../src/analyze';
import { checkTarget } from '../../../src/engine/cluster-target';
import { BuildResultSchema } from '../../../src/model/images';
import type { Environment } from '../../../src/model/environment';
import { PreflightError } from '../../../src/model/errors';
import { loadEnvironment, planDeployment } from '../../../src/plan';
import { failingImage, startCluster, type TestCluster } from '../../support/cluster';
import { freePort } from '../../support/cluster/processes';
import { crane, pushScratchImage, startRegistry, type TestRegistry } from '../../support/registry';
import { REPO_ROOT } from '../support/engine';

const exec = promisify(execFile);
const CLI = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');
const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'scratch-image');

describe('images: build, push and the registry preflight (buildah, real registry, real control plane)', function () {
  this.timeout(180_000);
  let registry: TestRegistry;
  let cluster: TestCluster;
  let work: string;
  let repo: string;
  let stacks: string;
  let builderEnv: NodeJS.ProcessEnv;

  before(async () => {
    [registry, cluster] = await Promise.all([startRegistry(), startCluster()]);
    work = mkdtempSync(join(tmpdir(), 'stackpilot-images-it-'));
    repo = join(work, 'repo');
    cpSync(FIXTURE, repo, { recursive: true });
    stacks = join(work, 'stacks');
    mkdirSync(stacks);
    writeStack('dev', registry.host);
    // buildah's image store in the test's own directory, not the machine's.
    const storage = join(work, 'storage.conf');
    writeFileSync(
      storage,
      `[storage]\ndriver = "vfs"\ngraphroot = "${join(work, 'graph')}"\nrunroot = "${join(work, 'run')}"\n`,
    );
    builderEnv = {
      ...process.env,
      STACKPILOT_BUILDER: 'buildah',
      CONTAINERS_STORAGE_CONF: storage,
      BUILDAH_ISOLATION: 'chroot',
    };
  });
  after(async () => {
    await Promise.all([registry?.stop(), cluster?.stop()]);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  function writeStack(name: string, registryHost: string, extra: string[] = []): void {
    writeFileSync(
      join(stacks, `Pulumi.${name}.yaml`),
      [
        'config:',
        `  stackpilot:registry: ${registryHost}`,
        '  stackpilot:target:',
        '    kind: cluster',
        `    context: ${cluster.context}`,
        `    kubeconfig: ${cluster.kubeconfig}`,
        ...extra,
        '',
      ].join('\n'),
    );
  }

  async function planned(name = 'dev', tweak: (e: Environment) => Environment = (e) => e) {
    const env = tweak(await loadEnvironment(stacks, name));
    return { env, plan: await planDeployment(await analyzeRepository(repo), env) };
  }

  async function build(
    args: string[],
    dir = repo,
    extraEnv: NodeJS.ProcessEnv = {},
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await exec(
        process.execPath,
        [CLI, '--state-dir', join(work, 'state'), '--stacks', stacks, 'build', dir, ...args],
        { env: { ...builderEnv, ...extraEnv }, maxBuffer: 16 << 20 },
      );
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  it('refuses a cluster deploy before the build, naming the image, its component and the build command', async () => {
    const { plan, env } = await planned();
    const image = plan.images[0]!.image;
    assert.ok(image.startsWith(`${registry.host}/scratchapp-api:src-`), image);
    await assert.rejects(checkTarget(plan, env), (err: unknown) => {
      assert.ok(err instanceof PreflightError, String(err));
      assert.match(
        err.message,
        new RegExp(`image ${image.replace(/[.]/g, '\\.')} \\(api\\) is not in its registry`),
      );
      assert.match(err.message, /stackpilot build <repo> --env dev --push/);
      return true;
    });
  });

  it('only warns on a render target', async () => {
    const { plan, env } = await planned('dev', (e) => ({
      ...e,
      target: { kind: 'render', directory: join(work, 'rendered') },
    }));
    const check = await checkTarget(plan, env);
    assert.equal(check.warnings.length, 1, check.warnings.join('\n'));
    assert.match(check.warnings[0]!, /is not in its registry.*a cluster deploy refuses until then/);
  });

  it('fails a Dockerfile that does not build, naming image and component, and pushes nothing', async () => {
    const broken = join(work, 'broken');
    cpSync(repo, broken, { recursive: true });
    writeFileSync(join(broken, 'api', 'Dockerfile'), 'FROM scratch\nCOPY missing.txt /srv/\n');
    const { stdout, stderr, code } = await build(['--env', 'dev', '--push', '--json'], broken);
    assert.equal(code, 5, stderr);
    const result = BuildResultSchema.parse(JSON.parse(stdout));
    assert.equal(result.status, 'failed');
    assert.equal(result.images[0]!.status, 'failed');
    assert.match(
      result.images[0]!.error!,
      /building image .*scratchapp-api:src-\S+ \(component api\) failed/,
    );
    assert.match(result.images[0]!.error!, /missing\.txt/);
    // Nothing reached the registry: it holds no repository at all.
    const catalog = (await (await fetch(`${registry.url}/v2/_catalog`)).json()) as {
      repositories: string[];
    };
    assert.deepEqual(catalog.repositories, []);
  });

  it("builds and pushes with the plan's tag; the registry holds that digest and the deploy passes preflight", async () => {
    const { code, stdout, stderr } = await build(['--env', 'dev', '--push', '--json']);
    assert.equal(code, 0, stderr);
    const result = BuildResultSchema.parse(JSON.parse(stdout));
    const { plan, env } = await planned();
    assert.equal(result.planHash, plan.hash);
    assert.equal(result.builder, 'buildah');
    assert.deepEqual(
      result.images.map((i) => [i.component, i.image, i.status]),
      [['api', plan.images[0]!.image, 'pushed']],
    );
    assert.match(stderr, /building .*scratchapp-api.* \(api\)/);
    const digest = (await crane(registry, ['digest', plan.images[0]!.image])).trim();
    assert.equal(result.images[0]!.digest, digest);
    const check = await checkTarget(plan, env);
    assert.deepEqual(check.warnings, []);
  });

  it('checks a pinned digest, not only the tag', async () => {
    const { plan, env } = await planned();
    const pushed = plan.images[0]!.image;
    const wrong = `${pushed}@sha256:${'0'.repeat(64)}`;
    const pinned = { ...env, components: { api: { image: wrong } } };
    const p2 = await planDeployment(await analyzeRepository(repo), pinned);
    await assert.rejects(checkTarget(p2, pinned), /is not in its registry/);
    const right = `${pushed}@${(await crane(registry, ['digest', pushed])).trim()}`;
    const ok = { ...env, components: { api: { image: right } } };
    await checkTarget(await planDeployment(await analyzeRepository(repo), ok), ok);
  });

  it('names a registry that cannot be reached, and skips the check when verify is off', async () => {
    const closed = `127.0.0.1:${await freePort()}`;
    writeStack('staging', closed);
    const { plan, env } = await planned('staging');
    await assert.rejects(checkTarget(plan, env), (err: unknown) => {
      assert.ok(err instanceof PreflightError);
      assert.match(
        err.message,
        new RegExp(
          `1 image\\(s\\) cannot be checked, http://${closed} cannot be reached: ECONNREFUSED: ${closed}/scratchapp-api:src-\\S+ \\(api\\)`,
        ),
      );
      assert.match(err.message, /stackpilot:images\.verify: off/);
      return true;
    });
    const off = { ...env, images: { ...env.images, verify: 'off' as const } };
    await checkTarget(plan, off);
  });

  it('names a malformed image reference and its component in the build', async () => {
    writeStack('staging', 'Not A Host');
    const { code, stderr } = await build(['--env', 'staging']);
    assert.equal(code, 2, stderr);
    assert.match(
      stderr,
      /malformed image reference "Not A Host\/scratchapp-api:src-\S+" \(component api\)/,
    );
  });

  describe('in the cluster, with no builder on this machine (Kaniko Jobs)', () => {
    // Sources of their own, so that no earlier test pushed their tag.
    let own: string;
    before(() => {
      own = join(work, 'in-cluster');
      cpSync(repo, own, { recursive: true });
      writeFileSync(join(own, 'api', 'index.html'), '<h1>built in the cluster</h1>\n');
    });
    const inCluster = (extra: NodeJS.ProcessEnv = {}) =>
      build(['--env', 'dev', '--push', '--json'], own, {
        STACKPILOT_BUILDER: 'cluster',
        STACKPILOT_BUILD_TIMEOUT_SECONDS: '60',
        ...extra,
      });

    it("uploads the context to the registry and runs a Kaniko Job that pushes the plan's tag", async () => {
      const plan = await planDeployment(
        await analyzeRepository(own),
        await loadEnvironment(stacks, 'dev'),
      );
      const { code, stdout, stderr } = await inCluster();
      const result = BuildResultSchema.parse(JSON.parse(stdout));
      assert.equal(result.builder, 'cluster', stderr);
      // The Job as created: Kaniko pushing exactly the plan's tag, over plain HTTP to loopback.
      const jobs = await cluster.api.list<{
        metadata: { name: string };
        spec: {
          template: {
            spec: {
              containers: { image: string; args: string[] }[];
              initContainers: { env: { value: string }[] }[];
            };
          };
        };
      }>('/apis/batch/v1/namespaces/stackpilot-builds/jobs');
      assert.equal(jobs.length, 1);
      const pod = jobs[0]!.spec.template.spec;
      assert.match(pod.containers[0]!.image, /kaniko-project\/executor:v/);
      assert.ok(pod.containers[0]!.args.includes(`--destination=${plan.images[0]!.image}`));
      assert.ok(pod.containers[0]!.args.includes('--insecure'));
      // The context it fetches is in the registry: a tar.gz with the sources and the Dockerfile.
      const url = pod.initContainers[0]!.env[0]!.value;
      assert.ok(url.startsWith(`${registry.url}/v2/scratchapp-api/blobs/sha256:`), url);
      const listing = await exec('sh', ['-c', `curl -sf "${url}" | tar -tz`]);
      // The sources and the Dockerfile, without the .env file (a secret stays on this machine).
      assert.deepEqual(listing.stdout.trim().split('\n').sort(), [
        '.stackpilot.Dockerfile',
        'Dockerfile',
        'index.html',
      ]);
      // kwok nodes run no container: the Job completes without pushing, and the check after it says so.
      assert.equal(code, 5, stderr);
      assert.match(
        result.images[0]!.error ?? '',
        /was pushed, but the registry does not hold its tag \(the build Job reported success\)/,
      );
    });

    it('names the container and its exit when the build Job fails', async () => {
      const { code, stdout } = await inCluster({ STACKPILOT_KANIKO_IMAGE: failingImage('exit') });
      assert.equal(code, 5);
      const result = BuildResultSchema.parse(JSON.parse(stdout));
      assert.match(
        result.images[0]!.error ?? '',
        /building image \S+scratchapp-api:src-\S+ \(component api\) in Job stackpilot-builds\/build-api-\w+ failed: container kaniko: \w+(, last)?,? exit code [1-9]/,
      );
    });
  });

  describe('with a registry that needs a login', () => {
    let locked: TestRegistry;
    before(async () => {
      locked = await startRegistry({ auth: { username: 'ci', password: 'pushpass' } });
      await pushScratchImage(locked, 'scratchapp-api', 'v1');
    });
    after(() => locked?.stop());

    it('says 401 and what to set without credentials, and passes with them', async () => {
      writeStack('prod', locked.host);
      const { env } = await planned('prod');
      const pinned = { ...env, components: { api: { image: `${locked.host}/scratchapp-api:v1` } } };
      const plan = await planDeployment(await analyzeRepository(repo), pinned);
      const anonymous = { credentials: () => undefined };
      await assert.rejects(checkTarget(plan, pinned, anonymous), (err: unknown) => {
        assert.match(String(err), /scratchapp-api:v1 \(api\) cannot be checked: .*HTTP 401/);
        assert.match(String(err), /STACKPILOT_REGISTRY_USERNAME and STACKPILOT_REGISTRY_PASSWORD/);
        assert.doesNotMatch(String(err), /pushpass/);
        return true;
      });
      await checkTarget(plan, pinned, { credentials: () => locked.auth });
    });
  });
});
