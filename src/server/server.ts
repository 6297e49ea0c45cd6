/** Starts the HTTP server on 127.0.0.1: store, engine, runner, start-up recovery, then listen. */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { Engine, findToolchain, type MissingSecretPolicy, type PassphrasePolicy } from '../engine';
import { buildImages } from '../images/build';
import { openStore, systemClock, type Clock, type Store } from '../store';
import { createApp } from './app';
import type { AppDeps, BusyPolicy, EngineLike, Pipeline } from './deps';
import { createLogger } from './logger';
import { Metrics } from './metrics';
import { realRoots } from './paths';
import { libraryPipeline } from './pipeline';
import { OperationRunner } from './runner';
import { loadServerSkills } from './skills';
import { recoverInterrupted, type StartupReport } from './startup';

/** How the server is set up. Every option has a default. */
export interface ServerOptions {
  /** Engine state and database directory. Default `.stackpilot`. */
  stateDir?: string;
  /** SQLite database file. Default `<stateDir>/stackpilot.db`. */
  databaseFile?: string;
  /** Directory of the `Pulumi.<env>.yaml` stack files. Default `stacks`. */
  stacksDir?: string;
  /** Directories under which POST /v1/analyses may read. Default none (analyses refused with 403). */
  allowedRoots?: string[];
  /** TCP port on 127.0.0.1. Default 0: a free port. */
  port?: number;
  /** A request for a busy stack waits in line or is refused with 409. Default `queue`. */
  busy?: BusyPolicy;
  /** Secrets without a value on render targets: `error` (default) or `placeholder`. */
  missingSecrets?: MissingSecretPolicy;
  /** Environment of the engine (passphrase, `STACKPILOT_SECRET_*`). Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Passphrase policy when `PULUMI_CONFIG_PASSPHRASE` is unset. Default `require`. */
  passphrase?: PassphrasePolicy;
  /** Pulumi backend URL. Default a `file://` backend in the state directory. */
  backendUrl?: string;
  /** A ready-made engine, instead of one built from the options above. */
  engine?: EngineLike;
  /**
   * The server's own skills file (see `skills.ts`); given, it must exist. Default none: plans
   * run the built-in skills only.
   */
  skillsFile?: string;
  /**
   * Ids of skills of `skillsFile` that plan requests (a repository's declared skills) may ask
   * for; each must be a skill of that file. Default none.
   */
  allowRepoSkills?: string[];
  /** Analyze and plan stages. Default the library's, reading `stacksDir`. */
  pipeline?: Pipeline;
  /** Time source of timestamps and approval expiry. Default the system clock. */
  clock?: Clock;
  /** Logger. Default pino to stderr at `logLevel`. */
  logger?: Logger;
  /** Default `info`. */
  logLevel?: string;
  /** Largest accepted JSON body. Default `5mb`. */
  bodyLimit?: string;
  /** SSE keep-alive interval. Default 15 seconds. */
  heartbeatSeconds?: number;
}

/** A listening server. */
export interface RunningServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  store: Store;
  /** What start-up recovery did. */
  startup: StartupReport;
  /**
   * Stops accepting requests, cancels the running operations (the engine interrupts the pulumi
   * CLI, which stops cleanly and releases its lock) and the queued ones, waits for them to end,
   * and closes the database.
   */
  close(): Promise<void>;
}

/** Builds the app's collaborators from `options`. */
export function buildDeps(options: ServerOptions = {}): AppDeps {
  const stateDir = resolve(options.stateDir ?? '.stackpilot');
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ level: options.logLevel ?? 'info' });
  const allowedRoots = realRoots(options.allowedRoots ?? []);
  const skills = loadServerSkills(options.skillsFile, options.allowRepoSkills ?? []);
  const store = openStore({
    stateDir,
    ...(options.databaseFile ? { file: options.databaseFile } : {}),
    clock,
  });
  const engine =
    options.engine ??
    new Engine({
      stateDir,
      env,
      onBusy: 'refuse',
      passphrase: options.passphrase ?? 'require',
      ...(options.backendUrl ? { backendUrl: options.backendUrl } : {}),
    });
  // The runner reports finished operations to the metrics, which read the runner's queue.
  const holder: { metrics?: Metrics } = {};
  const runner = new OperationRunner({
    store,
    logger,
    onFinished: (op) => holder.metrics?.operations.inc({ kind: op.kind, status: op.status }),
  });
  const metrics = new Metrics({
    queueDepth: () => runner.queueDepth(),
    running: () => runner.running(),
  });
  holder.metrics = metrics;
  return {
    store,
    engine,
    pipeline: options.pipeline ?? libraryPipeline(resolve(options.stacksDir ?? 'stacks')),
    skills,
    runner,
    metrics,
    logger,
    clock,
    settings: {
      allowedRoots,
      busy: options.busy ?? 'queue',
      missingSecrets: options.missingSecrets ?? 'error',
      bodyLimit: options.bodyLimit ?? '5mb',
      heartbeatMs: (options.heartbeatSeconds ?? 15) * 1000,
    },
    buildImages: async (plan, repo, opts) => {
      // Generated Dockerfiles live as long as their build.
      const buildDir = mkdtempSync(join(tmpdir(), 'stackpilot-build-'));
      try {
        return await buildImages(plan, repo, { ...opts, buildDir, env });
      } finally {
        rmSync(buildDir, { recursive: true, force: true });
      }
    },
    engineReady: () => {
      try {
        findToolchain(env);
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** Starts the server on 127.0.0.1 and the given (or a free) port. */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const deps = buildDeps(options);
  const startup = recoverInterrupted(deps);
  if (startup.interrupted.length)
    deps.logger.warn(startup, 'marked operations of a previous process interrupted');
  const app = createApp(deps);
  const server = await new Promise<import('node:http').Server>((resolveListen, reject) => {
    const s = app.listen(options.port ?? 0, '127.0.0.1', (err?: Error) =>
      err ? reject(err) : resolveListen(s),
    );
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  deps.logger.info({ url }, 'stackpilot server listening');
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    store: deps.store,
    startup,
    close: () =>
      (closing ??= (async () => {
        const closed = new Promise<void>((r) => server.close(() => r()));
        server.closeIdleConnections();
        await deps.runner.cancelAll();
        server.closeAllConnections();
        await closed;
        deps.store.close();
      })()),
  };
}
