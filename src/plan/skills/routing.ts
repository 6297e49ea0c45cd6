/**
 * Public routing: which host and path prefix each public component is reached at, and the
 * public URLs that follow. Shared by exposure (Ingresses), containerize (build-time URLs)
 * and env routing (allowed origins).
 */
import type { AppModel, Component } from '../../model/app';
import type { Environment } from '../../model/environment';
import { appComponents, servesHttp } from './components';

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
