/**
 * The CLI as a CI runner gets it: `npm pack` of the working tree, then
 * `npm install --global --prefix <tmp> <tarball>` from the npm registry this machine uses, with
 * HOME an empty directory and no engine variable set, so that no engine cache can be found and
 * anything that fetched or built one would leave it under that HOME. The installed `stackpilot`
 * then runs what a runner runs (no engine), and the Dockerfile's CMD and HEALTHCHECK command
 * (with the engine, as in the image).
 *
 * The pack runs in a copy of the working tree (its files as git lists them, node_modules linked)
 * because prepack rebuilds dist/, which tests running beside this one read.
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { engineCacheDir } from '../../src/engine';
import { AppModelSchema } from '../../src/model/app';
import { DeploymentPlanSchema } from '../../src/model/plan';
import {
  execForm,
  healthcheckArgv,
  instructions,
  repositoryDockerfile,
} from './support/dockerfile';
import { REPO_ROOT } from './support/engine';

/** What `npm pack --json` says of one tarball. */
interface PackResult {
  filename: string;
  files: { path: string }[];
}

/** What may be in the tarball: the compiled CLI, the engine set-up, README and licence. */
const ALLOWED =
  /^(package\.json|README\.md|LICEN[CS]E(\.\w+)?|dist\/src\/.+\.js|scripts\/setup-engine\.sh|scripts\/engine\/.+)$/;

/** Every file of a directory, relative, sorted. */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/** A free loopback port (closed again before use; good enough for one test). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** Fails with the command's output when it did not exit 0. */
function ok(res: SpawnSyncReturns<string>, what: string): string {
  assert.equal(res.status, 0, `${what} exited ${res.status}:\n${res.stdout}\n${res.stderr}`);
  return res.stdout;
}

