/**
 * exposure: a ClusterIP Service for every HTTP component and, for public ones, an Ingress
 * on the environment's host with TLS from cert-manager and path routing (`/` → frontend,
 * `/api` → backend, `/chat` → chatbot). Streaming routes get unbuffered proxying and long
 * read timeouts so that server-sent events and token streams are not cut or held back.
 */
import type { NodeOf } from '../../model/plan';
import { decision, type Skill, type SkillContribution } from '../skill';
import {
  appComponents,
  factsOf,
  findComponent,
  primaryPort,
  publicOrigin,
  routeRules,
  selectorLabels,
  servesHttp,
} from './common';

const ID = 'exposure';

/** Seconds a streaming response may stay open through the proxy. */
export const STREAM_TIMEOUT_SECONDS = 3600;

export const exposureSkill: Skill = {
  id: ID,
  needs: ['containerize', 'data-services', 'rollout'],
  description:
    'ClusterIP Services for HTTP components and a TLS Ingress with path routing for public ones.',
  run(input) {
    const { app, env } = input;
    const out: Required<Pick<SkillContribution, 'decisions' | 'warnings'>> & {
      nodes: Array<NodeOf<'service'> | NodeOf<'route'>>;
    } = { nodes: [], decisions: [], warnings: [] };
    for (const c of appComponents(app, env).filter(servesHttp)) {
      const port = primaryPort(c, env)!;
      const bg = factsOf(input, c.name).blueGreen;
      out.nodes.push({
        id: `service/${c.name}`,
        kind: 'service',
        name: c.name,
        component: c.name,
        skill: ID,
        // Under blue-green the selector is the switch: it moves only once the colour it
        // points at is ready, so no request meets a colour that is still starting.
        after: bg
          ? [
              {
                node: `workload/${c.name}-${bg.active}`,
                reason: `switch the selector to ${bg.active} only once ${c.name}-${bg.active} is ready`,
              },
            ]
          : [],
        dependsOn: [],
        spec: {
          selector: selectorLabels(app, env, c.name, bg?.active),
          ports: [{ name: 'http', port, targetPort: 'http' }],
          headless: false,
          annotations: {},
        },
      });
      out.decisions.push(
        decision(
          ID,
          c.name,
          'service',
          `ClusterIP ${c.name}:${port}${bg ? ` selecting the ${bg.active} colour` : ''}`,
          bg
            ? 'a stable in-cluster name; under blue-green its selector picks the active colour, so switching (and switching back) is one selector change'
            : 'a stable in-cluster name and load balancing across replicas; only the Ingress is exposed outside the cluster',
          ['NodePort', 'LoadBalancer per component'],
        ),
      );
    }

    const rules = routeRules(app, env);
    const nginx = env.ingressClass === 'nginx';
    for (const rule of rules) {
      const c = findComponent(app, rule.component)!;
      const streaming = c.kind === 'chatbot' || c.features.streaming === true;
      const annotations: Record<string, string> = {};
      if (env.tls.enabled) annotations['cert-manager.io/cluster-issuer'] = env.tls.issuer;
      if (nginx) {
        annotations['nginx.ingress.kubernetes.io/proxy-body-size'] = '10m';
        if (streaming) {
          annotations['nginx.ingress.kubernetes.io/proxy-buffering'] = 'off';
          annotations['nginx.ingress.kubernetes.io/proxy-request-buffering'] = 'off';
          annotations['nginx.ingress.kubernetes.io/proxy-read-timeout'] =
            String(STREAM_TIMEOUT_SECONDS);
          annotations['nginx.ingress.kubernetes.io/proxy-send-timeout'] =
            String(STREAM_TIMEOUT_SECONDS);
        } else {
          annotations['nginx.ingress.kubernetes.io/proxy-read-timeout'] = '60';
        }
      } else if (streaming) {
        out.warnings.push(
          `${c.name}: streams responses but ingress class ${env.ingressClass} gets no buffering or timeout settings from stackpilot; configure them in the controller`,
        );
      }
      const bg = factsOf(input, c.name).blueGreen;
      out.nodes.push({
        id: `route/${c.name}`,
        kind: 'route',
        name: c.name,
        component: c.name,
        skill: ID,
        after: [
          {
            node: `workload/${bg ? `${c.name}-${bg.active}` : c.name}`,
            reason: `publish ${rule.path} only once ${c.name} runs, so the first users do not meet 503s`,
          },
        ],
        dependsOn: [],
        spec: {
          className: env.ingressClass,
          host: rule.host,
          ...(env.tls.enabled
            ? { tls: { secretName: `${c.name}-tls`, issuer: env.tls.issuer } }
            : {}),
          annotations,
          paths: [{ path: rule.path, pathType: 'Prefix', service: c.name, port: 'http' }],
        },
      });
      out.decisions.push(
        decision(
          ID,
          c.name,
          'route',
          `${publicOrigin(env, rule.host)}${rule.path} -> service ${c.name}`,
          `${c.kind} ${c.name} is public: ${rule.why}; ${env.tls.enabled ? `cert-manager issues the certificate from ${env.tls.issuer}` : 'TLS is off in this environment'}`,
          rule.host === env.domain && rule.path !== '/'
            ? [`own host ${c.name}.${env.domain}`, 'LoadBalancer Service']
            : rule.host !== env.domain
              ? [
                  `path prefix on ${env.domain} (needs the app to serve under it)`,
                  'LoadBalancer Service',
                ]
              : ['LoadBalancer Service'],
        ),
      );
      if (streaming)
        out.decisions.push(
          decision(
            ID,
            c.name,
            'streaming',
            nginx
              ? `proxy buffering off, read/send timeout ${STREAM_TIMEOUT_SECONDS}s`
              : 'controller defaults (not nginx)',
            'token streams and server-sent events must reach the client as they are produced and may stay open for minutes; a separate Ingress keeps these settings off the other routes',
            ['default 60 s buffered proxying'],
          ),
        );
      if (rule.path !== '/' && !c.healthPath && !c.readinessPath)
        out.warnings.push(
          `${c.name}: routed under ${rule.path} on ${rule.host}; requests arrive with that prefix, so it must serve under it`,
        );
    }
    const publicUrls = [
      ...new Set(rules.map((r) => `${publicOrigin(env, r.host)}${r.path}`)),
    ].sort();
    out.nodes.sort((a, b) => (a.id < b.id ? -1 : 1));
    return { ...out, sections: { publicUrls } };
  },
};
