/**
 * networking: service discovery and network policy. Components find each other by the
 * in-cluster DNS names injected where the app expects a URL. The namespace denies all
 * traffic by default; DNS is allowed; every dependency edge gets an ingress allow on the
 * callee and an egress allow on the caller; external services get egress on their port;
 * public components accept traffic from the ingress controller.
 */
import type { Component } from '../../model/app';
import type { Environment } from '../../model/environment';
import type { NetworkRule, NodeOf } from '../../model/plan';
import { decision, type Skill, type SkillContribution } from '../skill';
import {
  appComponents,
  classifyEnv,
  containerPorts,
  databaseTargets,
  dataEngine,
  findComponent,
  inClusterComponents,
  isDataComponent,
  isDisabled,
  isManaged,
  metricsEndpoint,
  migrationOf,
  MONITORING_NAMESPACE,
  primaryPort,
  routeRules,
  selectorLabels,
  servesHttp,
  serviceHost,
  sortEnv,
} from './common';
import { DATA_CATALOG } from './data-catalog';

const ID = 'networking';

/** Namespace label every Kubernetes ≥ 1.22 namespace carries. */
export const NS_LABEL = 'kubernetes.io/metadata.name';

/** Addresses never reachable as "the internet": cluster-internal ranges and the cloud metadata endpoint. */
export const PRIVATE_RANGES = ['10.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16'];

/** Where the ingress controller of a class runs, by its usual install. */
export function ingressControllerNamespace(ingressClass: string): string {
  const known: Record<string, string> = {
    nginx: 'ingress-nginx',
    traefik: 'traefik',
    haproxy: 'haproxy-controller',
    contour: 'projectcontour',
  };
  return known[ingressClass] ?? ingressClass;
}

function policy(
  name: string,
  component: string | undefined,
  podSelector: Record<string, string>,
  ingress: NetworkRule[],
  egress: NetworkRule[],
  types: Array<'Ingress' | 'Egress'> = [
    ...(egress.length ? (['Egress'] as const) : []),
    ...(ingress.length ? (['Ingress'] as const) : []),
  ],
): NodeOf<'network-policy'> {
  return {
    id: `network-policy/${name}`,
    kind: 'network-policy',
    name,
    ...(component ? { component } : {}),
    skill: ID,
    after: [],
    dependsOn: [],
    spec: { podSelector, policyTypes: types, ingress, egress },
  };
}

/** The ports a caller uses on a component: its client port for data services, else all. */
function clientPorts(c: Component, env: Environment): Array<{ port: number; protocol: 'TCP' }> {
  const ports = containerPorts(c, env);
  const used = isDataComponent(c) ? ports.slice(0, 1) : ports;
  return used.map((p) => ({ port: p.containerPort, protocol: 'TCP' as const }));
}

function internetPeer(): { cidr: string; except: string[] } {
  return { cidr: '0.0.0.0/0', except: [...PRIVATE_RANGES] };
}

/** Host names that suggest a private network (a VPN, a VPC, a corporate data centre). */
const PRIVATE_HOST = /(^|[.-])(internal|corp|intranet|local|lan|private|vpc)([.-]|$)/;

/**
 * Who an external service may be: public SaaS endpoints are reached on public addresses
 * only (never the cluster's or the cloud metadata ranges); a host that looks private may
 * resolve anywhere, so any address is allowed on its port.
 */
function externalPeer(s: { hosts: string[] }): {
  peer: { cidr: string; except?: string[] };
  note: string;
} {
  return s.hosts.some((h) => PRIVATE_HOST.test(h))
    ? { peer: { cidr: '0.0.0.0/0' }, note: 'may be a private address' }
    : { peer: internetPeer(), note: 'public addresses only' };
}

