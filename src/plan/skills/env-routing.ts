/**
 * Where each env var of a component gets its value in an environment: an in-cluster
 * address, a build argument, a Secret entry (from Pulumi secret config, generated, or a
 * data-service URL carrying a generated password), plain config, or nothing. One function,
 * so that every variable lands in exactly one place whichever skill asks.
 */
import type { AppModel, Component, EnvVar } from '../../model/app';
import type { Environment } from '../../model/environment';
import {
  findComponent,
  isDataComponent,
  isDisabled,
  isManaged,
  kebab,
  primaryPort,
  serviceHost,
} from './components';
import { dataEngine, dataSpec, type DataEngine } from './data-catalog';
import { publicOrigin, publicUrl, routeRules } from './routing';

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
        return { kind: 'discovery', value: String(primaryPort(target, env)), target: target.name };
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
    const port = primaryPort(target, env);
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
