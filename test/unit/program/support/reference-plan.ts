/**
 * A hand-written, realistic plan of the reference app `shop` — web (Next.js), api (FastAPI)
 * with its migration Job, chatbot (LLM client), worker, Redis as a StatefulSet with a nightly
 * backup CronJob — in the shape the planner produces, for dev, staging and prod. Staging runs
 * the web tier blue-green; prod autoscales and adds disruption budgets.
 */
import type { DeploymentPlan, PlanNode } from '../../../../src/model/plan';
import { container, finishPlan, pod, probe, resources, type PlanDraft } from './builders';

export type Env = 'dev' | 'staging' | 'prod';
export const ENVS: readonly Env[] = ['dev', 'staging', 'prod'];

type Draft = PlanDraft['nodes'][number];

const REGISTRY = 'ghcr.io/acme/shop';
const labels = (name: string): Record<string, string> => ({
  'app.kubernetes.io/instance': 'shop',
  'app.kubernetes.io/name': name,
});

/** Secret values the canary tests set through config; each is a distinct findable string. */
export const CANARIES = {
  'secrets:DATABASE_URL': 'postgres://shop:sk-canary-db-7f3a9c@db.example.net:5432/shop',
  'secrets:OPENAI_API_KEY': 'sk-canary-123-openai-5d2e8b',
  'secrets:SESSION_SECRET': 'sk-canary-session-1c4f0a',
} as const;