describe('the packed CLI (npm pack, npm install --global from the tarball)', function () {
  // An install from the registry compiles better-sqlite3: minutes on these machines.
  this.timeout(900_000);
  const version = (
    JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }
  ).version;
  let root: string;
  let source: string;
  let tarball: string;
  let packed: PackResult;
  let prefix: string;
  let home: string;
  let work: string;
  let server: ChildProcess | undefined;

  /** This machine's npm settings, for a child whose HOME no longer leads to them. */
  const npmConfig = (key: string) =>
    ok(
      spawnSync('npm', ['config', 'get', key], { encoding: 'utf8' }),
      `npm config get ${key}`,
    ).trim();

  /** No HOME of ours, no engine variable, none of the npm variables `npm test` sets. */
  const isolated = (homeDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: homeDir, NO_COLOR: '1' };
    for (const key of Object.keys(env))
      if (/^(STACKPILOT_|PULUMI_|npm_)/i.test(key) || key === 'INIT_CWD') delete env[key];
    return { ...env, ...extra };
  };
  const stackpilot = (args: string[]) =>
    spawnSync(join(prefix, 'bin', 'stackpilot'), args, {
      cwd: work,
      encoding: 'utf8',
      env: isolated(home),
    });

  before(function () {
    root = mkdtempSync(join(tmpdir(), 'stackpilot-package-'));
    source = join(root, 'source');
    const files = ok(
      spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
      }),
      'git ls-files',
    )
      .split('\0')
      .filter((f) => f && existsSync(join(REPO_ROOT, f)));
    for (const file of files) {
      mkdirSync(dirname(join(source, file)), { recursive: true });
      copyFileSync(join(REPO_ROOT, file), join(source, file));
    }
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(source, 'node_modules'), 'dir');

    const out = join(root, 'pack');
    mkdirSync(out);
    const pack = spawnSync('npm', ['pack', '--json', '--pack-destination', out], {
      cwd: source,
      encoding: 'utf8',
      env: isolated(process.env.HOME ?? root),
    });
    packed = (JSON.parse(ok(pack, 'npm pack')) as PackResult[])[0]!;
    tarball = join(out, packed.filename);

    prefix = join(root, 'prefix');
    home = join(root, 'home');
    work = join(root, 'work');
    mkdirSync(home);
    cpSync(join(REPO_ROOT, 'examples', 'fullstack'), join(work, 'app'), { recursive: true });
    cpSync(join(REPO_ROOT, 'stacks'), join(work, 'stacks'), { recursive: true });
    const env = isolated(home, {
      // The registry, node headers and cache settings of this machine, not of the empty HOME.
      npm_config_userconfig: npmConfig('userconfig'),
      npm_config_cache: npmConfig('cache'),
    });
    const install = spawnSync(
      'npm',
      ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', tarball],
      { cwd: root, encoding: 'utf8', env },
    );
    ok(install, 'npm install --global <tarball>');
  });

  after(() => {
    server?.kill('SIGKILL');
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('packs the compiled CLI, the engine set-up scripts and the README, and nothing else', () => {
    const entries = ok(spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' }), 'tar -t')
      .split('\n')
      .filter(Boolean)
      .map((e) => e.replace(/^package\//, ''))
      .sort();
    assert.deepEqual(entries, packed.files.map((f) => f.path).sort(), 'npm and tar agree');
    assert.deepEqual(
      entries.filter((e) => !ALLOWED.test(e)),
      [],
    );
    assert.deepEqual(
      entries.filter((e) =>
        /\.map$|(^|\/)(test|fixtures|\.stackpilot|node_modules)\/|^src\/|\.env/.test(e),
      ),
      [],
    );
    for (const needed of [
      'package.json',
      'README.md',
      'dist/src/cli/main.js',
      'dist/src/server/server.js',
      'scripts/setup-engine.sh',
      'scripts/engine/random-provider/go.mod',
    ])
      assert.ok(entries.includes(needed), `${needed} is packed`);
    // Everything prepack compiled is in it.
    const built = listFiles(join(source, 'dist', 'src'))
      .filter((f) => f.endsWith('.js'))
      .map((f) => `dist/src/${f}`);
    assert.deepEqual(
      built.filter((f) => !entries.includes(f)),
      [],
    );
    assert.ok(
      built.every((f) => !readFileSync(join(source, f), 'utf8').includes('sourceMappingURL')),
      'the packed build has no source-map references',
    );

    const manifest = JSON.parse(
      ok(
        spawnSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }),
        'tar -x',
      ),
    ) as { private?: boolean; bin: Record<string, string>; scripts: Record<string, string> };
    assert.equal(manifest.private, true, 'packable, never published');
    assert.equal(manifest.bin.stackpilot, 'dist/src/cli/main.js');
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare'])
      assert.equal(
        manifest.scripts[hook],
        undefined,
        `no ${hook} script: installing sets up no engine`,
      );
  });

  it('runs --version, gate --help, analyze and plan from the install, with no engine', () => {
    assert.equal(ok(stackpilot(['--version']), '--version').trim(), version);
    const help = ok(stackpilot(['gate', '--help']), 'gate --help');
    assert.match(help, /--server <url>/);
    assert.match(help, /STACKPILOT_TOKEN/);

    const app = AppModelSchema.parse(
      JSON.parse(ok(stackpilot(['analyze', 'app', '--json']), 'analyze')),
    );
    const names = app.components.map((c) => c.name);
    for (const name of ['api', 'chat', 'web', 'worker']) assert.ok(names.includes(name), name);
    const state = join(root, 'state');
    const plan = DeploymentPlanSchema.parse(
      JSON.parse(
        ok(
          stackpilot([
            '--state-dir',
            state,
            '--stacks',
            'stacks',
            'plan',
            'app',
            '--env',
            'dev',
            '--json',
          ]),
          'plan',
        ),
      ),
    );
    assert.equal(plan.environment, 'dev');
  });

  it('says the engine is not set up when a command needs it, instead of fetching one', () => {
    const res = stackpilot([
      '--state-dir',
      join(root, 'state'),
      'render',
      'app',
      '--env',
      'dev',
      '--out',
      'out',
    ]);
    assert.equal(res.status, 2, res.stderr);
    assert.match(res.stderr, /the Pulumi engine is not set up/);
    // The SQLite store works: better-sqlite3 was compiled by the install.
    assert.match(
      ok(
        stackpilot([
          '--state-dir',
          join(root, 'state'),
          'tokens',
          'create',
          'ci',
          '--role',
          'deployer',
        ]),
        'tokens',
      ),
      /^sp_/,
    );
  });

  it('left nothing under the empty HOME: no engine cache, no Pulumi home, no Go build', () => {
    assert.deepEqual(listFiles(home), []);
  });

  it("serves with the Dockerfile's CMD, and its HEALTHCHECK command passes, then fails once stopped", async () => {
    const runtime = repositoryDockerfile().stages.at(-1)!;
    const cmd = execForm(instructions(runtime, 'CMD').at(-1)!);
    const probe = healthcheckArgv(instructions(runtime, 'HEALTHCHECK')[0]!);
    const port = String(await freePort());
    // The image's paths, here: the state volume, the stack files, the allowed root.
    const paths: Record<string, string> = {
      '/var/lib/stackpilot': join(root, 'server-state'),
      '/etc/stackpilot/stacks': join(work, 'stacks'),
      '/srv/repos': join(root, 'repos'),
    };
    mkdirSync(paths['/srv/repos']!);
    const args = cmd.slice(1).map((a) => paths[a] ?? (a === '7070' ? port : a));
    assert.ok(args.includes(port), 'the CMD names the port');
    const serverHome = join(root, 'server-home');
    mkdirSync(serverHome);
    // The image holds the engine at STACKPILOT_ENGINE_DIR; here that is the one `npm run setup` built.
    const env = isolated(serverHome, { STACKPILOT_ENGINE_DIR: engineCacheDir() });
    server = spawn(join(prefix, 'bin', 'stackpilot'), args, {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) =>
      server!.on('exit', (code) => resolve(code)),
    );
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${stderr}`)), 60_000);
      server!.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('listening on')) {
          clearTimeout(timer);
          resolve();
        }
      });
      server!.on('exit', (code) => reject(new Error(`server exited ${code}:\n${stderr}`)));
    });

    const healthcheck = () =>
      spawnSync(
        probe[0]!,
        probe.slice(1).map((a) => a.replace(':7070/', `:${port}/`)),
        { encoding: 'utf8' },
      );
    ok(healthcheck(), 'the HEALTHCHECK command');
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    assert.deepEqual(await ready.json(), {
      status: 'ready',
      checks: { database: true, engine: true },
    });

    server.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
    server = undefined;
    assert.equal(healthcheck().status, 1, 'the probe fails when nothing answers');
  });
});
