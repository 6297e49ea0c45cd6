import { strict as assert } from 'node:assert';
import * as fx from './fixtures';
import { only, run } from './support';

describe('diagnose: crash-loop', () => {
  it('turns a missing env var that the plan holds as a secret into secrets set', () => {
    const f = only(run(fx.crashLoopMissingSecret()), 'crash-loop');
    assert.equal(f.object, 'Deployment stackpilot-dev/api');
    assert.equal(f.component, 'api');
    assert.deepEqual(f.evidence.slice(0, 6), [
      'pod api-rs1-a container api: state.waiting.reason: CrashLoopBackOff',
      'pod api-rs1-a container api: state.waiting.message: back-off 2m40s restarting failed container=api',
      'pod api-rs1-a container api: lastState.terminated.reason: Error',
      'pod api-rs1-a container api: lastState.terminated.exitCode: 1',
      'pod api-rs1-a container api: restartCount: 5',
      'event BackOff (x5): Back-off restarting failed container api in pod api-rs1-a',
    ]);
    assert.equal(f.evidence.at(-1), "log api-rs1-a/api (previous run): KeyError: 'DATABASE_URL'");
    assert.match(f.cause, /exit code 1: the application failed/);
    assert.match(f.cause, /env var DATABASE_URL is missing/);
    assert.deepEqual([f.decision?.skill, f.decision?.topic], ['secrets', 'secret']);
    assert.deepEqual(f.fix, {
      summary: 'stackpilot secrets set fullstack DATABASE_URL --env dev',
      reason:
        'its log names DATABASE_URL, a secret of the plan: set its value (on stdin), then `stackpilot up`',
      command: 'stackpilot secrets set fullstack DATABASE_URL --env dev',
    });
  });

  it('turns a missing env var the plan does not know into an env override', () => {
    const f = only(run(fx.crashLoopMissingEnv()), 'crash-loop');
    assert.equal(f.component, 'worker');
    assert.equal(
      f.evidence.at(-1),
      'log worker-rs1-a/worker (previous run): Error: Missing required env SENTRY_DSN',
    );
    assert.deepEqual(f.fix?.config, {
      components: { worker: { env: { SENTRY_DSN: '<value of SENTRY_DSN>' } } },
    });
    assert.equal(
      f.fix?.summary,
      'stackpilot:components: {worker: {env: {SENTRY_DSN: "<value of SENTRY_DSN>"}}}',
    );
    // worker has no ConfigMap: the decision that lists what env it gets is its Secret's.
    assert.deepEqual([f.decision?.skill, f.decision?.topic], ['secrets', 'secret']);
  });

  it('explains exit 127 as the start command, with the command decision and no fix', () => {
    const f = only(run(fx.crashLoopCommandNotFound()), 'crash-loop');
    assert.equal(f.object, 'Deployment stackpilot-dev/worker');
    assert.deepEqual(f.evidence, [
      'pod worker-rs1-a container worker: state.waiting.reason: CrashLoopBackOff',
      'pod worker-rs1-a container worker: lastState.terminated.reason: Error',
      'pod worker-rs1-a container worker: lastState.terminated.exitCode: 127',
      'pod worker-rs1-a container worker: restartCount: 3',
      'also pods worker-rs1-b',
    ]);
    assert.match(f.cause, /exit code 127: command not found/);
    assert.match(f.cause, /`uv run --no-sync celery -A worker.celery_app worker --loglevel=INFO`/);
    assert.deepEqual([f.decision?.skill, f.decision?.topic], ['containerize', 'command']);
    assert.equal(f.fix, undefined);
  });
});

describe('diagnose: oom-killed', () => {
  it('doubles the memory with the observed limit and restarts in the reason', () => {
    const d = run(fx.oomKilled());
    assert.deepEqual(
      d.findings.map((f) => f.class),
      ['oom-killed'],
      'an OOM kill is not also a crash-loop',
    );
    const f = only(d, 'oom-killed');
    assert.equal(f.object, 'Deployment stackpilot-dev/worker');
    assert.equal(f.component, 'worker');
    assert.ok(
      f.evidence.includes(
        'pod worker-rs1-a container worker: lastState.terminated.reason: OOMKilled',
      ),
    );
    assert.ok(
      f.evidence.includes('pod worker-rs1-a container worker: lastState.terminated.exitCode: 137'),
    );
    assert.ok(
      f.evidence.includes('pod worker-rs1-a container worker: resources.limits.memory: 512Mi'),
    );
    assert.match(f.cause, /exceeding its memory limit of 512Mi/);
    assert.deepEqual([f.decision?.skill, f.decision?.topic], ['scaling', 'resources']);
    assert.deepEqual(f.fix?.config, { components: { worker: { memory: '1Gi' } } });
    assert.equal(f.fix?.summary, 'stackpilot:components: {worker: {memory: 1Gi}}');
    assert.match(f.fix?.reason ?? '', /^OOMKilled at its 512Mi limit, 3 restarts: 1Gi/);
  });
});