export function referencePlan(env: Env): DeploymentPlan {
  const prod = env === 'prod';
  const ns = `shop-${env}`;
  const host = prod ? 'shop.example.com' : `shop-${env}.example.com`;
  const redisHost = `redis-0.redis.${ns}.svc.cluster.local`;
  const tmp = { name: 'tmp', mountPath: '/tmp' };
  const common = (component?: string) => ({
    skill: 'workloads',
    ...(component ? { component } : {}),
  });
  const base = ['namespace'];
  /** Replicated environments spread each workload's pods across nodes. */
  const hostSpread =
    env === 'dev'
      ? []
      : [
          {
            topologyKey: 'kubernetes.io/hostname',
            maxSkew: 1,
            whenUnsatisfiable: 'ScheduleAnyway' as const,
          },
        ];

  const sa = (name: string): Draft => ({
    id: `service-account/${name}`,
    kind: 'service-account',
    name,
    ...common(name),
    skill: 'security',
    dependsOn: base,
    spec: { automountToken: false },
  });
  const service = (name: string, port: number, targetPort: string, headless = false): Draft => ({
    id: `service/${name}`,
    kind: 'service',
    name,
    ...common(name),
    skill: 'exposure',
    dependsOn: base,
    spec: {
      selector: labels(name),
      ports: [{ name: targetPort, port, targetPort }],
      headless,
      annotations: {},
    },
  });
  const netpol = (
    name: string,
    spec: Extract<PlanNode, { kind: 'network-policy' }>['spec'],
  ): Draft => ({
    id: `network-policy/${name}`,
    kind: 'network-policy',
    name,
    skill: 'networking',
    ...(name === 'default-deny' ? {} : { component: name.split('-')[0] }),
    dependsOn: base,
    spec,
  });
  const fromIngressController = {
    peers: [{ namespaces: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }],
    reason: 'route from the ingress controller',
  };
  const toRedis = {
    peers: [{ pods: labels('redis') }],
    ports: [{ port: 6379, protocol: 'TCP' as const }],
    reason: 'depends on redis',
  };
  const toDatabase = {
    peers: [{ cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '169.254.169.254/32'] }],
    ports: [{ port: 5432, protocol: 'TCP' as const }],
    reason: 'managed Postgres (Neon) outside the cluster',
  };
  const toHttps = {
    peers: [{ cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '169.254.169.254/32'] }],
    ports: [{ port: 443, protocol: 'TCP' as const }],
    reason: 'LLM API over HTTPS',
  };

  const apiEnv = [
    { name: 'DATABASE_URL', secret: { name: 'api', key: 'DATABASE_URL' } },
    { name: 'REDIS_URL', secret: { name: 'api', key: 'REDIS_URL' } },
    { name: 'SESSION_SECRET', secret: { name: 'api', key: 'SESSION_SECRET' } },
    { name: 'LOG_LEVEL', config: { name: 'api', key: 'LOG_LEVEL' } },
    { name: 'CORS_ORIGIN', config: { name: 'api', key: 'CORS_ORIGIN' } },
  ];
  const apiContainer = container({
    name: 'api',
    image: `${REGISTRY}/api:1.4.2`,
    command: ['uvicorn'],
    args: ['app.main:app', '--host', '0.0.0.0', '--port', '8000'],
    ports: [{ name: 'http', containerPort: 8000 }],
    env: apiEnv,
    resources: resources('250m', '256Mi', '1'),
    probes: {
      liveness: probe({ http: { path: '/healthz', port: 'http' } }),
      readiness: probe({ http: { path: '/ready', port: 'http' } }, { periodSeconds: 5 }),
      startup: probe({ http: { path: '/healthz', port: 'http' } }, { failureThreshold: 30 }),
    },
    volumeMounts: [tmp],
  });
  const webImage = (tag: string) => `${REGISTRY}/web:${tag}`;
  const webWorkload = (name: string, color?: 'blue' | 'green', tag = '2.0.1'): Draft => ({
    id: `workload/${name}`,
    kind: 'workload',
    name,
    component: 'web',
    skill: 'workloads',
    dependsOn: [...base, 'config/web', 'service-account/web'],
    spec: {
      controller: 'deployment',
      replicas: prod ? 3 : env === 'staging' ? 2 : 1,
      selector: { ...labels('web'), ...(color ? { 'stackpilot.dev/color': color } : {}) },
      template: pod(
        { ...labels('web'), ...(color ? { 'stackpilot.dev/color': color } : {}) },
        'web',
        [
          container({
            name: 'web',
            image: webImage(tag),
            ports: [{ name: 'http', containerPort: 3000 }],
            env: [{ name: 'API_URL', config: { name: 'web', key: 'API_URL' } }],
            probes: {
              liveness: probe({ tcp: { port: 'http' } }),
              readiness: probe({ http: { path: '/', port: 'http' } }),
            },
            volumeMounts: [tmp, { name: 'next-cache', mountPath: '/app/.next/cache' }],
          }),
        ],
        {
          volumes: [
            { name: 'next-cache', emptyDir: { sizeLimit: '128Mi' } },
            { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
          ],
          topologySpread: hostSpread,
        },
      ),
      strategy: { type: 'rolling', maxSurge: '25%', maxUnavailable: 0 },
      minReadySeconds: 5,
      revisionHistoryLimit: 5,
      progressDeadlineSeconds: 600,
      ...(color ? { color } : {}),
    },
  });

  const nodes: Draft[] = [
    {
      id: 'namespace',
      kind: 'namespace',
      name: ns,
      skill: 'security',
      spec: {
        labels: {
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
        },
      },
    },
    sa('api'),
    sa('web'),
    sa('chatbot'),
    sa('worker'),
    sa('redis'),
    {
      id: 'config/api',
      kind: 'config',
      name: 'api',
      component: 'api',
      skill: 'workloads',
      dependsOn: base,
      spec: { data: { LOG_LEVEL: prod ? 'info' : 'debug', CORS_ORIGIN: `https://${host}` } },
    },
    {
      id: 'config/web',
      kind: 'config',
      name: 'web',
      component: 'web',
      skill: 'workloads',
      dependsOn: base,
      spec: { data: { API_URL: `http://api.${ns}.svc.cluster.local` } },
    },
    {
      id: 'generated-secret/redis-password',
      kind: 'generated-secret',
      name: 'redis-password',
      component: 'redis',
      skill: 'secrets',
      spec: { length: 32, special: false },
    },
    {
      id: 'secret/redis',
      kind: 'secret',
      name: 'redis',
      component: 'redis',
      skill: 'secrets',
      dependsOn: [...base, 'generated-secret/redis-password'],
      spec: {
        entries: [
          { key: 'REDIS_PASSWORD', parts: [{ generated: 'generated-secret/redis-password' }] },
        ],
      },
    },
    {
      id: 'secret/api',
      kind: 'secret',
      name: 'api',
      component: 'api',
      skill: 'secrets',
      dependsOn: [...base, 'generated-secret/redis-password'],
      spec: {
        entries: [
          { key: 'DATABASE_URL', parts: [{ config: 'secrets:DATABASE_URL' }] },
          {
            key: 'REDIS_URL',
            parts: [
              { text: 'redis://:' },
              { generated: 'generated-secret/redis-password' },
              { text: `@${redisHost}:6379/0` },
            ],
          },
          { key: 'SESSION_SECRET', parts: [{ config: 'secrets:SESSION_SECRET' }] },
        ],
      },
    },
    {
      id: 'secret/chatbot',
      kind: 'secret',
      name: 'chatbot',
      component: 'chatbot',
      skill: 'secrets',
      dependsOn: base,
      spec: { entries: [{ key: 'OPENAI_API_KEY', parts: [{ config: 'secrets:OPENAI_API_KEY' }] }] },
    },
    {
      id: 'secret/worker',
      kind: 'secret',
      name: 'worker',
      component: 'worker',
      skill: 'secrets',
      dependsOn: [...base, 'generated-secret/redis-password'],
      spec: {
        entries: [
          { key: 'DATABASE_URL', parts: [{ config: 'secrets:DATABASE_URL' }] },
          {
            key: 'REDIS_URL',
            parts: [
              { text: 'redis://:' },
              { generated: 'generated-secret/redis-password' },
              { text: `@${redisHost}:6379/1` },
            ],
          },
        ],
      },
    },
    {
      id: 'volume/redis-backups',
      kind: 'volume',
      name: 'redis-backups',
      component: 'redis',
      skill: 'backup',
      dependsOn: base,
      spec: { storage: prod ? '20Gi' : '2Gi', accessModes: ['ReadWriteOnce'] },
    },
    service('redis', 6379, 'redis', true),
    {
      id: 'workload/redis',
      kind: 'workload',
      name: 'redis',
      component: 'redis',
      skill: 'data-services',
      dependsOn: [...base, 'secret/redis', 'service-account/redis', 'service/redis'],
      spec: {
        controller: 'statefulset',
        replicas: 1,
        selector: labels('redis'),
        template: pod(labels('redis'), 'redis', [
          container({
            name: 'redis',
            image: 'docker.io/library/redis:7.4.1-alpine',
            command: ['sh', '-c'],
            args: [
              'exec redis-server --requirepass "$REDIS_PASSWORD" --appendonly yes --dir /data',
            ],
            ports: [{ name: 'redis', containerPort: 6379 }],
            env: [{ name: 'REDIS_PASSWORD', secret: { name: 'redis', key: 'REDIS_PASSWORD' } }],
            resources: resources('100m', '256Mi', '500m'),
            probes: {
              liveness: probe({ tcp: { port: 'redis' } }, { initialDelaySeconds: 10 }),
              readiness: probe({
                exec: { command: ['sh', '-c', 'redis-cli -a "$REDIS_PASSWORD" ping'] },
              }),
            },
            volumeMounts: [tmp, { name: 'data', mountPath: '/data' }],
          }),
        ]),
        strategy: { type: 'recreate' },
        minReadySeconds: 0,
        revisionHistoryLimit: 5,
        progressDeadlineSeconds: 600,
        serviceName: 'redis',
        volumeClaims: [
          { name: 'data', storage: prod ? '10Gi' : '1Gi', accessModes: ['ReadWriteOnce'] },
        ],
      },
    },
    {
      id: 'job/api-migrate',
      kind: 'job',
      name: 'api-migrate',
      component: 'api',
      skill: 'workloads',
      dependsOn: [...base, 'config/api', 'secret/api', 'service-account/api'],
      spec: {
        template: pod(
          labels('api-migrate'),
          'api',
          [
            {
              ...apiContainer,
              name: 'migrate',
              command: ['alembic'],
              args: ['upgrade', 'head'],
              ports: [],
              probes: {},
            },
          ],
          { restartPolicy: 'Never' },
        ),
        backoffLimit: 2,
        activeDeadlineSeconds: 600,
        ttlSecondsAfterFinished: 86400,
      },
    },
    {
      id: 'workload/api',
      kind: 'workload',
      name: 'api',
      component: 'api',
      skill: 'workloads',
      dependsOn: [...base, 'config/api', 'job/api-migrate', 'secret/api', 'service-account/api'],
      spec: {
        controller: 'deployment',
        ...(prod ? {} : { replicas: env === 'staging' ? 2 : 1 }),
        selector: labels('api'),
        template: pod(labels('api'), 'api', [apiContainer], {
          annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8000' },
          topologySpread: prod
            ? [
                {
                  topologyKey: 'topology.kubernetes.io/zone',
                  maxSkew: 1,
                  whenUnsatisfiable: 'ScheduleAnyway',
                },
                {
                  topologyKey: 'kubernetes.io/hostname',
                  maxSkew: 1,
                  whenUnsatisfiable: 'DoNotSchedule',
                },
              ]
            : hostSpread,
        }),
        strategy: { type: 'rolling', maxSurge: 1, maxUnavailable: 0 },
        minReadySeconds: 5,
        revisionHistoryLimit: 5,
        progressDeadlineSeconds: 600,
      },
    },
    ...(env === 'staging'
      ? [webWorkload('web-blue', 'blue', '2.0.0'), webWorkload('web-green', 'green')]
      : [webWorkload('web')]),
    {
      id: 'workload/chatbot',
      kind: 'workload',
      name: 'chatbot',
      component: 'chatbot',
      skill: 'workloads',
      dependsOn: [...base, 'secret/chatbot', 'service-account/chatbot'],
      spec: {
        controller: 'deployment',
        replicas: env === 'dev' ? 1 : 2,
        selector: labels('chatbot'),
        template: pod(
          labels('chatbot'),
          'chatbot',
          [
            container({
              name: 'chatbot',
              image: `${REGISTRY}/chatbot@sha256:${'a1'.repeat(32)}`,
              ports: [{ name: 'http', containerPort: 8080 }],
              env: [
                { name: 'OPENAI_API_KEY', secret: { name: 'chatbot', key: 'OPENAI_API_KEY' } },
                { name: 'PORT', value: '8080' },
              ],
              resources: resources('200m', '512Mi', '1'),
              probes: {
                liveness: probe({ http: { path: '/health', port: 'http' } }),
                readiness: probe({ http: { path: '/ready', port: 'http' } }),
              },
            }),
          ],
          { topologySpread: hostSpread },
        ),
        strategy: { type: 'rolling', maxSurge: 1, maxUnavailable: 0 },
        minReadySeconds: 0,
        revisionHistoryLimit: 5,
        progressDeadlineSeconds: 600,
      },
    },
    {
      id: 'workload/worker',
      kind: 'workload',
      name: 'worker',
      component: 'worker',
      skill: 'workloads',
      dependsOn: [...base, 'secret/worker', 'service-account/worker', 'workload/redis'],
      spec: {
        controller: 'deployment',
        replicas: prod ? 2 : 1,
        selector: labels('worker'),
        template: pod(
          labels('worker'),
          'worker',
          [
            container({
              name: 'worker',
              image: `${REGISTRY}/api:1.4.2`,
              command: ['celery'],
              args: ['-A', 'app.tasks', 'worker', '--loglevel=info'],
              env: [
                { name: 'DATABASE_URL', secret: { name: 'worker', key: 'DATABASE_URL' } },
                { name: 'REDIS_URL', secret: { name: 'worker', key: 'REDIS_URL' } },
              ],
              probes: {
                liveness: probe(
                  {
                    exec: {
                      command: ['celery', '-A', 'app.tasks', 'inspect', 'ping', '--timeout', '5'],
                    },
                  },
                  { periodSeconds: 30, timeoutSeconds: 10 },
                ),
              },
            }),
          ],
          { topologySpread: prod ? hostSpread : [] },
        ),
        strategy: { type: 'recreate' },
        minReadySeconds: 0,
        revisionHistoryLimit: 5,
        progressDeadlineSeconds: 600,
      },
    },
    {
      id: 'cron-job/redis-backup',
      kind: 'cron-job',
      name: 'redis-backup',
      component: 'redis',
      skill: 'backup',
      dependsOn: [
        ...base,
        'secret/redis',
        'service-account/redis',
        'volume/redis-backups',
        'workload/redis',
      ],
      spec: {
        schedule: '0 3 * * *',
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 600,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        job: {
          template: pod(
            labels('redis-backup'),
            'redis',
            [
              container({
                name: 'backup',
                image: 'docker.io/library/redis:7.4.1-alpine',
                command: ['sh', '-c'],
                args: [
                  `redis-cli -h ${redisHost} -a "$REDIS_PASSWORD" --rdb /backup/dump-$(date +%F).rdb`,
                ],
                env: [{ name: 'REDIS_PASSWORD', secret: { name: 'redis', key: 'REDIS_PASSWORD' } }],
                volumeMounts: [tmp, { name: 'backup', mountPath: '/backup' }],
              }),
            ],
            {
              restartPolicy: 'OnFailure',
              volumes: [
                { name: 'backup', claim: { claimName: 'redis-backups' } },
                { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
              ],
            },
          ),
          backoffLimit: 3,
          activeDeadlineSeconds: 1800,
          ttlSecondsAfterFinished: 86400,
        },
      },
    },
    service('api', 80, 'http'),
    {
      ...service('web', 80, 'http'),
      spec: {
        selector: {
          ...labels('web'),
          ...(env === 'staging' ? { 'stackpilot.dev/color': 'green' } : {}),
        },
        ports: [{ name: 'http', port: 80, targetPort: 'http' }],
        headless: false,
        annotations: {},
      },
    },
    service('chatbot', 80, 'http'),
    {
      id: 'route/shop',
      kind: 'route',
      name: 'shop',
      skill: 'exposure',
      dependsOn: [...base, 'service/api', 'service/chatbot', 'service/web'],
      spec: {
        className: 'nginx',
        host,
        ...(env === 'dev' ? {} : { tls: { secretName: 'shop-tls', issuer: 'letsencrypt' } }),
        annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' },
        paths: [
          { path: '/api', pathType: 'Prefix', service: 'api', port: 'http' },
          { path: '/chat', pathType: 'Prefix', service: 'chatbot', port: 'http' },
          { path: '/', pathType: 'Prefix', service: 'web', port: 'http' },
        ],
      },
    },
    netpol('default-deny', {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
      egress: [
        {
          peers: [
            {
              namespaces: { 'kubernetes.io/metadata.name': 'kube-system' },
              pods: { 'k8s-app': 'kube-dns' },
            },
          ],
          ports: [
            { port: 53, protocol: 'UDP' },
            { port: 53, protocol: 'TCP' },
          ],
          reason: 'DNS',
        },
      ],
    }),
    netpol('web', {
      podSelector: labels('web'),
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ ...fromIngressController, ports: [{ port: 3000, protocol: 'TCP' }] }],
      egress: [
        {
          peers: [{ pods: labels('api') }],
          ports: [{ port: 8000, protocol: 'TCP' }],
          reason: 'depends on api',
        },
      ],
    }),
    netpol('api', {
      podSelector: labels('api'),
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        { ...fromIngressController, ports: [{ port: 8000, protocol: 'TCP' }] },
        {
          peers: [{ pods: labels('web') }],
          ports: [{ port: 8000, protocol: 'TCP' }],
          reason: 'web calls api',
        },
      ],
      egress: [toRedis, toDatabase],
    }),
    netpol('chatbot', {
      podSelector: labels('chatbot'),
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ ...fromIngressController, ports: [{ port: 8080, protocol: 'TCP' }] }],
      egress: [toHttps],
    }),
    netpol('worker', {
      podSelector: labels('worker'),
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
      egress: [toRedis, toDatabase],
    }),
    netpol('redis', {
      podSelector: labels('redis'),
      policyTypes: ['Ingress'],
      ingress: [
        {
          peers: [
            { pods: labels('api') },
            { pods: labels('worker') },
            { pods: labels('redis-backup') },
          ],
          ports: [{ port: 6379, protocol: 'TCP' }],
          reason: 'api, worker and the backup job use redis',
        },
      ],
      egress: [],
    }),
    netpol('api-migrate', {
      podSelector: labels('api-migrate'),
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
      egress: [toDatabase],
    }),
    netpol('redis-backup', {
      podSelector: labels('redis-backup'),
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
      egress: [toRedis],
    }),
  ];

  if (prod) {
    nodes.push({
      id: 'autoscaler/api',
      kind: 'autoscaler',
      name: 'api',
      component: 'api',
      skill: 'scaling',
      dependsOn: [...base, 'workload/api'],
      spec: {
        target: { kind: 'Deployment', name: 'api' },
        minReplicas: 2,
        maxReplicas: 6,
        cpuUtilization: 70,
        memoryUtilization: 80,
        scaleDownStabilizationSeconds: 300,
      },
    });
  }
  if (env !== 'dev') {
    // Every replicated workload gets a budget; in staging the worker runs a single replica.
    const budgeted = prod
      ? (['api', 'web', 'chatbot', 'worker'] as const)
      : (['api', 'web', 'chatbot'] as const);
    nodes.push(
      ...budgeted.map((name): Draft => ({
        id: `disruption-budget/${name}`,
        kind: 'disruption-budget',
        name,
        component: name,
        skill: 'scaling',
        dependsOn: base,
        spec: {
          selector: labels(name),
          ...(name === 'web' ? { maxUnavailable: 1 } : { minAvailable: 1 }),
        },
      })),
    );
  }
  if (env !== 'dev') {
    nodes.push({
      id: 'service-monitor/api',
      kind: 'service-monitor',
      name: 'api',
      component: 'api',
      skill: 'observability',
      dependsOn: [...base, 'service/api'],
      spec: { selector: labels('api'), port: 'http', path: '/metrics', interval: '30s' },
    });
  }

  const scheme = env === 'dev' ? 'http' : 'https';
  return finishPlan({
    schemaVersion: 1,
    app: 'shop',
    environment: env,
    namespace: ns,
    images: [
      {
        component: 'api',
        image: `${REGISTRY}/api:1.4.2`,
        source: 'dockerfile',
        dockerfile: 'api/Dockerfile',
        context: 'api',
      },
      {
        component: 'web',
        image: webImage('2.0.1'),
        source: 'generated',
        generatedDockerfile: 'FROM node:20\n',
        context: 'web',
      },
    ],
    nodes,
    decisions: [
      {
        skill: 'data-services',
        subject: 'redis',
        topic: 'controller',
        choice: 'statefulset',
        alternatives: ['deployment', 'managed'],
        reason: 'redis keeps an append-only file on a per-replica volume',
      },
    ],
    cost: { currency: 'USD', lines: [], fixed: [], totalMonthly: 0, assumptions: [] },
    rollout: {
      strategy: env === 'staging' ? 'blue-green' : 'rolling',
      ...(env === 'staging' ? { activeColor: 'green' as const } : {}),
      autoRollback: prod,
      rollbackSteps: ['stackpilot rollback --env ' + env],
    },
    recovery: {
      backups: [
        {
          component: 'redis',
          node: 'cron-job/redis-backup',
          schedule: '0 3 * * *',
          retentionDays: 7,
          method: 'redis-cli --rdb',
        },
      ],
      objectives: { rpo: '24h', rto: '1h' },
      runbook: ['restore the newest dump from the redis-backups volume'],
    },
    outputs: {
      publicUrls: [`${scheme}://${host}`],
      addresses: {
        api: `http://api.${ns}.svc.cluster.local:80`,
        chatbot: `http://chatbot.${ns}.svc.cluster.local:80`,
        redis: `redis://redis.${ns}.svc.cluster.local:6379`,
        web: `http://web.${ns}.svc.cluster.local:80`,
      },
    },
    warnings: [],
  });
}
