/**
 * One hand-written snapshot per situation each failure class explains, against the fullstack
 * dev plan. The class tests assert their findings; the security test walks every fix of all.
 */
import type { DeploymentPlan } from '../../../src/model/plan';
import type { DiagnosisSnapshot } from '../../../src/model/snapshot';
import * as situations from './situations';
import {
  container,
  deployment,
  deploymentPod,
  event,
  labelsOf,
  NOT_READY,
  planSpec,
  snapshot,
} from './support';

const API_IMAGE = 'localhost:5000/fullstack-api:src-f7929237c5ca';

/** api crash-loops with exit 1; its log says DATABASE_URL (a plan secret) is missing. */
export function crashLoopMissingSecret(): DiagnosisSnapshot {
  return snapshot({
    ...deployment('api'),
    pods: [
      deploymentPod('api', 'a', {
        containers: [
          container('api', {
            restartCount: 5,
            waiting: {
              reason: 'CrashLoopBackOff',
              message: 'back-off 2m40s restarting failed container=api',
            },
            lastTerminated: { reason: 'Error', exitCode: 1 },
          }),
        ],
      }),
    ],
    events: [
      event(
        'Pod',
        'api-rs1-a',
        'BackOff',
        'Back-off restarting failed container api in pod api-rs1-a',
        {
          count: 5,
        },
      ),
    ],
    logs: [
      {
        pod: 'api-rs1-a',
        container: 'api',
        previous: true,
        lines: [
          'Traceback (most recent call last):',
          '  File "/app/api/settings.py", line 12, in <module>',
          "    DATABASE_URL = os.environ['DATABASE_URL']",
          "KeyError: 'DATABASE_URL'",
        ],
      },
    ],
  });
}

/** worker crash-loops; its log says SENTRY_DSN (not in the plan) is missing. */
export function crashLoopMissingEnv(): DiagnosisSnapshot {
  return snapshot({
    ...deployment('worker'),
    pods: [
      deploymentPod('worker', 'a', {
        containers: [
          container('worker', {
            restartCount: 2,
            waiting: { reason: 'CrashLoopBackOff' },
            lastTerminated: { reason: 'Error', exitCode: 1 },
          }),
        ],
      }),
    ],
    logs: [
      {
        pod: 'worker-rs1-a',
        container: 'worker',
        previous: true,
        lines: ['Error: Missing required env SENTRY_DSN'],
      },
    ],
  });
}

/** worker's start command is not in the image: exit 127. */
export function crashLoopCommandNotFound(): DiagnosisSnapshot {
  return snapshot({
    ...deployment('worker'),
    pods: [
      deploymentPod('worker', 'a', {
        containers: [
          container('worker', {
            restartCount: 3,
            waiting: { reason: 'CrashLoopBackOff' },
            lastTerminated: { reason: 'Error', exitCode: 127 },
          }),
        ],
      }),
      deploymentPod('worker', 'b', {
        containers: [
          container('worker', {
            restartCount: 3,
            waiting: { reason: 'CrashLoopBackOff' },
            lastTerminated: { reason: 'Error', exitCode: 127 },
          }),
        ],
      }),
    ],
  });
}

/** worker is OOMKilled at its 512Mi limit, 3 restarts. */
export function oomKilled(): DiagnosisSnapshot {
  return snapshot({
    ...deployment('worker'),
    pods: [
      deploymentPod('worker', 'a', {
        containers: [
          container('worker', {
            restartCount: 3,
            waiting: { reason: 'CrashLoopBackOff' },
            lastTerminated: { reason: 'OOMKilled', exitCode: 137 },
          }),
        ],
        specs: [planSpec('workload/worker', 'worker')],
      }),
    ],
  });
}

/** api's built image was never pushed: manifest unknown. */
export function imageNotPushed(): DiagnosisSnapshot {
  const msg = `failed to pull and unpack image "${API_IMAGE}": failed to resolve reference "${API_IMAGE}": ${API_IMAGE}: not found`;
  return snapshot({
    ...deployment('api'),
    pods: [
      deploymentPod('api', 'a', {
        containers: [
          container('api', {
            waiting: {
              reason: 'ImagePullBackOff',
              message: `Back-off pulling image "${API_IMAGE}"`,
            },
          }),
        ],
        specs: [planSpec('workload/api', 'api')],
      }),
    ],
    events: [
      event(
        'Pod',
        'api-rs1-a',
        'Failed',
        `Failed to pull image "${API_IMAGE}": rpc error: code = NotFound desc = ${msg}`,
        {
          count: 3,
        },
      ),
    ],
  });
}

