import { strict as assert } from 'node:assert';
import type { Finding } from '../../../src/model/diagnosis';
import * as s from './situations';
import { ofClass, only, run } from './support';

const decided = (f: Finding) => [f.decision?.skill, f.decision?.topic];

describe('diagnose: unschedulable', () => {
  it('proposes a memory request that fits the largest node, with both figures', () => {
    const f = only(run(s.unschedulableMemory()), 'unschedulable');
    assert.equal(f.object, 'Deployment stackpilot-dev/api');
    assert.equal(f.component, 'api');
    assert.deepEqual(f.evidence, [
      'pod api-rs1-a: status.conditions[PodScheduled]: False (Unschedulable)',
      'event FailedScheduling (x4): 0/2 nodes are available: 2 Insufficient memory. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.',
      'pod api-rs1-a: requests memory: 4Gi',
      'node node-a: allocatable memory: 2Gi',
    ]);
    assert.match(
      f.cause,
      /requests 4Gi memory, more than the largest node \(node-a, 2Gi allocatable\)/,
    );
    assert.deepEqual(decided(f), ['scaling', 'resources']);
    assert.deepEqual(f.fix?.config, { components: { api: { memory: '1Gi' } } });
    assert.match(
      f.fix?.reason ?? '',
      /requests 4Gi memory; the largest node \(node-a\) allocates 2Gi/,
    );
  });

  it('names an untolerated taint and leaves the fix to the cluster', () => {
    const f = only(run(s.unschedulableTaint()), 'unschedulable');
    assert.equal(f.object, 'Deployment stackpilot-dev/web');
    assert.ok(
      f.evidence.includes(
        'node control-plane taints: node-role.kubernetes.io/control-plane:NoSchedule',
      ),
    );
    assert.match(
      f.cause,
      /taint the pod does not tolerate \(node-role.kubernetes.io\/control-plane\)/,
    );
    assert.match(f.cause, /tolerations are not a stack setting/);
    assert.equal(f.fix, undefined);
    // Kubernetes 1.34 prints no taint: the nodes' own are named.
    const quiet = '0/1 nodes are available: 1 node(s) had untolerated taint(s). preemption: …';
    const g = only(run(s.unschedulableTaint(quiet)), 'unschedulable');
    assert.match(
      g.cause,
      /does not tolerate \(node-role.kubernetes.io\/control-plane:NoSchedule\)/,
    );
  });

  it('turns spreading off when the nodes are in one zone', () => {
    const f = only(run(s.unschedulableSpread()), 'unschedulable');
    assert.ok(f.evidence.includes('zones of those nodes: 1 (zone-a)'));
    assert.match(f.cause, /1 untainted ready node\(s\) in 1 zone\(s\)/);
    assert.deepEqual(f.fix?.config, { spread: false });
    assert.equal(f.fix?.summary, 'stackpilot:spread: false');
  });

  it('points a pod that waits for its claim to claim-unbound', () => {
    const f = only(run(s.claimClassMissing()), 'unschedulable');
    assert.equal(f.object, 'StatefulSet stackpilot-dev/redis');
    assert.match(
      f.cause,
      /see the claim-unbound finding of PersistentVolumeClaim stackpilot-dev\/data-redis-0/,
    );
    assert.equal(f.fix, undefined);
  });
});

describe('diagnose: claim-unbound', () => {
  it('names the missing StorageClass, lists the existing ones, and proposes the default', () => {
    const f = only(run(s.claimClassMissing()), 'claim-unbound');
    assert.equal(f.object, 'PersistentVolumeClaim stackpilot-dev/data-redis-0');
    assert.equal(f.component, 'redis');
    assert.deepEqual(f.evidence, [
      'status.phase: Pending',
      'spec.storageClassName: fast',
      'spec.resources.requests.storage: 1Gi',
      'event ProvisioningFailed (x7): storageclass.storage.k8s.io "fast" not found',
      'StorageClasses: standard (default)',
      'used by pods redis-0',
    ]);
    assert.equal(f.cause, 'StorageClass fast does not exist (the cluster has: standard (default))');
    assert.deepEqual(decided(f), ['data-services', 'placement']);
    assert.deepEqual(f.fix?.config, { storageClass: 'standard' });
    assert.equal(f.fix?.summary, 'stackpilot:storageClass: standard');
  });

  it('does not report a WaitForFirstConsumer claim no pod uses', () => {
    const d = run(s.claimClassMissing());
    assert.deepEqual(
      ofClass(d, 'claim-unbound').map((f) => f.object),
      ['PersistentVolumeClaim stackpilot-dev/data-redis-0'],
    );
  });

  it('says a cluster without StorageClasses needs a provisioner, with no plan fix', () => {
    const snap = s.claimClassMissing();
    snap.storageClasses = [];
    const f = ofClass(run(snap), 'claim-unbound').find((x) => /data-redis-0/.test(x.object));
    assert.match(f?.cause ?? '', /no StorageClass at all/);
    assert.equal(f?.fix, undefined);
  });

  it('proposes the only class when the claim names none and there is no default', () => {
    const snap = s.claimClassMissing();
    snap.storageClasses = [
      {
        name: 'local',
        isDefault: false,
        provisioner: 'rancher.io/local-path',
        bindingMode: 'Immediate',
      },
    ];
    snap.claims = snap.claims.map((c) =>
      c.name === 'data-redis-0' ? { name: c.name, phase: 'Pending', requested: '1Gi' } : c,
    );
    const f = ofClass(run(snap), 'claim-unbound').find((x) => /data-redis-0/.test(x.object));
    assert.match(f?.cause ?? '', /names no StorageClass and the cluster has no default/);
    assert.deepEqual(f?.fix?.config, { storageClass: 'local' });
  });
});