export const networkingSkill: Skill = {
  id: ID,
  needs: ['containerize', 'data-services'],
  description:
    'Injects in-cluster service URLs and writes default-deny network policies with one allow per dependency edge.',
  run({ app, env }) {
    const out: Required<Pick<SkillContribution, 'facts' | 'decisions' | 'warnings'>> & {
      nodes: NodeOf<'network-policy'>[];
    } = { facts: {}, nodes: [], decisions: [], warnings: [] };
    const running = inClusterComponents(app, env);
    const runningNames = new Set(running.map((c) => c.name));
    const routed = new Set(routeRules(app, env).map((r) => r.component));
    const controllerNs = ingressControllerNamespace(env.ingressClass);
    const sel = (name: string): Record<string, string> => selectorLabels(app, env, name);

    // Service discovery.
    for (const c of appComponents(app, env)) {
      const discovery = [];
      for (const v of c.env) {
        const route = classifyEnv(app, env, c, v);
        if (route.kind === 'discovery') {
          discovery.push({ name: v.name, value: route.value });
          out.decisions.push(
            decision(
              ID,
              c.name,
              `env ${v.name}`,
              route.value,
              `${c.name} reaches ${route.target} through its Service's cluster DNS name, stable across pod restarts and the same in every cluster`,
              ['public URL through the ingress', 'pod IP'],
            ),
          );
        } else if (route.kind === 'build-time') {
          out.decisions.push(
            decision(
              ID,
              c.name,
              `env ${v.name}`,
              'not injected at runtime',
              `${v.name} is a build-time variable: Next.js inlines it into the bundle when the image is built, so a runtime value would be ignored; containerize passes ${route.value} as a build argument instead`,
              [`runtime env ${v.name}`],
            ),
          );
        }
      }
      out.facts[c.name] = { discoveryEnv: sortEnv(discovery) };
    }
    for (const c of running.filter(isDataComponent)) out.facts[c.name] = { discoveryEnv: [] };

    // Namespace-wide policies.
    out.nodes.push(policy('default-deny', undefined, {}, [], [], ['Egress', 'Ingress']));
    out.nodes.push(
      policy(
        'allow-dns',
        undefined,
        {},
        [],
        [
          {
            peers: [{ namespaces: { [NS_LABEL]: 'kube-system' }, pods: { 'k8s-app': 'kube-dns' } }],
            ports: [
              { port: 53, protocol: 'TCP' },
              { port: 53, protocol: 'UDP' },
            ],
            reason: 'every pod resolves Service names through kube-dns',
          },
        ],
      ),
    );
    out.decisions.push(
      decision(
        ID,
        'environment',
        'network policy',
        'default deny ingress and egress, then one allow per dependency edge',
        'a compromised pod can then reach only what its component is known to use; DNS to kube-dns is the one namespace-wide allow',
        ['allow all (Kubernetes default)', 'deny ingress only'],
      ),
    );
    if (routed.size)
      out.decisions.push(
        decision(
          ID,
          'environment',
          'ingress controller',
          `namespace ${controllerNs}`,
          `public components accept traffic from the pods of namespace ${controllerNs}, where the ${env.ingressClass} controller usually runs; a controller installed elsewhere needs stackpilot:ingressClass or an extra allow`,
          ['allow from any namespace'],
        ),
      );
    if (running.some((c) => metricsEndpoint(c, env)))
      out.decisions.push(
        decision(
          ID,
          'environment',
          'metrics scraping',
          `from namespace ${MONITORING_NAMESPACE}`,
          `Prometheus (kube-prometheus-stack's default namespace) may reach only the metrics ports`,
          ['allow from any namespace'],
        ),
      );

    const ingress = new Map<string, NetworkRule[]>();
    const egress = new Map<string, NetworkRule[]>();
    const add = (m: Map<string, NetworkRule[]>, k: string, r: NetworkRule): void => {
      (m.get(k) ?? m.set(k, []).get(k)!).push(r);
    };

    for (const e of [...app.edges].sort((a, b) =>
      a.from + '\u0000' + a.to < b.from + '\u0000' + b.to ? -1 : 1,
    )) {
      if (!runningNames.has(e.from)) continue;
      const via = e.envVar ? ` via ${e.envVar}` : '';
      if (e.target === 'component') {
        const t = findComponent(app, e.to);
        if (!t || isDisabled(env, t)) continue;
        if (isManaged(env, t)) {
          const engine = dataEngine(t)!;
          add(egress, e.from, {
            peers: [{ cidr: '0.0.0.0/0' }],
            ports: [{ port: DATA_CATALOG[engine].ports[0]!.containerPort, protocol: 'TCP' }],
            reason: `edge ${e.from} -> ${e.to}${via} (managed ${engine})`,
          });
          continue;
        }
        const ports = clientPorts(t, env);
        if (!ports.length) {
          // A compose depends_on on a job or worker orders the start; nothing talks to it.
          if (e.via === 'env')
            out.warnings.push(
              `${e.from} -> ${e.to}: ${e.to} listens on no port; no network allow written`,
            );
          continue;
        }
        add(egress, e.from, {
          peers: [{ pods: sel(e.to) }],
          ports,
          reason: `edge ${e.from} -> ${e.to}${via}`,
        });
        add(ingress, e.to, {
          peers: [{ pods: sel(e.from) }],
          ports,
          reason: `edge ${e.from} -> ${e.to}${via}`,
        });
      } else {
        const s = app.externalServices.find((x) => x.id === e.to);
        if (!s) continue;
        const { peer, note } = externalPeer(s);
        add(egress, e.from, {
          peers: [peer],
          ports: [{ port: s.port, protocol: 'TCP' }],
          reason: `edge ${e.from} -> ${s.id}${via} (${s.provider}${s.hosts.length ? `: ${[...s.hosts].sort().join(', ')}` : ''}; ${note})`,
        });
      }
    }

    for (const c of running) {
      const port = primaryPort(c, env);
      if (routed.has(c.name) && port !== undefined)
        add(ingress, c.name, {
          peers: [{ namespaces: { [NS_LABEL]: controllerNs } }],
          ports: [{ port, protocol: 'TCP' }],
          reason: `public traffic from the ${env.ingressClass} ingress controller (namespace ${controllerNs})`,
        });
      const metrics = metricsEndpoint(c, env);
      if (metrics)
        add(ingress, c.name, {
          peers: [{ namespaces: { [NS_LABEL]: MONITORING_NAMESPACE } }],
          ports: [{ port: metrics.port, protocol: 'TCP' }],
          reason: `Prometheus scrapes ${metrics.path} from namespace ${MONITORING_NAMESPACE}`,
        });
      if (isDataComponent(c)) continue;
      const publicBuildUrl = c.env.some((v) => {
        const r = classifyEnv(app, env, c, v);
        return r.kind === 'build-time' && !r.warning;
      });
      if (publicBuildUrl)
        add(egress, c.name, {
          peers: [internetPeer()],
          ports: [{ port: env.tls.enabled ? 443 : 80, protocol: 'TCP' }],
          reason: 'server-side rendering may call the public URLs it was built with',
        });
      // Migration Jobs run with their own labels and reach only the database.
      if (!migrationOf(app, env, c)?.own) continue;
      const migrate = `${c.name}-migrate`;
      for (const target of databaseTargets(app, c)) {
        const t = findComponent(app, target);
        const reason = `migrations of ${c.name} -> ${target}`;
        if (!t) {
          const s = app.externalServices.find((x) => x.id === target)!;
          add(egress, migrate, {
            peers: [externalPeer(s).peer],
            ports: [{ port: s.port, protocol: 'TCP' }],
            reason: `${reason} (${s.provider})`,
          });
        } else if (isManaged(env, t)) {
          add(egress, migrate, {
            peers: [{ cidr: '0.0.0.0/0' }],
            ports: [{ port: DATA_CATALOG.postgres.ports[0]!.containerPort, protocol: 'TCP' }],
            reason: `${reason} (managed postgres)`,
          });
        } else if (runningNames.has(t.name)) {
          const ports = clientPorts(t, env);
          add(egress, migrate, { peers: [{ pods: sel(t.name) }], ports, reason });
          add(ingress, t.name, { peers: [{ pods: sel(migrate) }], ports, reason });
        }
      }
    }

    const owners = new Map(running.map((c) => [c.name, c.name] as const));
    for (const c of running)
      if (migrationOf(app, env, c)?.own) owners.set(`${c.name}-migrate`, c.name);
    for (const name of [...new Set([...ingress.keys(), ...egress.keys()])].sort()) {
      out.nodes.push(
        policy(name, owners.get(name), sel(name), ingress.get(name) ?? [], egress.get(name) ?? []),
      );
    }
    out.nodes.sort((a, b) => (a.id < b.id ? -1 : 1));

    const addresses: Record<string, string> = {};
    for (const c of running) {
      const port = primaryPort(c, env);
      if (port === undefined || (!isDataComponent(c) && !servesHttp(c))) continue;
      const engine = dataEngine(c);
      const scheme = isDataComponent(c) ? (engine ? DATA_CATALOG[engine].scheme : 'tcp') : 'http';
      addresses[c.name] = `${scheme}://${serviceHost(env, c.name)}:${port}`;
    }
    return { ...out, sections: { addresses } };
  },
};
