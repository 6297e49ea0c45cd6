/**
 * Situations on a healthy applied fullstack dev plan, each breaking one thing, for the
 * classes that read the namespace around the pods (scheduling, claims, probes, Services, Jobs,
 * rollouts, autoscalers, Ingresses, NetworkPolicies).
 */
import type { DeploymentPlan } from '../../../src/model/plan';
import type { DiagnosisSnapshot, PodSnapshot } from '../../../src/model/snapshot';
import { applied } from './applied';
import { container, event, fullstackPlan, NOT_READY, planSpec } from './support';

const PENDING = [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }];

function replacePod(s: DiagnosisSnapshot, name: string, change: (p: PodSnapshot) => PodSnapshot) {
  s.pods = s.pods.map((p) => (p.name === name ? change(p) : p));
}

function notRunning(s: DiagnosisSnapshot, workload: string) {
  const w = s.workloads.find((x) => x.name === workload)!;
  Object.assign(w, { ready: 0, available: 0 });
}

/** api asks for 4Gi of memory; the nodes allocate 4Gi each, so it fits none (with their other pods). */
export function unschedulableMemory(): DiagnosisSnapshot {
  const s = applied();
  notRunning(s, 'api');
  s.nodes = s.nodes.map((n) => ({ ...n, allocatable: { ...n.allocatable, memory: '2Gi' } }));
  replacePod(s, 'api-rs1-a', (p) => ({
    ...p,
    phase: 'Pending',
    conditions: PENDING,
    containers: [],
    specs: [planSpec('workload/api', 'api', { requests: { cpu: '125m', memory: '4Gi' } })],
  }));
  delete s.pods.find((p) => p.name === 'api-rs1-a')!.nodeName;
  s.events.push(
    event(
      'Pod',
      'api-rs1-a',
      'FailedScheduling',
      '0/2 nodes are available: 2 Insufficient memory. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.',
      { count: 4 },
    ),
  );
  return s;
}

/** The only node is a tainted control plane; `message` is what the scheduler said. */
export function unschedulableTaint(
  message = '0/1 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
): DiagnosisSnapshot {
  const s = applied();
  notRunning(s, 'web');
  s.nodes = [
    {
      ...s.nodes[0]!,
      name: 'control-plane',
      taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
    },
  ];
  replacePod(s, 'web-rs1-a', (p) => ({
    ...p,
    phase: 'Pending',
    conditions: PENDING,
    containers: [],
  }));
  s.events.push(event('Pod', 'web-rs1-a', 'FailedScheduling', message));
  return s;
}

/** A one-node cluster cannot satisfy the spread. */
export function unschedulableSpread(): DiagnosisSnapshot {
  const s = applied();
  notRunning(s, 'chat');
  s.nodes = [s.nodes[0]!];
  replacePod(s, 'chat-rs1-a', (p) => ({
    ...p,
    phase: 'Pending',
    conditions: PENDING,
    containers: [],
  }));
  s.events.push(
    event(
      'Pod',
      'chat-rs1-a',
      'FailedScheduling',
      "0/1 nodes are available: 1 node(s) didn't match pod topology spread constraints. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
    ),
  );
  return s;
}