describe('diagnose: readiness', () => {
  it('quotes the failing readiness probe and says what a 503 means', () => {
    const f = only(run(s.readiness503()), 'readiness');
    assert.equal(f.object, 'Deployment stackpilot-dev/api');
    assert.deepEqual(f.evidence, [
      'pod api-rs1-a container api: ready: false',
      'event Unhealthy (x12): Readiness probe failed: HTTP probe failed with statuscode: 503',
    ]);
    assert.match(f.cause, /answers its readiness probe with 503: the app reports itself not ready/);
    assert.deepEqual(decided(f), ['observability', 'probes']);
    assert.equal(f.fix, undefined);
  });
});

describe('diagnose: probe-mismatch', () => {
  it('proposes the port the log says the app listens on when the probe is refused', () => {
    const f = only(run(s.probeWrongPort()), 'probe-mismatch');
    assert.equal(f.object, 'Deployment stackpilot-dev/chat');
    assert.deepEqual(f.evidence, [
      'pod chat-rs1-a container chat: readiness probe: http :8001/health',
      'event Unhealthy (x9): Readiness probe failed: Get "http://10.244.0.9:8001/health": dial tcp 10.244.0.9:8001: connect: connection refused',
      'log chat-rs1-a/chat: [2025-01-01 00:00:00 +0000] [1] [INFO] Listening at: http://0.0.0.0:8000 (1)',
    ]);
    assert.match(f.cause, /refused on port 8001, and the app's log says it listens on 8000/);
    assert.deepEqual(decided(f), ['observability', 'probes']);
    assert.deepEqual(f.fix?.config, { components: { chat: { port: 8000 } } });
    assert.equal(f.fix?.summary, 'stackpilot:components: {chat: {port: 8000}}');
  });

  it('calls a live probe that differs from the plan drift, fixed by up', () => {
    const f = only(run(s.probeDrift()), 'probe-mismatch');
    assert.deepEqual(f.evidence, [
      'pod api-rs1-a container api: readiness probe: http :8000/ready',
      'plan workload/api container api: readiness probe: http :8000/readyz',
    ]);
    assert.match(f.cause, /drift/);
    assert.equal(f.fix?.command, 'stackpilot up . --env dev');
  });

  it('proposes the health path the access log answers when the probe path gets 404', () => {
    const f = only(run(s.probeWrongPath()), 'probe-mismatch');
    assert.match(f.cause, /path \/readyz answers 404, and the app's log shows it serving \/health/);
    assert.deepEqual(f.fix?.config, { components: { api: { healthPath: '/health' } } });
  });

  it('proposes no port without evidence of the served port', () => {
    const snap = s.probeWrongPort();
    snap.logs = [];
    assert.deepEqual(ofClass(run(snap), 'probe-mismatch'), []);
  });
});

describe('diagnose: no-endpoints', () => {
  it('calls a selector that selects nothing and differs from the plan drift', () => {
    const f = only(run(s.serviceSelectorDrift()), 'no-endpoints');
    assert.equal(f.object, 'Service stackpilot-dev/api');
    assert.deepEqual(f.evidence, [
      'spec.selector: app=api',
      'endpoints: 0 ready, 0 not ready',
      'plan service/api selector: app.kubernetes.io/instance=fullstack-dev, app.kubernetes.io/name=api',
      'no pod of the namespace has the live selector',
    ]);
    assert.deepEqual(decided(f), ['exposure', 'service']);
    assert.equal(f.fix?.command, 'stackpilot up . --env dev');
  });

  it('points to the pods when they are selected but not ready', () => {
    const f = only(run(s.readiness503()), 'no-endpoints');
    assert.match(f.cause, /not ready: see the finding of Deployment stackpilot-dev\/api/);
    assert.equal(f.fix, undefined);
  });
});

describe('diagnose: migration-failed', () => {
  it('quotes the exit codes, names the blocked workloads and the database secret', () => {
    const f = only(run(s.migrationFailed()), 'migration-failed');
    assert.equal(f.object, 'Job stackpilot-dev/api-migrate');
    assert.equal(f.component, 'api');
    assert.deepEqual(f.evidence.slice(0, 4), [
      'status.conditions[Failed]: True (BackoffLimitExceeded): Job has reached the specified backoff limit',
      'status.failed: 3 (backoffLimit 2)',
      'pod api-migrate-a container migrate: state.terminated.reason: Error',
      'pod api-migrate-a container migrate: state.terminated.exitCode: 1',
    ]);
    assert.match(f.evidence.at(-1) ?? '', /could not translate host name/);
    assert.match(f.cause, /BackoffLimitExceeded/);
    assert.match(
      f.cause,
      /blocks the rollout of Deployment stackpilot-dev\/api, Deployment stackpilot-dev\/worker/,
    );
    assert.deepEqual(decided(f), ['workloads', 'migrations']);
    assert.equal(
      f.fix?.command,
      'stackpilot secrets set fullstack DATABASE_URL_UNPOOLED --env dev',
    );
  });

  it('proposes nothing when the log does not point at the database', () => {
    const snap = s.migrationFailed();
    snap.logs = [];
    const f = only(run(snap), 'migration-failed');
    assert.equal(f.fix, undefined);
    assert.match(f.cause, /its log says why/);
  });
});

describe('diagnose: rollout-stuck', () => {
  it('points to the new ReplicaSet and proposes a rollback, beside the pods own finding', () => {
    const d = run(s.rolloutStuck());
    const f = only(d, 'rollout-stuck');
    assert.equal(f.object, 'Deployment stackpilot-dev/api');
    assert.deepEqual(f.evidence, [
      'status.conditions[Progressing]: False (ProgressDeadlineExceeded): ReplicaSet "api-rs2" has timed out progressing.',
      'status: 1 updated, 1 ready, 1 available of 1 desired',
      'new ReplicaSet api-rs2 pods: api-rs2-a CrashLoopBackOff',
    ]);
    assert.match(
      f.cause,
      /progress deadline of 600s: the pods of the new ReplicaSet api-rs2 do not become ready/,
    );
    assert.deepEqual(decided(f), ['rollout', 'update strategy']);
    assert.equal(f.fix?.command, 'stackpilot rollback fullstack --env dev');
    assert.equal(only(d, 'crash-loop').object, 'Deployment stackpilot-dev/api');
  });
});

describe('diagnose: autoscaler-no-metrics', () => {
  it('says the metrics API is missing and turns autoscaling off for the component', () => {
    const f = only(run(s.autoscalerNoMetrics(), s.prodPlan()), 'autoscaler-no-metrics');
    assert.equal(f.object, 'HorizontalPodAutoscaler stackpilot-prod/api');
    assert.equal(f.component, 'api');
    assert.equal(f.evidence[1], 'status.currentMetrics: (none)');
    assert.match(
      f.evidence[0] ?? '',
      /^status.conditions\[ScalingActive\]: False \(FailedGetResourceMetric\)/,
    );
    assert.match(f.cause, /no resource metrics API \(metrics.k8s.io\), so install metrics-server/);
    assert.deepEqual(decided(f), ['scaling', 'replicas']);
    assert.deepEqual(f.fix?.config, { components: { api: { autoscaling: { enabled: false } } } });
  });

  it('waits when metrics are simply not there yet and nothing says why', () => {
    const snap = s.autoscalerNoMetrics();
    snap.autoscalers = snap.autoscalers.map((a) => ({ ...a, conditions: [] }));
    snap.events = [];
    assert.deepEqual(ofClass(run(snap, s.prodPlan()), 'autoscaler-no-metrics'), []);
  });
});

describe('diagnose: ingress-misconfigured', () => {
  it('proposes the existing class when the one named does not exist', () => {
    const d = run(s.ingressClassMissing());
    const found = ofClass(d, 'ingress-misconfigured');
    assert.deepEqual(
      found.map((f) => f.object),
      ['Ingress stackpilot-dev/api', 'Ingress stackpilot-dev/chat', 'Ingress stackpilot-dev/web'],
    );
    const web = found[2]!;
    assert.deepEqual(web.evidence, [
      'spec.ingressClassName: nginx',
      'IngressClasses: traefik',
      'status.loadBalancer.ingress: (none)',
    ]);
    assert.match(web.cause, /IngressClass nginx does not exist \(the cluster has: traefik\)/);
    assert.deepEqual(decided(web), ['networking', 'ingress controller']);
    assert.deepEqual(web.fix?.config, { ingressClass: 'traefik' });
  });

  it('calls a backend port the Service does not have drift', () => {
    const f = only(run(s.ingressBackendDrift()), 'ingress-misconfigured');
    assert.deepEqual(f.evidence, [
      'backend: service api port web',
      'Service stackpilot-dev/api ports: http 8000',
    ]);
    assert.deepEqual(decided(f), ['exposure', 'route']);
    assert.equal(f.fix?.command, 'stackpilot up . --env dev');
  });

  it('skips the class checks when the snapshot lists no IngressClasses, and reports no address', () => {
    const snap = s.ingressClassMissing();
    delete snap.ingressClasses;
    const f = only(run(snap), 'ingress-misconfigured');
    assert.equal(f.object, 'Ingress stackpilot-dev/web');
    assert.match(f.cause, /no ingress controller has admitted the Ingress .*class nginx/);
    assert.equal(f.fix, undefined);
  });
});

describe('diagnose: network-policy-blocks', () => {
  it('names the missing plan allow and every edge it blocks, fixed by up', () => {
    const f = only(run(s.policyMissing()), 'network-policy-blocks');
    assert.equal(f.object, 'NetworkPolicy stackpilot-dev/redis');
    assert.equal(f.component, 'redis');
    assert.deepEqual(f.evidence.slice(0, 3), [
      'edge api -> redis:6379 (edge api -> redis via REDIS_URL)',
      'Ingress of redis isolated by: default-deny, redis-allow-backup',
      "NetworkPolicy stackpilot-dev/redis (the plan's allow): not in the cluster",
    ]);
    assert.equal(
      f.cause,
      "the plan's allow policy redis is missing from the cluster, so the cluster blocks the ingress api -> redis:6379, ingress chat -> redis:6379, ingress worker -> redis:6379",
    );
    assert.deepEqual(decided(f), ['networking', 'network policy']);
    assert.equal(f.fix?.command, 'stackpilot up . --env dev');
  });

  it('names a foreign policy in the way and proposes nothing', () => {
    const f = only(run(s.foreignPolicy(), s.ingressOnlyPlan()), 'network-policy-blocks');
    assert.equal(f.object, 'NetworkPolicy stackpilot-dev/lockdown');
    assert.equal(f.component, 'api');
    assert.deepEqual(f.evidence, [
      'edge api -> redis:6379 (edge api -> redis via REDIS_URL)',
      'Egress of api isolated by: lockdown (unmanaged)',
    ]);
    assert.match(f.cause, /policy lockdown, which stackpilot does not manage, isolates api/);
    assert.equal(f.fix, undefined);
  });

  it('is silent when NetworkPolicies could not be read', () => {
    const snap = s.policyMissing();
    snap.unreadable = ['NetworkPolicies: forbidden (RBAC)'];
    const d = run(snap);
    assert.deepEqual(ofClass(d, 'network-policy-blocks'), []);
    assert.deepEqual(d.notes, ['NetworkPolicies: forbidden (RBAC)']);
  });
});

describe('diagnose: fixes that depend on where a value comes from', () => {
  it('re-applies the plan for a missing secret the plan generates', () => {
    const snap = s.rolloutStuck();
    snap.logs = [
      { pod: 'api-rs2-a', container: 'api', previous: true, lines: ["KeyError: 'REDIS_URL'"] },
    ];
    const f = only(run(snap), 'crash-loop');
    assert.equal(f.fix?.command, 'stackpilot up . --env dev');
    assert.match(f.fix?.reason ?? '', /a secret the plan generates/);
  });

  it('does not move the plan to a privileged port the log names', () => {
    const snap = s.probeWrongPort();
    snap.logs[0]!.lines = ['Listening at: http://0.0.0.0:80 (1)'];
    const f = only(run(snap), 'probe-mismatch');
    assert.match(f.cause, /a privileged port: configure the app to listen on 8001/);
    assert.equal(f.fix, undefined);
  });

  it("names the pods' own fix in a stuck rollout's reason", () => {
    const snap = s.rolloutStuck();
    snap.pods = snap.pods.map((p) =>
      p.name === 'api-rs2-a'
        ? {
            ...p,
            containers: [
              { ...p.containers[0]!, lastTerminated: { reason: 'OOMKilled', exitCode: 137 } },
            ],
          }
        : p,
    );
    const f = only(run(snap), 'rollout-stuck');
    assert.match(f.cause, /the oom-killed finding of this Deployment says why/);
    assert.match(
      f.fix?.reason ?? '',
      /then fix the pods \(oom-killed\): stackpilot:components: \{api: \{memory: 1Gi\}\}$/,
    );
  });
});
