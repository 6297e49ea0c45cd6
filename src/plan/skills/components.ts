/**
 * Which components run where, and the facts about them every skill asks: data service or
 * not, managed or disabled in this environment, ports, database targets, how migrations run.
 * Lookups go through an index built once per AppModel, so planning stays linear in app size.
 */
import type { AppModel, Component } from '../../model/app';
import type { Environment } from '../../model/environment';
import { dataEngine, DATA_CATALOG } from './data-catalog';

/** Kinds that hold state and are run from a pinned upstream image, never built. */
const DATA_KINDS = new Set<Component['kind']>(['database', 'cache', 'queue']);
/** Kinds that serve HTTP when they have a port. */
const HTTP_KINDS = new Set<Component['kind']>(['frontend', 'backend', 'chatbot', 'proxy']);

export function isDataComponent(c: Component): boolean {
  return DATA_KINDS.has(c.kind);
}

/** A data component the environment supplies as a managed service (no in-cluster StatefulSet). */
export function isManaged(env: Environment, c: Component): boolean {
  if (!isDataComponent(c)) return false;
  const engine = dataEngine(c);
  return engine !== undefined && env.managed[engine];
}

/**
 * Not deployed in this environment: disabled in the stack, behind a compose profile (compose
 * starts those only on request), or only a development aid (a test harness, a load generator,
 * a mail catcher, an admin UI). `disabled: false` in the stack deploys the latter two.
 */
export function isDisabled(env: Environment, c: Component): boolean {
  const set = env.components[c.name]?.disabled;
  return set ?? ((c.features.profiles?.length ?? 0) > 0 || c.features.optional !== undefined);
}

/** Why a component is not deployed, for decisions. */
export function disabledReason(env: Environment, c: Component): string {
  const enable = `set stackpilot:components.${c.name}.disabled: false to deploy it`;
  if (env.components[c.name]?.disabled === true)
    return `stackpilot:components.${c.name}.disabled is set in ${env.name}`;
  if (c.features.optional) return `${c.features.optional.reason}; ${enable}`;
  return `compose starts it only with profile ${(c.features.profiles ?? []).join(', ')}; ${enable}`;
}