/** redis's claim names StorageClass fast, which does not exist; the pod waits for it. */
export function claimClassMissing(): DiagnosisSnapshot {
  const s = applied();
  notRunning(s, 'redis');
  s.claims = s.claims.map((c) =>
    c.name === 'data-redis-0' ? { ...c, phase: 'Pending', storageClass: 'fast' } : c,
  );
  // A WaitForFirstConsumer claim no pod uses yet is not a failure.
  s.claims = s.claims.map((c) => (c.name === 'redis-backup' ? { ...c, phase: 'Pending' } : c));
  replacePod(s, 'redis-0', (p) => ({
    ...p,
    phase: 'Pending',
    conditions: PENDING,
    containers: [],
  }));
  s.events.push(
    event(
      'PersistentVolumeClaim',
      'data-redis-0',
      'ProvisioningFailed',
      'storageclass.storage.k8s.io "fast" not found',
      { count: 7 },
    ),
    event(
      'Pod',
      'redis-0',
      'FailedScheduling',
      '0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    ),
    event(
      'PersistentVolumeClaim',
      'redis-backup',
      'WaitForFirstConsumer',
      'waiting for first consumer to be created before binding',
      { type: 'Normal' },
    ),
  );
  return s;
}

/** api runs but answers its readiness probe with 503; its Service has no ready endpoint. */
export function readiness503(): DiagnosisSnapshot {
  const s = applied();
  notRunning(s, 'api');
  replacePod(s, 'api-rs1-a', (p) => ({
    ...p,
    conditions: NOT_READY,
    containers: [container('api')],
  }));
  s.endpoints = s.endpoints.map((e) => (e.service === 'api' ? { ...e, ready: 0, notReady: 1 } : e));
  s.events.push(
    event(
      'Pod',
      'api-rs1-a',
      'Unhealthy',
      'Readiness probe failed: HTTP probe failed with statuscode: 503',
      { count: 12 },
    ),
  );
  return s;
}

/** chat listens on 8000 (its log says so) while the plan probes and serves 8001. */
export function probeWrongPort(): DiagnosisSnapshot {
  const s = applied();
  notRunning(s, 'chat');
  replacePod(s, 'chat-rs1-a', (p) => ({
    ...p,
    conditions: NOT_READY,
    containers: [container('chat')],
  }));
  s.endpoints = s.endpoints.map((e) =>
    e.service === 'chat' ? { ...e, ready: 0, notReady: 1 } : e,
  );
  s.events.push(
    event(
      'Pod',
      'chat-rs1-a',
      'Unhealthy',
      'Readiness probe failed: Get "http://10.244.0.9:8001/health": dial tcp 10.244.0.9:8001: connect: connection refused',
      { count: 9 },
    ),
  );
  s.logs.push({
    pod: 'chat-rs1-a',
    container: 'chat',
    previous: false,
    lines: [
      '[2025-01-01 00:00:00 +0000] [1] [INFO] Starting gunicorn 23.0.0',
      '[2025-01-01 00:00:00 +0000] [1] [INFO] Listening at: http://0.0.0.0:8000 (1)',
      '[2025-01-01 00:00:00 +0000] [1] [INFO] Using worker: uvicorn.workers.UvicornWorker',
    ],
  });
  return s;
}

/** Someone edited api's live readiness probe to /ready. */
export function probeDrift(): DiagnosisSnapshot {
  const s = applied();
  replacePod(s, 'api-rs1-a', (p) => ({
    ...p,
    specs: [
      planSpec('workload/api', 'api', { readiness: { kind: 'http', port: 8000, path: '/ready' } }),
    ],
  }));
  return s;
}

/** api's readiness path answers 404; its access log shows /health answering 200. */
export function probeWrongPath(): DiagnosisSnapshot {
  const s = applied();
  notRunning(s, 'api');
  replacePod(s, 'api-rs1-a', (p) => ({
    ...p,
    conditions: NOT_READY,
    containers: [container('api')],
  }));
  s.events.push(
    event(
      'Pod',
      'api-rs1-a',
      'Unhealthy',
      'Readiness probe failed: HTTP probe failed with statuscode: 404',
      { count: 6 },
    ),
  );
  s.logs.push({
    pod: 'api-rs1-a',
    container: 'api',
    previous: false,
    lines: [
      'INFO:     10.244.0.1:40312 - "GET /readyz HTTP/1.1" 404 Not Found',
      'INFO:     10.244.0.7:51234 - "GET /health HTTP/1.1" 200 OK',
      'INFO:     10.244.0.1:40314 - "GET /readyz HTTP/1.1" 404 Not Found',
    ],
  });
  return s;
}

/** Someone changed the api Service's selector: it selects nothing. */
export function serviceSelectorDrift(): DiagnosisSnapshot {
  const s = applied();
  s.services = s.services.map((x) => (x.name === 'api' ? { ...x, selector: { app: 'api' } } : x));
  s.endpoints = s.endpoints.map((e) => (e.service === 'api' ? { ...e, ready: 0 } : e));
  return s;
}

/** The migration Job gave up: its log says the database host does not resolve. */
export function migrationFailed(): DiagnosisSnapshot {
  const s = applied();
  notRunning(s, 'api');
  s.jobs = s.jobs.map((j) =>
    j.name === 'api-migrate'
      ? {
          ...j,
          succeeded: 0,
          failed: 3,
          conditions: [
            {
              type: 'Failed',
              status: 'True',
              reason: 'BackoffLimitExceeded',
              message: 'Job has reached the specified backoff limit',
            },
          ],
        }
      : j,
  );
  for (const suffix of ['a', 'b', 'c'])
    s.pods.push({
      name: `api-migrate-${suffix}`,
      owner: { kind: 'Job', name: 'api-migrate' },
      labels: {
        'app.kubernetes.io/instance': 'fullstack-dev',
        'app.kubernetes.io/name': 'api-migrate',
      },
      phase: 'Failed',
      conditions: [{ type: 'Ready', status: 'False' }],
      containers: [container('migrate', { terminated: { reason: 'Error', exitCode: 1 } })],
      specs: [planSpec('job/api-migrate', 'migrate')],
      deleting: false,
    });
  s.logs.push({
    pod: 'api-migrate-c',
    container: 'migrate',
    previous: false,
    lines: [
      'INFO  [alembic.runtime.migration] Context impl PostgresqlImpl.',
      'sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) could not translate host name "ep-quiet-meadow.eu-central-1.aws.neon.tech" to address: Name or service not known',
    ],
  });
  return s;
}

/** api's new ReplicaSet crash-loops past the progress deadline while the old pod serves. */
export function rolloutStuck(): DiagnosisSnapshot {
  const s = applied();
  s.workloads = s.workloads.map((w) =>
    w.name === 'api'
      ? {
          ...w,
          total: 2,
          updated: 1,
          conditions: [
            { type: 'Available', status: 'True' },
            {
              type: 'Progressing',
              status: 'False',
              reason: 'ProgressDeadlineExceeded',
              message: 'ReplicaSet "api-rs2" has timed out progressing.',
            },
          ],
        }
      : w,
  );
  s.replicaSets.push({ name: 'api-rs2', owner: 'api', desired: 1 });
  s.pods.push({
    ...s.pods.find((p) => p.name === 'api-rs1-a')!,
    name: 'api-rs2-a',
    owner: { kind: 'ReplicaSet', name: 'api-rs2' },
    conditions: NOT_READY,
    containers: [
      container('api', {
        restartCount: 9,
        waiting: { reason: 'CrashLoopBackOff' },
        lastTerminated: { reason: 'Error', exitCode: 1 },
      }),
    ],
  });
  return s;
}

/** The fullstack prod plan: api is autoscaled (HPA api on Deployment api-blue). */
export function prodPlan(): DeploymentPlan {
  return fullstackPlan('prod');
}

/** The cluster serves no metrics API: api's autoscaler has no metrics. */
export function autoscalerNoMetrics(): DiagnosisSnapshot {
  const s = applied(prodPlan());
  s.autoscalers = [
    {
      name: 'api',
      target: { kind: 'Deployment', name: 'api-blue' },
      min: 3,
      max: 10,
      hasMetrics: false,
      conditions: [
        { type: 'AbleToScale', status: 'True', reason: 'SucceededGetScale' },
        {
          type: 'ScalingActive',
          status: 'False',
          reason: 'FailedGetResourceMetric',
          message:
            'the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)',
        },
      ],
    },
  ];
  s.events.push(
    event(
      'HorizontalPodAutoscaler',
      'api',
      'FailedGetResourceMetric',
      'failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)',
      { count: 20 },
    ),
  );
  return s;
}

export * from './situations-network';
