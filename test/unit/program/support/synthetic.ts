/**
 * Synthetic plans of `n` components, for scale tests and the program benchmark: each component
 * has a service account, config, a Secret with a config part and a generated password, a
 * Deployment, a Service, a NetworkPolicy and a PodDisruptionBudget; every third one is autoscaled,
 * every fifth one depends on the previous component's Service, and one route fronts the first
 * twenty Services.
 */
import type { DeploymentPlan } from '../../../../src/model/plan';
import { container, finishPlan, pod, probe, type PlanDraft } from './builders';

type Draft = PlanDraft['nodes'][number];

export function syntheticPlan(n: number): DeploymentPlan {
  const ns = `synthetic-${n}`;
  const base = ['namespace'];
  const nodes: Draft[] = [
    { id: 'namespace', kind: 'namespace', name: ns, skill: 'security', spec: { labels: {} } },
  ];
  for (let i = 0; i < n; i++) {
    const name = `svc-${i}`;
    const labels = { 'app.kubernetes.io/name': name };
    const autoscaled = i % 3 === 0;
    const generated = `generated-secret/${name}-password`;
    nodes.push(
      {
        id: `service-account/${name}`,
        kind: 'service-account',
        name,
        component: name,
        skill: 'security',
        dependsOn: base,
        spec: { automountToken: false },
      },
      {
        id: `config/${name}`,
        kind: 'config',
        name,
        component: name,
        skill: 'workloads',
        dependsOn: base,
        spec: { data: { PORT: '8080', NAME: name } },
      },
      {
        id: generated,
        kind: 'generated-secret',
        name: `${name}-password`,
        component: name,
        skill: 'secrets',
        spec: { length: 24, special: false },
      },
      {
        id: `secret/${name}`,
        kind: 'secret',
        name,
        component: name,
        skill: 'secrets',
        dependsOn: [...base, generated],
        spec: {
          entries: [
            { key: 'API_KEY', parts: [{ config: 'secrets:API_KEY' }] },
            {
              key: 'DB_URL',
              parts: [{ text: 'postgres://app:' }, { generated }, { text: `@db/${name}` }],
            },
          ],
        },
      },
      {
        id: `workload/${name}`,
        kind: 'workload',
        name,
        component: name,
        skill: 'workloads',
        dependsOn: [
          ...base,
          `config/${name}`,
          `secret/${name}`,
          `service-account/${name}`,
          ...(i % 5 === 4 ? [`service/svc-${i - 1}`] : []),
        ],
        spec: {
          controller: 'deployment',
          ...(autoscaled ? {} : { replicas: 2 }),
          selector: labels,
          template: pod(labels, name, [
            container({
              name,
              image: `registry.example.com/${name}:1.0.${i}`,
              ports: [{ name: 'http', containerPort: 8080 }],
              env: [
                { name: 'PORT', config: { name, key: 'PORT' } },
                { name: 'API_KEY', secret: { name, key: 'API_KEY' } },
                { name: 'DB_URL', secret: { name, key: 'DB_URL' } },
              ],
              probes: {
                liveness: probe({ tcp: { port: 'http' } }),
                readiness: probe({ http: { path: '/ready', port: 'http' } }),
              },
            }),
          ]),
          strategy: { type: 'rolling', maxSurge: 1, maxUnavailable: 0 },
          minReadySeconds: 0,
          revisionHistoryLimit: 5,
          progressDeadlineSeconds: 600,
        },
      },
      {
        id: `service/${name}`,
        kind: 'service',
        name,
        component: name,
        skill: 'exposure',
        dependsOn: base,
        spec: {
          selector: labels,
          ports: [{ name: 'http', port: 80, targetPort: 'http' }],
          headless: false,
          annotations: {},
        },
      },
      {
        id: `network-policy/${name}`,
        kind: 'network-policy',
        name,
        component: name,
        skill: 'networking',
        dependsOn: base,
        spec: {
          podSelector: labels,
          policyTypes: ['Ingress'],
          ingress: [
            {
              peers: [{ pods: {} }],
              ports: [{ port: 8080, protocol: 'TCP' }],
              reason: 'same namespace',
            },
          ],
          egress: [],
        },
      },
      {
        id: `disruption-budget/${name}`,
        kind: 'disruption-budget',
        name,
        component: name,
        skill: 'scaling',
        dependsOn: base,
        spec: { selector: labels, minAvailable: 1 },
      },
    );
    if (autoscaled) {
      nodes.push({
        id: `autoscaler/${name}`,
        kind: 'autoscaler',
        name,
        component: name,
        skill: 'scaling',
        dependsOn: [...base, `workload/${name}`],
        spec: {
          target: { kind: 'Deployment', name },
          minReplicas: 2,
          maxReplicas: 5,
          cpuUtilization: 70,
          scaleDownStabilizationSeconds: 300,
        },
      });
    }
  }
  const routed = Array.from({ length: Math.min(n, 20) }, (_, i) => `svc-${i}`);
  nodes.push({
    id: 'route/public',
    kind: 'route',
    name: 'public',
    skill: 'exposure',
    dependsOn: [...base, ...routed.map((s) => `service/${s}`)],
    spec: {
      className: 'nginx',
      host: `${ns}.example.com`,
      tls: { secretName: `${ns}-tls`, issuer: 'letsencrypt' },
      annotations: {},
      paths: routed.map((s) => ({
        path: `/${s}`,
        pathType: 'Prefix' as const,
        service: s,
        port: 'http',
      })),
    },
  });
  return finishPlan({
    schemaVersion: 1,
    app: 'synthetic',
    environment: 'bench',
    namespace: ns,
    images: [],
    nodes,
    decisions: [],
    cost: { currency: 'USD', lines: [], fixed: [], totalMonthly: 0, assumptions: [] },
    rollout: { strategy: 'rolling', autoRollback: false, rollbackSteps: [] },
    recovery: { backups: [], objectives: { rpo: 'n/a', rto: 'n/a' }, runbook: [] },
    outputs: { publicUrls: [`https://${ns}.example.com`], addresses: {} },
    warnings: [],
  });
}