/** redis (a prebuilt image) names a tag Docker Hub does not have. */
export function prebuiltTagMissing(): DiagnosisSnapshot {
  return snapshot({
    workloads: [
      {
        kind: 'StatefulSet',
        name: 'redis',
        desired: 1,
        total: 1,
        ready: 0,
        available: 0,
        updated: 1,
        conditions: [],
      },
    ],
    pods: [
      {
        name: 'redis-0',
        owner: { kind: 'StatefulSet', name: 'redis' },
        labels: labelsOf('redis'),
        phase: 'Pending',
        conditions: NOT_READY,
        containers: [
          container('redis', {
            waiting: {
              reason: 'ErrImagePull',
              message:
                'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/redis:7.4.1-alpine": manifest unknown',
            },
          }),
        ],
        specs: [planSpec('workload/redis', 'redis')],
        deleting: false,
      },
    ],
  });
}

/** The registry refuses the node: unauthorized. */
export function imageUnauthorized(): DiagnosisSnapshot {
  return snapshot({
    ...deployment('api'),
    pods: [
      deploymentPod('api', 'a', {
        containers: [
          container('api', {
            waiting: {
              reason: 'ErrImagePull',
              message: `failed to authorize: failed to fetch anonymous token: unexpected status: 401 Unauthorized`,
            },
          }),
        ],
        specs: [planSpec('workload/api', 'api')],
      }),
    ],
  });
}

/** api cannot start: key DATABASE_URL of Secret api is missing (kubelet), and ConfigMap api is gone (spec check). */
export function configMissing(): DiagnosisSnapshot {
  return snapshot({
    ...deployment('api'),
    pods: [
      deploymentPod('api', 'a', {
        phase: 'Pending',
        containers: [
          container('api', {
            waiting: {
              reason: 'CreateContainerConfigError',
              message: "couldn't find key DATABASE_URL in Secret stackpilot-dev/api",
            },
          }),
        ],
        specs: [
          planSpec('workload/api', 'api', {
            envSources: [
              {
                kind: 'Secret',
                name: 'api',
                key: 'DATABASE_URL',
                env: 'DATABASE_URL',
                optional: false,
              },
              { kind: 'Secret', name: 'api', key: 'REDIS_URL', env: 'REDIS_URL', optional: false },
              {
                kind: 'ConfigMap',
                name: 'api',
                key: 'CORS_ORIGINS',
                env: 'CORS_ORIGINS',
                optional: false,
              },
              { kind: 'ConfigMap', name: 'extra', optional: true },
            ],
          }),
        ],
      }),
    ],
    events: [
      event(
        'Pod',
        'api-rs1-a',
        'Failed',
        "Error: couldn't find key DATABASE_URL in Secret stackpilot-dev/api",
        {
          count: 4,
        },
      ),
    ],
    configs: [{ kind: 'Secret', name: 'api', keys: ['REDIS_URL', 'CELERY_BROKER_URL'] }],
  });
}

/** Every fixture, by name: what the security walk iterates. */
export const FIXTURES: Record<string, () => DiagnosisSnapshot> = {
  crashLoopMissingSecret,
  crashLoopMissingEnv,
  crashLoopCommandNotFound,
  oomKilled,
  imageNotPushed,
  prebuiltTagMissing,
  imageUnauthorized,
  configMissing,
  unschedulableMemory: situations.unschedulableMemory,
  unschedulableTaint: situations.unschedulableTaint,
  unschedulableSpread: situations.unschedulableSpread,
  claimClassMissing: situations.claimClassMissing,
  readiness503: situations.readiness503,
  probeWrongPort: situations.probeWrongPort,
  probeDrift: situations.probeDrift,
  probeWrongPath: situations.probeWrongPath,
  serviceSelectorDrift: situations.serviceSelectorDrift,
  migrationFailed: situations.migrationFailed,
  rolloutStuck: situations.rolloutStuck,
  autoscalerNoMetrics: situations.autoscalerNoMetrics,
  ingressClassMissing: situations.ingressClassMissing,
  ingressBackendDrift: situations.ingressBackendDrift,
  policyMissing: situations.policyMissing,
  foreignPolicy: situations.foreignPolicy,
};

/** The plan a fixture is read against, when it is not the fullstack dev plan. */
export const FIXTURE_PLANS: Record<string, () => DeploymentPlan> = {
  autoscalerNoMetrics: situations.prodPlan,
  foreignPolicy: situations.ingressOnlyPlan,
};