/** Components that run in the cluster in this environment, sorted by name. */
export function inClusterComponents(app: AppModel, env: Environment): Component[] {
  return app.components
    .filter((c) => !isDisabled(env, c) && !isManaged(env, c))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** In-cluster components the planner builds and runs itself (not data services). */
export function appComponents(app: AppModel, env: Environment): Component[] {
  return inClusterComponents(app, env).filter((c) => !isDataComponent(c));
}

/** In-cluster data services (Redis, RabbitMQ, Postgres…). */
export function dataComponents(app: AppModel, env: Environment): Component[] {
  return inClusterComponents(app, env).filter(isDataComponent);
}

/** Lookups over one AppModel, built once: planning a 500-component app must not scan it per question. */
interface AppIndex {
  byName: Map<string, Component>;
  edgesFrom: Map<string, AppModel['edges']>;
  externals: Map<string, AppModel['externalServices'][number]>;
  dbTargets: Map<string, string[]>;
}

const appIndexes = new WeakMap<AppModel, AppIndex>();

function indexOf(app: AppModel): AppIndex {
  let index = appIndexes.get(app);
  if (!index) {
    const edgesFrom = new Map<string, AppModel['edges']>();
    for (const e of app.edges)
      (edgesFrom.get(e.from) ?? edgesFrom.set(e.from, []).get(e.from)!).push(e);
    index = {
      byName: new Map(app.components.map((c) => [c.name, c])),
      edgesFrom,
      externals: new Map(app.externalServices.map((s) => [s.id, s])),
      dbTargets: new Map(),
    };
    appIndexes.set(app, index);
  }
  return index;
}

export function findComponent(app: AppModel, name: string): Component | undefined {
  return indexOf(app).byName.get(name);
}

/** Dependency edges leaving component `name`. */
export function edgesFrom(app: AppModel, name: string): AppModel['edges'] {
  return indexOf(app).edgesFrom.get(name) ?? [];
}

/** Postgres a component talks to (component names or external ids), sorted: what its migrations reach. */
export function databaseTargets(app: AppModel, c: Component): string[] {
  const index = indexOf(app);
  const cached = index.dbTargets.get(c.name);
  if (cached) return cached;
  const targets = edgesFrom(app, c.name)
    .filter((e) => {
      if (e.target === 'external') return index.externals.get(e.to)?.kind === 'postgres';
      const t = findComponent(app, e.to);
      return t !== undefined && isDataComponent(t) && dataEngine(t) === 'postgres';
    })
    .map((e) => e.to)
    .sort();
  index.dbTargets.set(c.name, targets);
  return targets;
}

/** Framework name in lowercase, or `''`. */
export function frameworkOf(c: Component): string {
  return (c.framework?.name ?? '').toLowerCase();
}

export function isNextJs(c: Component): boolean {
  return /^next(\.?js)?$/.test(frameworkOf(c));
}

/**
 * The port the component listens on as the analysis found it, else the framework's default;
 * none for workers and jobs. What a generated Dockerfile is built for; everything else reads
 * {@link primaryPort}, which applies the stack's override.
 */
export function analyzedPort(c: Component): number | undefined {
  const engine = dataEngine(c);
  if (isDataComponent(c) && engine) return DATA_CATALOG[engine].ports[0]!.containerPort;
  if (c.port !== undefined) return c.port;
  if (!HTTP_KINDS.has(c.kind)) return undefined;
  const fw = frameworkOf(c);
  if (isNextJs(c) || fw === 'express' || fw === 'nestjs' || fw === 'remix') return 3000;
  if (fw === 'flask') return 5000;
  if (c.language === 'python') return 8000;
  return 8080;
}

/**
 * Why `stackpilot:components.<name>.port` cannot apply to `c`, or `undefined` when it can: a
 * data service runs a pinned image on that image's port, and a component without a port
 * (a worker, a job) has nothing to correct.
 */
export function portOverrideProblem(c: Component): string | undefined {
  const engine = dataEngine(c);
  if (isDataComponent(c) && engine)
    return `${c.name} runs the pinned ${engine} image, which listens on ${analyzedPort(c)}; its port is not a stack setting`;
  if (analyzedPort(c) === undefined)
    return `${c.name} is a ${c.kind} that listens on no port; a port override would change nothing`;
  return undefined;
}

/**
 * The port the component's process listens on in `env`: `stackpilot:components.<name>.port`
 * when the stack sets it (and it applies, see {@link portOverrideProblem}), else
 * {@link analyzedPort}. The one place a skill reads a component's port, so the container
 * port, Service, probes, network policies and dependents' URLs always agree.
 */
export function primaryPort(c: Component, env: Environment): number | undefined {
  const override = env.components[c.name]?.port;
  return override !== undefined && portOverrideProblem(c) === undefined
    ? override
    : analyzedPort(c);
}

/** Named container ports of a component in `env` (data services may have several). */
export function containerPorts(
  c: Component,
  env: Environment,
): Array<{ name: string; containerPort: number }> {
  const engine = dataEngine(c);
  if (isDataComponent(c) && engine) return DATA_CATALOG[engine].ports.map((p) => ({ ...p }));
  const port = primaryPort(c, env);
  return port === undefined
    ? []
    : [{ name: isDataComponent(c) ? 'tcp' : 'http', containerPort: port }];
}

/**
 * Serves HTTP: gets a ClusterIP Service, HTTP probes and discovery URLs. A port override
 * never changes it: it applies only where the component already has a port.
 */
export function servesHttp(c: Component): boolean {
  return (
    !isDataComponent(c) && analyzedPort(c) !== undefined && c.kind !== 'worker' && c.kind !== 'job'
  );
}

/** In-cluster DNS name of a component's Service. */
export function serviceHost(env: Environment, name: string): string {
  return `${name}.${env.namespace}.svc.cluster.local`;
}

/** Lowercase DNS-1123 form of an identifier: `OPENAI_API_KEY` → `openai-api-key`. */
export function kebab(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * How a component's migrations run: a job component it already waits for (compose
 * `migrate` service with `service_completed_successfully`), else its own Job `<c>-migrate`;
 * `undefined` when it has none.
 */
export function migrationOf(
  app: AppModel,
  env: Environment,
  c: Component,
): { job: string; own: boolean } | undefined {
  if (!c.features.migrations) return undefined;
  const runner = edgesFrom(app, c.name)
    .filter((e) => e.target === 'component')
    .map((e) => findComponent(app, e.to))
    .filter(
      (t): t is Component =>
        t !== undefined && !isDataComponent(t) && t.kind === 'job' && !isDisabled(env, t),
    )
    .sort((a, b) => (a.name < b.name ? -1 : 1))[0];
  return runner ? { job: runner.name, own: false } : { job: `${c.name}-migrate`, own: true };
}

/** The component whose migrations job component `job` runs, if it is such a runner. */
export function migratedBy(app: AppModel, env: Environment, job: Component): Component | undefined {
  return app.components
    .filter((c) => c.features.migrations)
    .find((c) => {
      const m = migrationOf(app, env, c);
      return m !== undefined && !m.own && m.job === job.name;
    });
}

/**
 * Per database (component name or external id), the components whose migrations change it
 * and the Job that runs them, sorted. Cached per (app, env).
 */
export function migratorsByDatabase(
  app: AppModel,
  env: Environment,
): Map<string, Array<{ component: string; job: string }>> {
  const byEnv = migratorCache.get(app) ?? migratorCache.set(app, new WeakMap()).get(app)!;
  let map = byEnv.get(env);
  if (!map) {
    map = new Map();
    for (const c of [...app.components].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const m = migrationOf(app, env, c);
      if (!m || isDisabled(env, c)) continue;
      for (const db of databaseTargets(app, c))
        (map.get(db) ?? map.set(db, []).get(db)!).push({ component: c.name, job: m.job });
    }
    byEnv.set(env, map);
  }
  return map;
}

const migratorCache = new WeakMap<
  AppModel,
  WeakMap<Environment, Map<string, Array<{ component: string; job: string }>>>
>();

/** A Celery beat scheduler: exactly one may run, or scheduled tasks fire twice. */
export function isSingleton(c: Component): boolean {
  return (
    /\bcelery\b.*\bbeat\b/.test(c.startCommand ?? '') ||
    /\b(apscheduler|clock)\b/.test(c.startCommand ?? '')
  );
}

const LAUNCHER =
  /^((?:uv run(?: --[-a-z]+)*|poetry run|pipenv run|pdm run|hatch run|bundle exec) )/;

/**
 * The launcher in front of the process in the start command (`uv run --no-sync `,
 * `poetry run `), or `''`: tools installed in the project's environment are only on the
 * PATH through it. With `tool`, only when the command runs that tool.
 */
export function launcherPrefix(c: Component, tool?: string): string {
  const m = LAUNCHER.exec(c.startCommand ?? '');
  if (!m) return '';
  return tool === undefined || (c.startCommand ?? '').slice(m[1]!.length).startsWith(tool)
    ? m[1]!
    : '';
}

/** The migration command as the image runs it: through the same launcher as the start command. */
export function migrationCommand(c: Component): string | undefined {
  const cmd = c.features.migrations?.command;
  if (cmd === undefined) return undefined;
  return LAUNCHER.test(cmd) ? cmd : `${launcherPrefix(c)}${cmd}`;
}

/**
 * Why `stackpilot:components.<name>.healthPath` cannot apply to `c`, or `undefined`: only a
 * component that serves HTTP gets HTTP probes.
 */
export function healthPathOverrideProblem(c: Component): string | undefined {
  return servesHttp(c)
    ? undefined
    : `${c.name} is a ${c.kind} that serves no HTTP, so no probe requests a path`;
}

/**
 * The paths the probes of `c` request in `env`. The stack's `healthPath` names the one path
 * the app answers: it replaces both the analyzed health path and the readiness path, so no
 * probe keeps asking for a path the stack said is wrong. Routing still reads the analyzed
 * paths (they are evidence of where the app serves, not what the probes ask).
 */
export function probePaths(
  c: Component,
  env: Environment,
): { healthPath?: string; readinessPath?: string; override?: string } {
  const override = env.components[c.name]?.healthPath;
  if (override !== undefined && healthPathOverrideProblem(c) === undefined)
    return { healthPath: override, override };
  return {
    ...(c.healthPath !== undefined ? { healthPath: c.healthPath } : {}),
    ...(c.readinessPath !== undefined ? { readinessPath: c.readinessPath } : {}),
  };
}
