/**
 * A namespace of sample objects of every kind the diagnosis reader maps, put on the test
 * cluster through its API: a tainted node, a default StorageClass and an IngressClass, a Secret
 * (whose value is the canary a test looks for), a ConfigMap, a ready Deployment with ports,
 * resources, probes and env sources, a crash-looping one, Services (one selecting nothing), an
 * HPA, NetworkPolicies (one with matchExpressions), a claim of a missing class and a pod that
 * mounts it, an Ingress and a Job.
 */
import type { ClusterApi } from './api';
import { failingImage } from './stages';

function deployment(name: string, image: string, extra: Record<string, unknown> = {}): unknown {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, tier: 'backend' } },
        spec: { containers: [{ name, image, ...extra }] },
      },
    },
  };
}

/** Puts the sample objects into namespace `ns` (created here); `canaryB64` is the Secret's value, base64. */
export async function putSampleObjects(
  api: ClusterApi,
  ns: string,
  canaryB64: string,
): Promise<void> {
  const at = (kind: string) => `/api/v1/namespaces/${ns}/${kind}`;
  const group = (g: string, kind: string) => `/apis/${g}/namespaces/${ns}/${kind}`;
  await api.mergePatch('/api/v1/nodes/kwok-node-2', {
    spec: { taints: [{ key: 'example.com/dedicated', value: 'db', effect: 'NoSchedule' }] },
  });
  await api.create('/api/v1/namespaces', { metadata: { name: ns } });
  await api.create('/apis/storage.k8s.io/v1/storageclasses', {
    metadata: {
      name: 'fast',
      annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
    },
    provisioner: 'kubernetes.io/no-provisioner',
    volumeBindingMode: 'WaitForFirstConsumer',
  });
  await api.create('/apis/networking.k8s.io/v1/ingressclasses', {
    metadata: {
      name: 'nginx',
      annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' },
    },
    spec: { controller: 'k8s.io/ingress-nginx' },
  });
  await api.create(at('secrets'), {
    metadata: { name: 'app-secrets' },
    data: { API_KEY: canaryB64, DATABASE_URL: canaryB64 },
  });
  await api.create(at('configmaps'), {
    metadata: { name: 'app-config' },
    data: { LOG_LEVEL: 'info' },
  });
  await api.create(
    group('apps/v1', 'deployments'),
    deployment('web', 'example.org/web:1.0.0', {
      ports: [{ name: 'http', containerPort: 8080 }],
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
      readinessProbe: { httpGet: { path: '/healthz', port: 'http' } },
      livenessProbe: { tcpSocket: { port: 8080 } },
      env: [
        {
          name: 'API_KEY',
          valueFrom: { secretKeyRef: { name: 'app-secrets', key: 'API_KEY' } },
        },
        {
          name: 'LOG_LEVEL',
          valueFrom: { configMapKeyRef: { name: 'app-config', key: 'LOG_LEVEL' } },
        },
      ],
      envFrom: [{ secretRef: { name: 'extra', optional: true } }],
    }),
  );
  await api.create(group('apps/v1', 'deployments'), deployment('crasher', failingImage('exit')));
  await api.create(at('services'), {
    metadata: { name: 'web' },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  });
  await api.create(at('services'), {
    metadata: { name: 'nobody' },
    spec: { selector: { app: 'nobody' }, ports: [{ port: 5432 }] },
  });
  await api.create(group('autoscaling/v2', 'horizontalpodautoscalers'), {
    metadata: { name: 'web' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 1,
      maxReplicas: 3,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
        },
      ],
    },
  });
  await api.create(group('networking.k8s.io/v1', 'networkpolicies'), {
    metadata: { name: 'web-ingress', labels: { 'app.kubernetes.io/managed-by': 'stackpilot' } },
    spec: {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ podSelector: { matchLabels: { app: 'api' } } }, { namespaceSelector: {} }],
          ports: [{ port: 8080, protocol: 'TCP' }],
        },
      ],
    },
  });
  await api.create(group('networking.k8s.io/v1', 'networkpolicies'), {
    metadata: { name: 'by-hand' },
    spec: {
      podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] },
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }],
    },
  });
  await api.create(at('persistentvolumeclaims'), {
    metadata: { name: 'data' },
    spec: {
      accessModes: ['ReadWriteOnce'],
      storageClassName: 'missing',
      resources: { requests: { storage: '1Gi' } },
    },
  });
  await api.create(at('pods'), {
    metadata: { name: 'store' },
    spec: {
      containers: [{ name: 'store', image: 'example.org/store:1' }],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }],
    },
  });
  await api.create(group('networking.k8s.io/v1', 'ingresses'), {
    metadata: { name: 'web' },
    spec: {
      ingressClassName: 'nginx',
      defaultBackend: { service: { name: 'web', port: { name: 'http' } } },
      rules: [
        {
          host: 'web.example.com',
          http: {
            paths: [
              {
                path: '/api',
                pathType: 'Prefix',
                backend: { service: { name: 'api', port: { number: 8000 } } },
              },
            ],
          },
        },
      ],
    },
  });
  await api.create(group('batch/v1', 'jobs'), {
    metadata: { name: 'migrate' },
    spec: {
      backoffLimit: 1,
      template: {
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'migrate', image: 'example.org/web:1.0.0' }],
        },
      },
    },
  });
}
