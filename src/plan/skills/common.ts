/**
 * Small pure helpers every built-in skill shares, so that skills agree on names, labels,
 * ports and which components run in the cluster without reading each other's output.
 */
import type { AppModel, Component, EnvVar } from '../../model/app';
import type { Environment } from '../../model/environment';
import type { ContainerEnv, PlanNode } from '../../model/plan';
import type { ComponentFacts, SkillInput } from '../skill';
import { dataEngine, DATA_CATALOG, dataSpec, type DataEngine } from './data-catalog';

/** The value of `app.kubernetes.io/managed-by` on everything stackpilot creates. */
export const MANAGED_BY = 'stackpilot';
/** Pod label carrying the blue-green colour. */
export const COLOR_LABEL = 'stackpilot.dev/color';
/** UID and GID every container runs as (≥ 10000, so it maps to no user on the node). */
export const RUN_AS_ID = 10001;

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
 * Not deployed in this environment: disabled in the stack, or behind a compose profile
 * (compose starts those only on request; `disabled: false` in the stack deploys them).
 */
export function isDisabled(env: Environment, c: Component): boolean {
  const set = env.components[c.name]?.disabled;
  return set ?? (c.features.profiles?.length ?? 0) > 0;
}

/** Why a component is not deployed, for decisions. */
export function disabledReason(env: Environment, c: Component): string {
  return env.components[c.name]?.disabled === true
    ? `stackpilot:components.${c.name}.disabled is set in ${env.name}`
    : `compose starts it only with profile ${(c.features.profiles ?? []).join(', ')}; set stackpilot:components.${c.name}.disabled: false to deploy it`;
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

/** The port the component listens on: as analyzed, else the framework's default; none for workers and jobs. */
export function primaryPort(c: Component): number | undefined {
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

/** Named container ports of a component (data services may have several). */
export function containerPorts(c: Component): Array<{ name: string; containerPort: number }> {
  const engine = dataEngine(c);
  if (isDataComponent(c) && engine) return DATA_CATALOG[engine].ports.map((p) => ({ ...p }));
  const port = primaryPort(c);
  return port === undefined
    ? []
    : [{ name: isDataComponent(c) ? 'tcp' : 'http', containerPort: port }];
}

/** Serves HTTP: gets a ClusterIP Service, HTTP probes and discovery URLs. */
export function servesHttp(c: Component): boolean {
  return (
    !isDataComponent(c) && primaryPort(c) !== undefined && c.kind !== 'worker' && c.kind !== 'job'
  );
}

/** In-cluster DNS name of a component's Service. */
export function serviceHost(env: Environment, name: string): string {
  return `${name}.${env.namespace}.svc.cluster.local`;
}

/** Labels that select a component's pods (and, with a colour, one blue-green colour). */
export function selectorLabels(
  app: AppModel,
  env: Environment,
  name: string,
  color?: 'blue' | 'green',
): Record<string, string> {
  const labels: Record<string, string> = {
    // Label values are at most 63 characters.
    'app.kubernetes.io/instance': `${app.name}-${env.name}`.slice(0, 63).replace(/-+$/, ''),
    'app.kubernetes.io/name': name,
  };
  if (color) labels[COLOR_LABEL] = color;
  return labels;
}

/** Full recommended labels of a pod: selector labels plus component role, app and manager. */
export function podLabels(
  app: AppModel,
  env: Environment,
  name: string,
  role: string,
  color?: 'blue' | 'green',
): Record<string, string> {
  return {
    ...selectorLabels(app, env, name, color),
    'app.kubernetes.io/component': role,
    'app.kubernetes.io/managed-by': MANAGED_BY,
    'app.kubernetes.io/part-of': app.name,
  };
}

/** Lowercase DNS-1123 form of an identifier: `OPENAI_API_KEY` → `openai-api-key`. */
export function kebab(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Where a public component is reached: a host and a path prefix on it. */
export interface RouteRule {
  component: string;
  host: string;
  path: string;
  /** Why this host and path, for the decision record. */
  why: string;
}

/** Order in which public components claim the root path when there is no frontend. */
const ROOT_RANK: Partial<Record<Component['kind'], number>> = {
  frontend: 0,
  proxy: 1,
  chatbot: 2,
  backend: 3,
};

/** True when the component's known paths show it serves under `prefix` (e.g. `/api/health` under `/api`). */
function servesUnder(c: Component, prefix: string): boolean | undefined {
  const paths = [c.healthPath, c.readinessPath].filter((p): p is string => p !== undefined);
  if (!paths.length) return undefined;
  return paths.every((p) => p === prefix || p.startsWith(`${prefix}/`));
}

/**
 * Routing of public components. One component — the first frontend, else the first by
 * kind (proxy, chatbot, backend) — gets `/` on the environment's domain. The others get a
 * path prefix on the same host (`/api` for one backend, `/api/<name>` for several, `/chat`,
 * `/<name>`) when they serve under it; one whose known paths show it serves at the root
 * gets its own host `<name>.<domain>` instead, because an Ingress path does not strip the
 * prefix. Sorted by host and path.
 */
export function routeRules(app: AppModel, env: Environment): RouteRule[] {
  // Pure in (app, env), asked for once per env var: cached per input pair.
  const byEnv = routeCache.get(app) ?? routeCache.set(app, new WeakMap()).get(app)!;
  const hit = byEnv.get(env);
  if (hit) return hit;
  const rules = computeRouteRules(app, env);
  byEnv.set(env, rules);
  return rules;
}

const routeCache = new WeakMap<AppModel, WeakMap<Environment, RouteRule[]>>();

function computeRouteRules(app: AppModel, env: Environment): RouteRule[] {
  const pub = appComponents(app, env).filter((c) => c.public && servesHttp(c));
  if (!pub.length) return [];
  const root = [...pub].sort(
    (a, b) => (ROOT_RANK[a.kind] ?? 9) - (ROOT_RANK[b.kind] ?? 9) || (a.name < b.name ? -1 : 1),
  )[0]!;
  const rules: RouteRule[] = [
    {
      component: root.name,
      host: env.domain,
      path: '/',
      why:
        pub.length === 1
          ? 'the only public component'
          : `the ${root.kind} owns the root of the site`,
    },
  ];
  const rest = pub.filter((c) => c !== root);
  const count = (k: Component['kind']): number => rest.filter((c) => c.kind === k).length;
  for (const c of rest) {
    const base = c.kind === 'backend' ? '/api' : c.kind === 'chatbot' ? '/chat' : '';
    const prefix = base ? (count(c.kind) === 1 ? base : `${base}/${c.name}`) : `/${c.name}`;
    const under = servesUnder(c, prefix);
    if (under === false)
      rules.push({
        component: c.name,
        host: `${c.name}.${env.domain}`,
        path: '/',
        why: `${c.name} serves at the root (${c.healthPath ?? c.readinessPath}), and an Ingress path ${prefix} would reach it with the prefix still on, so it gets its own host`,
      });
    else
      rules.push({
        component: c.name,
        host: env.domain,
        path: prefix,
        why:
          under === true
            ? `${c.name} serves under ${prefix} (${c.healthPath ?? c.readinessPath}), so it shares the site's host and origin`
            : `${c.kind}s go under ${prefix} on the site's host; no health path shows whether ${c.name} serves under it`,
      });
  }
  return rules.sort((a, b) =>
    a.host + a.path < b.host + b.path ? -1 : a.host + a.path > b.host + b.path ? 1 : 0,
  );
}

/** `https://<domain>` (or `http://` without TLS). */
export function publicOrigin(env: Environment, host: string = env.domain): string {
  return `${env.tls.enabled ? 'https' : 'http'}://${host}`;
}

/** The public URL of a routed component, or `undefined` when it is not routed. */
export function publicUrl(app: AppModel, env: Environment, name: string): string | undefined {
  const rule = routeRules(app, env).find((r) => r.component === name);
  if (!rule) return undefined;
  return `${publicOrigin(env, rule.host)}${rule.path === '/' ? '' : rule.path}`;
}

/**
 * Secret names the application owns and can be generated at deploy time (session and
 * signing keys): nobody outside the app needs to know them.
 */
const APP_OWNED_SECRET =
  /^(SECRET_KEY|SESSION_(SECRET|KEY)|NEXTAUTH_SECRET|AUTH_SECRET|JWT_SECRET(_KEY)?|COOKIE_SECRET|CSRF_SECRET|APP_SECRET(_KEY)?|DJANGO_SECRET_KEY|FLASK_SECRET_KEY)$/;

/** Names under which Neon's direct (unpooled) URL is commonly read by migration tools. */
export const DIRECT_URL_NAMES = ['DATABASE_URL_UNPOOLED', 'DIRECT_DATABASE_URL', 'DIRECT_URL'];

/** Where one env var of a component gets its value in this environment. */
export type EnvRoute =
  /** In-cluster address (no credentials), set as a literal. */
  | { kind: 'discovery'; value: string; target: string }
  /** Inlined at build time (Next.js `NEXT_PUBLIC_*`): a build argument, not a runtime env. */
  | { kind: 'build-time'; value: string; target?: string; warning?: string }
  /** A Secret entry from Pulumi secret config `secrets:<NAME>`. */
  | { kind: 'secret-config'; configKey: string; target?: string }
  /** A Secret entry from a generated random value. */
  | { kind: 'secret-generated'; node: string }
  /** A Secret entry built from parts: a data-service URL carrying a generated password. */
  | { kind: 'secret-parts'; parts: Array<{ text: string } | { generated: string }>; target: string }
  /** Plain config: a literal value, or `undefined` when neither the app nor the env gives one. */
  | { kind: 'config'; value: string | undefined; source: 'override' | 'default' | 'none' }
  /** Plain config the planner derives for this environment (origins, hosts), with the reason. */
  | { kind: 'config'; value: string; source: 'derived'; reason: string }
  /** Not set: the target is not deployed here. */
  | { kind: 'skip'; reason: string };

/** Id of the generated-secret node holding a data service's password. */
export function dataPasswordNode(component: string): string {
  return `generated-secret/${component}-password`;
}

function dataUrlParts(
  env: Environment,
  target: Component,
  engine: DataEngine,
  v: EnvVar,
): Array<{ text: string } | { generated: string }> {
  const spec = dataSpec(engine, target);
  const host = serviceHost(env, target.name);
  const port = spec.ports[0]!.containerPort;
  // Keep the scheme the app's default uses (e.g. `postgresql+asyncpg`), else the engine's,
  // and for Redis the database index (apps split cache, broker and results by index).
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(v.defaultValue ?? '')?.[1] ?? spec.scheme;
  const redisDb =
    engine === 'redis' ? /^redis[^/]*\/\/[^/]*\/(\d+)$/.exec(v.defaultValue ?? '')?.[1] : undefined;
  const path = redisDb !== undefined ? `/${redisDb}` : spec.urlPath;
  return [
    { text: `${scheme}://${spec.user ?? ''}:` },
    { generated: dataPasswordNode(target.name) },
    { text: `@${host}:${port}${path}` },
  ];
}

const LOCAL = /localhost|127\.0\.0\.1|0\.0\.0\.0/;

/**
 * Config values that must change with the environment although the app gives a default:
 * allowed browser origins and hosts (the example values name localhost), the app's own
 * public URL, and DEBUG outside development.
 */
function derivedConfig(
  app: AppModel,
  env: Environment,
  c: Component,
  v: EnvVar,
): { value: string; reason: string } | undefined {
  const def = v.defaultValue;
  const local = def === undefined || def === '' || LOCAL.test(def);
  const rules = routeRules(app, env);
  const site = publicOrigin(env);
  if (v.name === 'ALLOWED_HOSTS' && local) {
    const own = rules.find((r) => r.component === c.name)?.host;
    const hosts = [
      ...new Set([
        ...(rules.length ? [env.domain] : []),
        ...(own ? [own] : []),
        c.name,
        serviceHost(env, c.name),
        'localhost',
        '127.0.0.1',
      ]),
    ];
    return {
      value: hosts.join(','),
      reason: `Django answers only the hosts it is reached by: ${rules.length ? 'the public domain, ' : ''}its Service names, and localhost for the probes`,
    };
  }
  if (
    v.name === 'DEBUG' &&
    def !== undefined &&
    /^(1|true|yes|on)$/i.test(def) &&
    env.tier !== 'small'
  )
    return {
      value: '0',
      reason: `DEBUG=${def} from the example file is for development; it leaks stack traces in ${env.name}`,
    };
  if (!rules.length) return undefined;
  if (/^(CORS_(ALLOWED_)?ORIGINS?|ALLOWED_ORIGINS?|CSRF_TRUSTED_ORIGINS)$/.test(v.name) && local)
    return {
      value: site,
      reason: `browsers load the site from ${site}${def ? `; ${def} is a local development origin` : ''}`,
    };
  if (/^(FRONTEND_URL|SITE_URL|APP_URL|PUBLIC_URL|BASE_URL)$/.test(v.name) && local)
    return { value: site, reason: `the site's public URL in ${env.name}` };
  if (/^(NEXTAUTH_URL|AUTH_URL)$/.test(v.name) && local) {
    const own = publicUrl(app, env, c.name);
    if (own) return { value: own, reason: `${c.name}'s own public URL in ${env.name}` };
  }
  return undefined;
}

/**
 * Decides where one env var of component `c` gets its value. Shared by the secrets,
 * networking, containerize and workloads skills so that each var lands in exactly one place.
 */
export function classifyEnv(app: AppModel, env: Environment, c: Component, v: EnvVar): EnvRoute {
  const override = env.components[c.name]?.env?.[v.name];
  const target = v.refersTo ? findComponent(app, v.refersTo) : undefined;
  if (target && target.name !== c.name) {
    if (isDisabled(env, target))
      return { kind: 'skip', reason: `${target.name} is disabled in ${env.name}` };
    if (isDataComponent(target)) {
      const engine = dataEngine(target);
      if (isManaged(env, target) || !engine)
        return v.classification === 'secret' || /_URL$|_URI$|_DSN$/.test(v.name)
          ? { kind: 'secret-config', configKey: `secrets:${v.name}`, target: target.name }
          : { kind: 'config', ...configValue(override, v) };
      if (/_HOST(NAME)?$/.test(v.name))
        return { kind: 'discovery', value: serviceHost(env, target.name), target: target.name };
      if (/_PORT$/.test(v.name))
        return { kind: 'discovery', value: String(primaryPort(target)), target: target.name };
      if (/_PASS(WORD)?$/.test(v.name))
        return { kind: 'secret-generated', node: dataPasswordNode(target.name) };
      const user = dataSpec(engine, target).user;
      if (/_USER(NAME)?$/.test(v.name) && user)
        return { kind: 'config', value: user, source: 'default' };
      return {
        kind: 'secret-parts',
        parts: dataUrlParts(env, target, engine, v),
        target: target.name,
      };
    }
    if (override !== undefined && v.classification === 'config')
      return { kind: 'config', value: override, source: 'override' };
    const port = primaryPort(target);
    if (port === undefined) return { kind: 'skip', reason: `${target.name} listens on no port` };
    const inCluster = /_HOST(NAME)?$/.test(v.name)
      ? serviceHost(env, target.name)
      : /_PORT$/.test(v.name)
        ? String(port)
        : `http://${serviceHost(env, target.name)}:${port}`;
    if (v.buildTime) {
      const url = publicUrl(app, env, target.name);
      return url
        ? { kind: 'build-time', value: url, target: target.name }
        : {
            kind: 'build-time',
            value: inCluster,
            target: target.name,
            warning: `${c.name}: ${v.name} is inlined into the browser bundle but ${target.name} is not public; browsers cannot reach ${inCluster}`,
          };
    }
    return { kind: 'discovery', value: inCluster, target: target.name };
  }
  if (v.classification === 'secret') {
    if (!v.refersTo && APP_OWNED_SECRET.test(v.name))
      return { kind: 'secret-generated', node: `generated-secret/${kebab(v.name)}` };
    return {
      kind: 'secret-config',
      configKey: `secrets:${v.name}`,
      ...(v.refersTo ? { target: v.refersTo } : {}),
    };
  }
  if (v.buildTime) {
    const { value } = configValue(override, v);
    if (value !== undefined) return { kind: 'build-time', value };
  }
  if (override === undefined) {
    const derived = derivedConfig(app, env, c, v);
    if (derived)
      return { kind: 'config', value: derived.value, source: 'derived', reason: derived.reason };
  }
  return { kind: 'config', ...configValue(override, v) };
}

function configValue(
  override: string | undefined,
  v: EnvVar,
): { value: string | undefined; source: 'override' | 'default' | 'none' } {
  if (override !== undefined) return { value: override, source: 'override' };
  if (v.defaultValue !== undefined) return { value: v.defaultValue, source: 'default' };
  return { value: undefined, source: 'none' };
}

/** Sorts env entries by name (Kubernetes order does not matter for plain values). */
export function sortEnv(env: ContainerEnv[]): ContainerEnv[] {
  return [...env].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The facts gathered so far for one component, or an empty object. */
export function factsOf(input: SkillInput, name: string): Partial<ComponentFacts> {
  return input.facts[name] ?? {};
}

/** Nodes of one kind contributed so far. */
export function nodesOfKind<K extends PlanNode['kind']>(
  input: SkillInput,
  kind: K,
): Array<Extract<PlanNode, { kind: K }>> {
  return input.nodes.filter((n): n is Extract<PlanNode, { kind: K }> => n.kind === kind);
}

// ---- resource quantities -----------------------------------------------------------------

/** Parses a CPU quantity (`250m`, `0.5`, `2`) into millicores. */
export function parseCpu(q: string): number {
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(q.trim());
  if (!m) throw new Error(`invalid cpu quantity "${q}"`);
  return m[2] ? Math.round(Number(m[1])) : Math.round(Number(m[1]) * 1000);
}

const MEMORY_UNITS: Record<string, number> = {
  '': 1 / (1024 * 1024),
  Ki: 1 / 1024,
  Mi: 1,
  Gi: 1024,
  Ti: 1024 * 1024,
  k: 1000 / (1024 * 1024),
  M: 1e6 / (1024 * 1024),
  G: 1e9 / (1024 * 1024),
};

/** Parses a memory or storage quantity (`512Mi`, `1Gi`, `1G`) into MiB. */
export function parseMemory(q: string): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G)?$/.exec(q.trim());
  if (!m) throw new Error(`invalid memory quantity "${q}"`);
  return Number(m[1]) * MEMORY_UNITS[m[2] ?? '']!;
}

export function formatCpu(millicores: number): string {
  return millicores % 1000 === 0 ? String(millicores / 1000) : `${Math.round(millicores)}m`;
}

export function formatMemory(mib: number): string {
  return mib % 1024 === 0 ? `${mib / 1024}Gi` : `${Math.round(mib)}Mi`;
}

/** Re-exported so skills import one module for component helpers. */
export { dataEngine, DATA_CATALOG, type DataEngine };

// ---- security contexts ---------------------------------------------------------------------

/** Pod-level security context of the restricted Pod Security Standard, uid/gid 10001. */
export function restrictedPodSecurityContext(): {
  runAsNonRoot: true;
  runAsUser: number;
  runAsGroup: number;
  fsGroup: number;
  seccompProfile: { type: 'RuntimeDefault' };
} {
  return {
    runAsNonRoot: true,
    runAsUser: RUN_AS_ID,
    runAsGroup: RUN_AS_ID,
    fsGroup: RUN_AS_ID,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container-level security context of the restricted Pod Security Standard. */
export function restrictedContainerSecurityContext(readOnlyRootFilesystem: boolean): {
  runAsNonRoot: true;
  runAsUser: number;
  runAsGroup: number;
  readOnlyRootFilesystem: boolean;
  allowPrivilegeEscalation: false;
  privileged: false;
  capabilities: { drop: string[] };
  seccompProfile: { type: 'RuntimeDefault' };
} {
  return {
    runAsNonRoot: true,
    runAsUser: RUN_AS_ID,
    runAsGroup: RUN_AS_ID,
    readOnlyRootFilesystem,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

// ---- metrics --------------------------------------------------------------------------------

/** Namespace Prometheus scrapes from (kube-prometheus-stack's default). */
export const MONITORING_NAMESPACE = 'monitoring';

/**
 * Where Prometheus scrapes a component, or `undefined`: HTTP backends and chatbots at
 * `/metrics` on their port, data services with a built-in exporter on its port.
 */
export function metricsEndpoint(
  c: Component,
): { port: number; portName: string; path: string } | undefined {
  const engine = dataEngine(c);
  if (isDataComponent(c)) {
    const m = engine ? DATA_CATALOG[engine].metrics : undefined;
    const p = m && engine ? DATA_CATALOG[engine].ports.find((x) => x.name === m.port) : undefined;
    return m && p ? { port: p.containerPort, portName: p.name, path: m.path } : undefined;
  }
  if (!servesHttp(c) || (c.kind !== 'backend' && c.kind !== 'chatbot')) return undefined;
  return { port: primaryPort(c)!, portName: 'http', path: '/metrics' };
}

// ---- commands -------------------------------------------------------------------------------

/**
 * Splits a shell command line into argv when it is a plain command; wraps it in `sh -c`
 * when it uses shell syntax (pipes, `&&`, variables, redirections).
 */
export function commandArgv(cmd: string): string[] {
  const trimmed = cmd.trim();
  if (/[|&;<>$`()*?]/.test(trimmed.replace(/"[^"]*"|'[^']*'/g, ''))) return ['sh', '-c', trimmed];
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(trimmed); m; m = re.exec(trimmed)) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}

// ---- migrations and special processes ------------------------------------------------------

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