describe('diagnose: image-pull', () => {
  it('asks to build and push an image the plan builds that the registry does not have', () => {
    const f = only(run(fx.imageNotPushed()), 'image-pull');
    assert.equal(f.object, 'Deployment stackpilot-dev/api');
    assert.equal(f.component, 'api');
    assert.equal(
      f.evidence[0],
      'pod api-rs1-a container api: state.waiting.reason: ImagePullBackOff',
    );
    assert.match(f.evidence.at(-1) ?? '', /^event Failed \(x3\): Failed to pull image/);
    assert.match(f.cause, /not in registry localhost:5000 .*the plan builds it/);
    assert.deepEqual([f.decision?.skill, f.decision?.topic], ['containerize', 'build']);
    assert.equal(f.fix?.command, 'stackpilot build . --env dev --push');
  });

  it('proposes another tag for a prebuilt image', () => {
    const f = only(run(fx.prebuiltTagMissing()), 'image-pull');
    assert.equal(f.object, 'StatefulSet stackpilot-dev/redis');
    assert.match(f.cause, /registry docker.io/);
    assert.deepEqual([f.decision?.skill, f.decision?.topic], ['data-services', 'placement']);
    assert.deepEqual(f.fix?.config, {
      components: { redis: { image: 'redis:<a tag that exists>' } },
    });
  });

  it('names the registry and the pull secret when the registry refuses, with no plan fix', () => {
    const f = only(run(fx.imageUnauthorized()), 'image-pull');
    assert.match(f.cause, /registry localhost:5000 refused .*image pull secret for localhost:5000/);
    assert.equal(f.fix, undefined);
  });
});

describe('diagnose: config-missing', () => {
  it('names the missing Secret key from the kubelet and from the spec check, once', () => {
    const d = run(fx.configMissing());
    const secret = d.findings.find(
      (f) => f.class === 'config-missing' && /Secret api/.test(f.cause),
    );
    assert.ok(secret);
    assert.equal(secret.object, 'Deployment stackpilot-dev/api');
    assert.deepEqual(secret.evidence, [
      'pod api-rs1-a container api: state.waiting.reason: CreateContainerConfigError',
      "pod api-rs1-a container api: state.waiting.message: couldn't find key DATABASE_URL in Secret stackpilot-dev/api",
      "event Failed (x4): Error: couldn't find key DATABASE_URL in Secret stackpilot-dev/api",
      'pod api-rs1-a container api: env DATABASE_URL from Secret api key DATABASE_URL (not optional)',
      'Secret stackpilot-dev/api has keys: CELERY_BROKER_URL, REDIS_URL',
    ]);
    assert.match(secret.cause, /key DATABASE_URL of Secret api/);
    assert.deepEqual([secret.decision?.skill, secret.decision?.topic], ['secrets', 'secret']);
    assert.equal(secret.fix?.command, 'stackpilot secrets set fullstack DATABASE_URL --env dev');
  });

  it('re-applies the plan for a ConfigMap it owns that is gone, and skips optional references', () => {
    const d = run(fx.configMissing());
    const cm = d.findings.filter((f) => f.class === 'config-missing' && /ConfigMap/.test(f.cause));
    assert.equal(cm.length, 1, 'the optional ConfigMap extra is not a finding');
    assert.deepEqual(cm[0]?.evidence, [
      'pod api-rs1-a container api: env CORS_ORIGINS from ConfigMap api key CORS_ORIGINS (not optional)',
      'ConfigMap stackpilot-dev/api: not found',
    ]);
    assert.deepEqual(
      [cm[0]?.decision?.skill, cm[0]?.decision?.topic],
      ['workloads', 'configuration'],
    );
    assert.equal(cm[0]?.fix?.command, 'stackpilot up . --env dev');
  });

  it('does not check references of a kind the snapshot could not read', () => {
    const s = fx.configMissing();
    s.unreadable = ['ConfigMaps: forbidden (RBAC)'];
    const d = run(s);
    assert.equal(d.findings.filter((f) => /ConfigMap/.test(f.cause)).length, 0);
    assert.deepEqual(d.notes, ['ConfigMaps: forbidden (RBAC)']);
  });
});

describe('diagnose: crash-loop, killed from outside', () => {
  it('says a SIGKILL that is not OOM is a liveness kill or a slow shutdown, with the probe decision', () => {
    const snap = fx.crashLoopCommandNotFound();
    snap.pods = snap.pods.slice(0, 1).map((p) => ({
      ...p,
      containers: [
        {
          ...p.containers[0]!,
          lastTerminated: { reason: 'Error', exitCode: 137 },
        },
      ],
    }));
    snap.events = [
      {
        kind: 'Pod',
        name: 'worker-rs1-a',
        type: 'Warning',
        reason: 'Unhealthy',
        message: 'Liveness probe failed: command timed out',
        count: 3,
        last: '2025-01-01T00:00:00Z',
      },
    ];
    const f = only(run(snap), 'crash-loop');
    assert.match(f.cause, /exit code 137: killed by SIGKILL, not by the memory limit/);
    assert.ok(
      f.evidence.includes('event Unhealthy (x3): Liveness probe failed: command timed out'),
    );
    assert.deepEqual([f.decision?.skill, f.decision?.topic], ['observability', 'probes']);
    assert.equal(f.fix, undefined);
  });
});
