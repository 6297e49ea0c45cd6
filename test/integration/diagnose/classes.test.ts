/**
 * Every failure class of `stackpilot diagnose`, put on the real test cluster the way it happens
 * to a real stack (a release whose pods fail, nodes that are full or tainted, objects changed
 * out of band), read back by the diagnosis reader and explained by the detectors against the
 * plan that was deployed. Each finding is checked for its class, component, object, cause and
 * fix; a config fix is merged into the stack file as `diagnose --fix` merges it, and the next
 * up must succeed with it, the failure still in place where the fix is what cures it (a memory
 * limit for a memory-hungry image, a cpu request that fits, replicas the nodes can spread).
 */
import { strict as assert } from 'node:assert';
import {
  failingImage,
  memoryHungryImage,
  startCluster,
  type TestCluster,
} from '../../support/cluster';
import { cordon, setTaints, setZone } from '../../support/cluster/faults';
import { unreadyWorkloads } from '../cluster/support';
import { ClassStack, eventually, objectRef } from './classes-support';

const NS = 'dx';
const at = (kind: string, name: string) => objectRef(kind, NS, name);
/** A lower bound on readiness for ups that are meant to fail. */
const FAIL_FAST = { cluster: { readinessTimeoutSeconds: 8 } };

describe('diagnose: each failure class on the real test cluster', function () {
  this.timeout(900_000);
  let cluster: TestCluster;
  let stack: ClassStack;

  before(async () => {
    cluster = await startCluster();
    await cluster.situation({ storage: 'default', ingress: 'controller' });
    stack = new ClassStack(cluster, 'fullstack', 'dev', NS);
    await stack.upOk('the healthy stack');
    const healthy = await stack.diagnose();
    assert.deepEqual(
      healthy.diagnosis.findings.map((f) => `${f.class} ${f.object}: ${f.cause}`),
      [],
      'a healthy stack has no findings',
    );
  });
  afterEach(() => {
    stack?.reset();
  });
  after(async () => {
    stack?.cleanup();
    await cluster?.stop();
  });

  it('crash loop: exit 1 is an application error, exit 137 a SIGKILL that is not the memory limit', async () => {
    stack.set({
      ...FAIL_FAST,
      components: {
        chat: { image: failingImage('exit') },
        worker: { image: failingImage('exit-137') },
      },
    });
    assert.equal((await stack.up()).status, 'failed');
    const chat = await stack.finding('crash-loop', at('Deployment', 'chat'));
    assert.equal(chat.component, 'chat');
    assert.match(chat.cause, /keeps exiting: exit code 1: the application failed/);
    assert.ok(
      chat.evidence.some((e) => /CrashLoopBackOff/.test(e)),
      chat.evidence.join('\n'),
    );
    assert.equal(chat.fix, undefined, 'an application error is not the plan’s to fix');
    const worker = await stack.finding('crash-loop', at('Deployment', 'worker'));
    assert.equal(worker.component, 'worker');
    assert.match(worker.cause, /exit code 137: killed by SIGKILL, not by the memory limit/);
    assert.match(worker.cause, /liveness probe/);
    assert.equal(
      worker.diagnosis.findings.filter((f) => f.class === 'oom-killed').length,
      0,
      'a SIGKILL with reason Error is not an OOM kill',
    );
    assert.ok(
      worker.diagnosis.notes.some((n) => /^logs: not served by kwok fake node/.test(n)),
      worker.diagnosis.notes.join('\n'),
    );
  });

  it('crash loop with exit 143, and OOMKilled whose memory fix lets the same image run', async () => {
    stack.set({
      ...FAIL_FAST,
      components: {
        chat: { image: failingImage('exit-143') },
        // Peaks at 700Mi; the plan gives the worker a 512Mi limit.
        worker: { image: memoryHungryImage(700) },
      },
    });
    assert.equal((await stack.up()).status, 'failed');
    const chat = await stack.finding('crash-loop', at('Deployment', 'chat'));
    assert.match(chat.cause, /exit code 143: stopped by SIGTERM/);
    const oom = await stack.finding('oom-killed', at('Deployment', 'worker'));
    assert.equal(oom.component, 'worker');
    assert.match(oom.cause, /exceeding its memory limit of 512Mi \(exit code 137, OOMKilled\)/);
    const memory = (oom.fix?.config as { components?: Record<string, { memory?: string }> })
      ?.components?.worker?.memory;
    assert.ok(memory, `a memory override for the worker: ${JSON.stringify(oom.fix)}`);
    assert.equal(oom.decision?.skill, 'scaling', JSON.stringify(oom.decision));

    // The image stays the memory-hungry one: only the fix's memory makes it run.
    stack.reset().set({ components: { worker: { image: memoryHungryImage(700) } } });
    stack.applyFix(oom.fix);
    await stack.upOk(`the memory fix (${oom.fix?.summary})`);
    assert.deepEqual(await unreadyWorkloads(cluster, NS), []);
  });

  it('image pull, readiness that never passes, and a rollout past its progress deadline', async () => {
    stack.set({
      ...FAIL_FAST,
      components: {
        chat: { image: failingImage('image-pull') },
        worker: { image: failingImage('never-ready') },
      },
    });
    assert.equal((await stack.up()).status, 'failed');
    const pull = await stack.finding('image-pull', at('Deployment', 'chat'));
    assert.equal(pull.component, 'chat');
    assert.match(pull.cause, /registry\.stackpilot\.test\/broken:fail-image-pull/);
    assert.ok(
      pull.fix,
      'an image that is not there has a fix (build and push it, or pin one that exists)',
    );

    const ready = await stack.finding('readiness', at('Deployment', 'worker'));
    assert.equal(ready.component, 'worker');
    assert.match(ready.cause, /ready|probe/i);

    // A rollout that cannot finish: the Deployment controller gives up after its deadline.
    await cluster.api.mergePatch(`/apis/apps/v1/namespaces/${NS}/deployments/worker`, {
      spec: { progressDeadlineSeconds: 3 },
    });
    const stuck = await stack.finding('rollout-stuck', at('Deployment', 'worker'), 60_000);
    assert.ok(
      stuck.evidence.some((e) => /ProgressDeadlineExceeded/.test(e)),
      stuck.evidence.join('\n'),
    );
    assert.ok(stuck.fix?.command ?? stuck.fix?.config, JSON.stringify(stuck.fix));

    await stack.reset().upOk('back to the plan’s images');
    assert.deepEqual(await unreadyWorkloads(cluster, NS), []);
  });

  it('out of band: a deleted Secret key, a Service selector that selects nothing, a deleted allow policy; up puts all back', async () => {
    await cluster.api.call(
      'PATCH',
      `/api/v1/namespaces/${NS}/secrets/chat`,
      [{ op: 'remove', path: '/data/OPENAI_API_KEY' }],
      'application/json-patch+json',
    );
    const svc = await cluster.api.get<{ spec: { selector: Record<string, string> } }>(
      `/api/v1/namespaces/${NS}/services/api`,
    );
    const selector = svc.spec.selector;
    await cluster.api.mergePatch(`/api/v1/namespaces/${NS}/services/api`, {
      spec: { selector: { ...selector, 'app.kubernetes.io/name': 'api-old' } },
    });
    const policies = await cluster.api.list<{ metadata: { name: string } }>(
      `/apis/networking.k8s.io/v1/namespaces/${NS}/networkpolicies`,
    );
    const redisPolicy = policies.map((p) => p.metadata.name).find((n) => n === 'redis');
    assert.ok(redisPolicy, `the plan's redis policy: ${policies.map((p) => p.metadata.name)}`);
    await cluster.api.delete(`/apis/networking.k8s.io/v1/namespaces/${NS}/networkpolicies/redis`);

    const missing = await stack.finding('config-missing', at('Deployment', 'chat'));
    assert.equal(missing.component, 'chat');
    assert.match(missing.cause, /key OPENAI_API_KEY of Secret chat/);
    assert.equal(missing.fix?.command, 'stackpilot secrets set fullstack OPENAI_API_KEY --env dev');

    const endpoints = await stack.finding('no-endpoints', at('Service', 'api'));
    assert.equal(endpoints.component, 'api');
    assert.match(endpoints.cause, /selector/);
    assert.ok(endpoints.fix?.command, JSON.stringify(endpoints.fix));

    const blocked = (await stack.diagnose()).diagnosis.findings.filter(
      (f) => f.class === 'network-policy-blocks',
    );
    assert.ok(
      blocked.some((f) => /redis/.test(`${f.object} ${f.cause}`)),
      JSON.stringify(blocked, null, 1),
    );
    for (const f of blocked) assert.ok(f.fix?.command, `${f.object}: ${JSON.stringify(f.fix)}`);

    // The secret's value is still in the stack's config: up (what both fixes come down to)
    // writes the key, the selector and the policy back.
    await stack.upOk('putting the plan back');
    const secret = await cluster.api.get<{ data: Record<string, string> }>(
      `/api/v1/namespaces/${NS}/secrets/chat`,
    );
    assert.ok(secret.data.OPENAI_API_KEY, 'the key is back');
    const after = await stack.diagnose();
    assert.deepEqual(
      after.diagnosis.findings.map((f) => `${f.class} ${f.object}`),
      [],
      'nothing left to find',
    );
  });

  it('Pending: a cpu request larger than any node; the fix’s request fits and the pods run', async () => {
    stack.set({ ...FAIL_FAST, components: { worker: { cpu: '16' } } });
    assert.equal((await stack.up()).status, 'failed');
    const pending = await stack.finding('unschedulable', at('Deployment', 'worker'));
    assert.equal(pending.component, 'worker');
    assert.match(
      pending.cause,
      /requests 16 cpu, more than the largest node \(kwok-node-\d, 8 allocatable\)/,
    );
    const cpu = (pending.fix?.config as { components?: Record<string, { cpu?: string }> })
      ?.components?.worker?.cpu;
    assert.ok(cpu, JSON.stringify(pending.fix));
    stack.applyFix(pending.fix);
    await stack.upOk(`the cpu fix (${pending.fix?.summary})`);
    await stack.reset().upOk('back to the plan’s cpu');
  });

  it('Pending: every node carries a taint the pods do not tolerate (not a stack setting)', async () => {
    await setTaints(cluster.api, [
      { key: 'example.com/dedicated', value: 'gpu', effect: 'NoSchedule' },
    ]);
    try {
      const pods = await cluster.api.list<{
        metadata: { name: string; labels: Record<string, string> };
      }>(`/api/v1/namespaces/${NS}/pods?labelSelector=app.kubernetes.io/name%3Dchat`);
      for (const p of pods)
        await cluster.api.delete(`/api/v1/namespaces/${NS}/pods/${p.metadata.name}`);
      const tainted = await stack.finding('unschedulable', at('Deployment', 'chat'));
      assert.equal(tainted.component, 'chat');
      // Kubernetes 1.34's scheduler says `3 node(s) had untolerated taint(s)`, without the
      // taint: the taints are the nodes' (the snapshot has them), not the message's.
      assert.match(
        tainted.cause,
        /taint the pod does not tolerate.*example\.com\/dedicated/,
        tainted.evidence.join('\n'),
      );
      assert.ok(!tainted.fix?.config, 'tolerations are not a stack setting');
      assert.ok(
        tainted.evidence.some((e) =>
          /kwok-node-0 taints: example.com\/dedicated=gpu:NoSchedule/.test(e),
        ),
      );
    } finally {
      await setTaints(cluster.api, []);
    }
    await eventually(
      'chat back on an untainted node',
      async () => !(await unreadyWorkloads(cluster, NS)).length,
    );
  });

  it('spread with fewer usable nodes than replicas, all in one zone: the pods still run, nothing to find', async () => {
    // The plan's spread is required per node and preferred per zone, and counts only nodes
    // that can take pods (nodeTaintsPolicy Honor) and only the current revision's pods
    // (matchLabelKeys pod-template-hash). A cordoned node, one zone and more replicas than
    // usable nodes then leave no pod Pending, and a rollout under them finishes: there is no
    // spread failure to diagnose. (Counting the cordoned node, as the scheduler does by
    // default, left the third replica Pending and every later rollout stuck.)
    await stack
      .set({ spread: true, components: { chat: { replicas: 2 } } })
      .upOk('two spread replicas');
    const chatPods = await cluster.api.list<{ spec: { nodeName?: string } }>(
      `/api/v1/namespaces/${NS}/pods?labelSelector=app.kubernetes.io/name%3Dchat`,
    );
    const busy = new Set(chatPods.map((p) => p.spec.nodeName));
    const idle = ['kwok-node-0', 'kwok-node-1', 'kwok-node-2'].find((n) => !busy.has(n))!;
    await setZone(cluster.api, 'zone-a');
    await cordon(cluster.api, [idle]);
    try {
      stack.set({ ...FAIL_FAST, components: { chat: { replicas: 3, env: { RELEASE: '2' } } } });
      await stack.upOk('three replicas, a new revision, on two usable nodes in one zone');
      const { diagnosis, snapshot } = await stack.diagnose();
      assert.deepEqual(
        diagnosis.findings.map((f) => `${f.class} ${f.object}: ${f.cause}`),
        [],
      );
      const placed = snapshot.pods
        .filter((p) => p.labels?.['app.kubernetes.io/name'] === 'chat' && !p.deleting)
        .map((p) => p.nodeName);
      assert.equal(placed.length, 3, JSON.stringify(placed));
      assert.ok(!placed.includes(idle), `nothing on the cordoned ${idle}: ${placed.join(', ')}`);
      assert.deepEqual(
        snapshot.nodes.map((n) => n.zone),
        ['zone-a', 'zone-a', 'zone-a'],
      );
    } finally {
      await cordon(cluster.api, [idle], false);
      for (const [i, zone] of ['zone-a', 'zone-b', 'zone-c'].entries())
        await setZone(cluster.api, zone, [`kwok-node-${i}`]);
    }
    await stack.reset().upOk('back to one chat replica');
  });

  it('a migration Job that hit its backoff limit', async () => {
    stack.set({ ...FAIL_FAST, components: { api: { image: failingImage('exit') } } });
    assert.equal((await stack.up()).status, 'failed');
    // The Job controller retries after 10 s, then 20 s: the plan's backoffLimit of 2 is spent in ~30 s.
    const failed = await stack.finding('migration-failed', at('Job', 'api-migrate'), 120_000);
    assert.equal(failed.component, 'api');
    assert.match(failed.cause, /backoff|BackoffLimitExceeded/i);
    assert.ok(
      failed.evidence.some((e) => /BackoffLimitExceeded/.test(e)),
      failed.evidence.join('\n'),
    );
    await stack.reset().upOk('the plan’s migration image');
  });

  it('an HPA that has no metrics to scale on (no metrics-server), from the real HPA controller', async () => {
    stack.set({ autoscaling: { enabled: true, minReplicas: 1, maxReplicas: 2 } });
    await stack.upOk('autoscaling on');
    const hpas = await cluster.api.list<{ metadata: { name: string } }>(
      `/apis/autoscaling/v2/namespaces/${NS}/horizontalpodautoscalers`,
    );
    assert.ok(hpas.length, 'the plan made HPAs');
    const name = hpas.map((h) => h.metadata.name).sort()[0]!;
    const idle = await stack.finding(
      'autoscaler-no-metrics',
      at('HorizontalPodAutoscaler', name),
      90_000,
    );
    assert.ok(
      idle.evidence.some((e) => /FailedGetResourceMetric|metrics/.test(e)),
      idle.evidence.join('\n'),
    );
    assert.ok(idle.fix, 'install a metrics-server, or turn autoscaling off');
    if (idle.fix?.config) {
      stack.applyFix(idle.fix);
      await stack.upOk(`the autoscaling fix (${idle.fix.summary})`);
    }
    await stack.reset().upOk('autoscaling as the plan had it');
  });

  it('claims whose StorageClass was deleted stay Pending', async () => {
    const ns = 'dx-claims';
    await cluster.api.create('/apis/storage.k8s.io/v1/storageclasses', {
      metadata: { name: 'slow' },
      provisioner: 'kubernetes.io/no-provisioner',
      volumeBindingMode: 'Immediate',
    });
    const claims = new ClassStack(cluster, 'fullstack', 'dev', ns, { storageClass: 'slow' });
    claims.set(FAIL_FAST);
    // Preflight passes (the class exists), and no volume of it ever binds. The provider waits
    // its own five minutes for a claim to bind, whatever the readiness setting says, so the
    // up is diagnosed while it waits, then cancelled.
    const abort = new AbortController();
    const running = claims.up({ signal: abort.signal }).catch((err: unknown) => err);
    try {
      await eventually('the redis data claim', async () =>
        (
          await cluster.api.list<{ metadata: { name: string } }>(
            `/api/v1/namespaces/${ns}/persistentvolumeclaims`,
          )
        ).some((c) => c.metadata.name === 'data-redis-0'),
      );
      await cluster.api.delete('/apis/storage.k8s.io/v1/storageclasses/slow');
      const live = await cluster.api.list<{ metadata: { name: string } }>(
        `/api/v1/namespaces/${ns}/persistentvolumeclaims`,
      );
      const redisData = live
        .map((c) => c.metadata.name)
        .find((n) => /redis/.test(n) && !/backup/.test(n));
      assert.ok(redisData, `redis's data claim: ${live.map((c) => c.metadata.name)}`);
      const unbound = await claims.finding(
        'claim-unbound',
        objectRef('PersistentVolumeClaim', ns, redisData),
      );
      assert.equal(unbound.component, 'redis');
      assert.match(
        unbound.cause,
        /StorageClass slow does not exist \(the cluster has: standard \(default\)\)/,
      );
      assert.ok(
        unbound.evidence.includes('spec.storageClassName: slow'),
        unbound.evidence.join('\n'),
      );
      // The cluster's only class has no provisioner either: no class to switch to.
      assert.equal(unbound.fix, undefined, JSON.stringify(unbound.fix));
      const pending = unbound.diagnosis.findings.find(
        (f) => f.class === 'unschedulable' && f.object === objectRef('StatefulSet', ns, 'redis'),
      );
      assert.match(pending?.cause ?? '', /unbound PersistentVolumeClaim/, JSON.stringify(pending));
    } finally {
      abort.abort();
      const ended = await running;
      claims.cleanup();
      assert.notEqual((ended as { status?: string }).status, 'succeeded', 'the cancelled up');
    }
  });

  it('an Ingress whose IngressClass does not exist', async () => {
    await cluster.api.delete('/apis/networking.k8s.io/v1/ingressclasses/nginx');
    try {
      const ing = await stack.finding('ingress-misconfigured', at('Ingress', 'chat'));
      assert.equal(ing.component, 'chat');
      assert.match(ing.cause, /nginx/);
    } finally {
      await cluster.ingressClass(true);
    }
  });
});
