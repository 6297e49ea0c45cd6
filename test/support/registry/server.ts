/**
 * A real OCI registry for tests: the distribution registry (`registry serve`) on a free loopback
 * port, filesystem storage in a temp dir, htpasswd (bcrypt) auth when asked. Its process is
 * tracked like the test cluster's, so none outlives the test process.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { freePort, start, stop, tail, type Proc } from '../cluster/processes';
import { imageTool } from './tools';

/** A user name and password for the registry's basic auth. */
export interface Credentials {
  username: string;
  password: string;
}

/** Options of a test registry. */
export interface RegistryOptions {
  /** Require this user (htpasswd auth); without it the registry is open. */
  auth?: Credentials;
  /** How long to wait for `GET /v2/` to answer, in ms. Default 10 000. */
  readyTimeoutMs?: number;
}

/** A running test registry. */
export interface TestRegistry {
  /** `127.0.0.1:PORT`: the registry part of an image reference. */
  readonly host: string;
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** The user it requires, when started with auth. */
  readonly auth: Credentials | undefined;
  /** `Basic …` for an `Authorization` header, when started with auth. */
  readonly authorization: string | undefined;
  /**
   * A DOCKER_CONFIG dir whose config.json holds this registry's credentials (no `auths` entry
   * without auth), for crane and other clients through their environment, never their argv.
   */
  readonly dockerConfig: string;
  /** That config.json (an auth file for `buildah --authfile`). */
  readonly authFile: string;
  /** The scratch dir: config, storage, log; removed by stop(). */
  readonly dir: string;
  /** The registry's log file. */
  readonly log: string;
  /** Stops the registry by PID, waits for it to exit, and removes its scratch dir. */
  stop(): Promise<void>;
}

function registryConfig(dir: string, port: number, htpasswd: string | undefined): unknown {
  return {
    version: '0.1',
    log: { level: 'info', accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: join(dir, 'data') },
      delete: { enabled: true },
    },
    http: { addr: `127.0.0.1:${port}`, secret: randomBytes(16).toString('hex') },
    ...(htpasswd ? { auth: { htpasswd: { realm: 'stackpilot-test', path: htpasswd } } } : {}),
  };
}

/** Resolves once `GET /v2/` gives `expected`; fails early, with the log tail, if the process exits. */
async function waitReady(p: Proc, url: string, expected: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    if (p.child.exitCode !== null || p.child.signalCode !== null)
      throw new Error(
        `test registry: exited (${p.child.exitCode ?? p.child.signalCode}) before answering GET ${url}/v2/\n${tail(p)}`,
      );
    try {
      const res = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === expected) return;
      last = `status ${res.status}, expected ${expected}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline)
      throw new Error(
        `test registry: GET ${url}/v2/ did not answer ${expected} within ${timeoutMs} ms (${last})\n${tail(p)}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts a distribution registry on a free loopback port. `registry` must be built
 * (`npm run setup`); the promise rejects with the registry's log tail if it does not come up.
 */
export async function startRegistry(options: RegistryOptions = {}): Promise<TestRegistry> {
  const bin = imageTool('registry');
  const { auth } = options;
  if (auth && (auth.username === '' || auth.username.includes(':')))
    throw new Error(`test registry: a user name must be non-empty and without ':'`);
  const dir = mkdtempSync(join(tmpdir(), 'stackpilot-registry-'));
  let proc: Proc | undefined;
  try {
    const port = await freePort();
    const host = `127.0.0.1:${port}`;
    const url = `http://${host}`;
    let htpasswd: string | undefined;
    let authorization: string | undefined;
    const auths: Record<string, { auth: string }> = {};
    if (auth) {
      htpasswd = join(dir, 'htpasswd');
      // Cost 4, the least bcrypt allows: the registry checks it on every request.
      writeFileSync(htpasswd, `${auth.username}:${bcrypt.hashSync(auth.password, 4)}\n`, {
        mode: 0o600,
      });
      const basic = Buffer.from(`${auth.username}:${auth.password}`).toString('base64');
      authorization = `Basic ${basic}`;
      auths[host] = { auth: basic };
    }
    const dockerConfig = join(dir, 'docker');
    mkdirSync(dockerConfig, { mode: 0o700 });
    const authFile = join(dockerConfig, 'config.json');
    writeFileSync(authFile, JSON.stringify({ auths }, null, 2) + '\n', { mode: 0o600 });
    // JSON is YAML: the registry reads this as its config.yml.
    const config = join(dir, 'config.yml');
    writeFileSync(config, JSON.stringify(registryConfig(dir, port, htpasswd), null, 2) + '\n');
    const log = join(dir, 'registry.log');
    proc = start('registry', bin, ['serve', config], log);
    await waitReady(proc, url, auth ? 401 : 200, options.readyTimeoutMs ?? 10_000);

    const running = proc;
    let stopped: Promise<void> | undefined;
    return {
      host,
      url,
      auth,
      authorization,
      dockerConfig,
      authFile,
      dir,
      log,
      stop: () =>
        (stopped ??= stop(running).then(() => rmSync(dir, { recursive: true, force: true }))),
    };
  } catch (err) {
    if (proc) await stop(proc);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
