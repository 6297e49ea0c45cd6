/**
 * The diagnosis reader against the real control plane: objects put on the cluster through its
 * API, then read back by `readDiagnosisSnapshot` with the fields the real controllers filled in
 * (EndpointSlices from the EndpointSlice controller, HPA conditions from the HPA controller with
 * no metrics-server, node taints and zones, pod specs as the API defaulted them), a Secret as
 * key names only, the note for logs a kwok node does not serve, a user that may not list
 * Secrets, and a server that is not there.
 */
import { strict as assert } from 'node:assert';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import {
  ClusterUnreachableError,
  clusterClient,
  type ClusterClient,
} from '../../../src/cluster/client';
import { readDiagnosisSnapshot } from '../../../src/cluster/diagnosis-snapshot';
import { readLogs } from '../../../src/cluster/logs';
import { freePort } from '../../support/cluster/processes';
import { putSampleObjects } from '../../support/cluster/sample-objects';
import { writeKubeconfig } from '../../support/cluster/users';
import { startCluster, type TestCluster } from '../../support/cluster';
import { join } from 'node:path';
import type { DiagnosisSnapshot } from '../../../src/model/snapshot';

const NS = 'snap';
const CANARY = 'snapshot-canary-value-7f3a';
const CANARY_B64 = Buffer.from(CANARY).toString('base64');

/** Polls `read` until `done` holds of its result; fails with the last result after `ms`. */
async function until<T>(
  what: string,
  read: () => Promise<T>,
  done: (t: T) => boolean,
  ms = 60_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (done(last)) return last;
    if (Date.now() > deadline)
      throw new Error(`${what} did not happen within ${ms} ms; last read: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('diagnosis snapshot reader (real control plane)', function () {
  this.timeout(240_000);
  let cluster: TestCluster;
  let admin: ClusterClient;
  let snap: DiagnosisSnapshot;

  before(async () => {
    cluster = await startCluster();
    admin = clusterClient({
      kind: 'cluster',
      context: cluster.context,
      kubeconfig: cluster.kubeconfig,
    });
    await putSampleObjects(cluster.api, NS, CANARY_B64);

    // What the controllers fill in: endpoints of the ready pod, the HPA's failure to read
    // metrics, the crashing container's restarts.
    snap = await until(
      'the EndpointSlice, HPA and crash-loop status',
      () => readDiagnosisSnapshot(admin, NS),
      (s) =>
        (s.endpoints.find((e) => e.service === 'web')?.ready ?? 0) > 0 &&
        (s.autoscalers[0]?.conditions.some((c) => c.type === 'ScalingActive') ?? false) &&
        s.pods.some((p) => p.name.startsWith('crasher-') && p.containers[0]?.restartCount),
      90_000,
    );
  });
  after(async () => {
    await cluster?.stop();
  });

  it('reads Services with their selector and ports, and endpoints counted from EndpointSlices', () => {
    assert.deepEqual(
      snap.services.map((s) => s.name),
      ['nobody', 'web'],
    );
    assert.deepEqual(snap.services[1], {
      name: 'web',
      type: 'ClusterIP',
      selector: { app: 'web' },
      ports: [{ name: 'http', port: 80, targetPort: 'http' }],
    });
    assert.deepEqual(snap.services[0]?.ports, [{ port: 5432, targetPort: 5432 }]);
    assert.deepEqual(snap.endpoints, [
      { service: 'nobody', ready: 0, notReady: 0 },
      { service: 'web', ready: 1, notReady: 0 },
    ]);
  });

  it('reads the HPA with the conditions the HPA controller set without a metrics-server', () => {
    const hpa = snap.autoscalers[0];
    assert.equal(hpa?.name, 'web');
    assert.deepEqual(hpa.target, { kind: 'Deployment', name: 'web' });
    assert.equal(hpa.min, 1);
    assert.equal(hpa.max, 3);
    assert.equal(hpa.hasMetrics, false);
    const active = hpa.conditions.find((c) => c.type === 'ScalingActive');
    assert.equal(active?.status, 'False', JSON.stringify(hpa.conditions));
    assert.match(active?.reason ?? '', /FailedGetResourceMetric/);
    assert.match(active?.message ?? '', /metrics/);
  });

  it('reads NetworkPolicies with their rules, managed or not, and names what it did not evaluate', () => {
    assert.deepEqual(
      snap.networkPolicies.map((p) => [p.name, p.managed]),
      [
        ['by-hand', false],
        ['web-ingress', true],
      ],
    );
    assert.deepEqual(snap.networkPolicies[1], {
      name: 'web-ingress',
      managed: true,
      podSelector: { app: 'web' },
      policyTypes: ['Ingress'],
      ingress: [
        {
          peers: [{ podSelector: { app: 'api' } }, { namespaceSelector: {} }],
          ports: [{ port: 8080, protocol: 'TCP' }],
        },
      ],
      egress: [],
    });
    assert.deepEqual(snap.networkPolicies[0]?.egress, [
      { peers: [{ ipBlock: '10.0.0.0/8' }], ports: [] },
    ]);
    assert.ok(
      snap.unreadable.some((l) =>
        /NetworkPolicy by-hand: the matchExpressions of its podSelector/.test(l),
      ),
      snap.unreadable.join('\n'),
    );
  });

  it('reads nodes with their zones, taints, allocatable and readiness, and StorageClasses', () => {
    assert.deepEqual(
      snap.nodes.map((n) => [n.name, n.zone, n.ready]),
      [
        ['kwok-node-0', 'zone-a', true],
        ['kwok-node-1', 'zone-b', true],
        ['kwok-node-2', 'zone-c', true],
      ],
    );
    assert.deepEqual(snap.nodes[2]?.taints, [
      { key: 'example.com/dedicated', value: 'db', effect: 'NoSchedule' },
    ]);
    assert.deepEqual(snap.nodes[0]?.taints, []);
    assert.equal(snap.nodes[0]?.allocatable['ephemeral-storage'], '100Gi');
    assert.equal(snap.nodes[0]?.allocatable.cpu, '8');
    assert.deepEqual(snap.storageClasses, [
      {
        name: 'fast',
        isDefault: true,
        provisioner: 'kubernetes.io/no-provisioner',
        bindingMode: 'WaitForFirstConsumer',
      },
    ]);
  });

  it('reads IngressClasses, default or not', () => {
    assert.deepEqual(snap.ingressClasses, [{ name: 'nginx', isDefault: true }]);
  });

  it('keeps the key names of Secrets and ConfigMaps and none of their values', () => {
    const secret = snap.configs.find((c) => c.kind === 'Secret' && c.name === 'app-secrets');
    assert.deepEqual(secret?.keys, ['API_KEY', 'DATABASE_URL']);
    assert.deepEqual(
      snap.configs.find((c) => c.kind === 'ConfigMap' && c.name === 'app-config')?.keys,
      ['LOG_LEVEL'],
    );
    const text = JSON.stringify(snap);
    assert.ok(!text.includes(CANARY), 'the Secret value appears nowhere');
    assert.ok(!text.includes(CANARY_B64), 'nor its base64 form');
  });

  it('reads pod specs: labels, node, ports, resources, probes, env sources and claims', () => {
    const web = snap.pods.find((p) => p.name.startsWith('web-'));
    assert.ok(web, snap.pods.map((p) => p.name).join(', '));
    assert.deepEqual(web.labels && { app: web.labels.app, tier: web.labels.tier }, {
      app: 'web',
      tier: 'backend',
    });
    assert.match(web.nodeName ?? '', /^kwok-node-[01]$/, 'not on the tainted node');
    assert.deepEqual(web.specs, [
      {
        name: 'web',
        image: 'example.org/web:1.0.0',
        init: false,
        ports: [{ name: 'http', containerPort: 8080 }],
        requests: { cpu: '100m', memory: '128Mi' },
        limits: { memory: '256Mi' },
        readiness: { kind: 'http', port: 'http', path: '/healthz' },
        liveness: { kind: 'tcp', port: 8080 },
        envSources: [
          { kind: 'Secret', name: 'app-secrets', key: 'API_KEY', env: 'API_KEY', optional: false },
          {
            kind: 'ConfigMap',
            name: 'app-config',
            key: 'LOG_LEVEL',
            env: 'LOG_LEVEL',
            optional: false,
          },
          { kind: 'Secret', name: 'extra', optional: true },
        ],
      },
    ]);
    const store = snap.pods.find((p) => p.name === 'store');
    assert.deepEqual(store?.claims, ['data']);
    assert.deepEqual(snap.claims, [
      { name: 'data', phase: 'Pending', storageClass: 'missing', requested: '1Gi' },
    ]);
  });

  it('reads selectors of workloads, backoff limits of Jobs and backends of Ingresses', () => {
    assert.deepEqual(
      snap.workloads.map((w) => [w.kind, w.name, w.selector]),
      [
        ['Deployment', 'crasher', { app: 'crasher' }],
        ['Deployment', 'web', { app: 'web' }],
      ],
    );
    assert.equal(snap.jobs[0]?.name, 'migrate');
    assert.equal(snap.jobs[0]?.backoffLimit, 1);
    assert.deepEqual(snap.ingresses, [
      {
        name: 'web',
        className: 'nginx',
        hasAddress: false,
        backends: [
          { service: 'api', port: 8000 },
          { service: 'web', port: 'http' },
        ],
      },
    ]);
  });

  it('does not ask a kwok node for logs, and says so once per node', () => {
    assert.deepEqual(snap.logs, []);
    const crasher = snap.pods.find((p) => p.name.startsWith('crasher-'));
    const note = snap.unreadable.filter((l) => l.startsWith('logs:'));
    assert.deepEqual(note, [
      `logs: not served by kwok fake node ${crasher?.nodeName} (pods ${crasher?.name})`,
    ]);
  });

  it('sorts every list by name, so the same cluster reads the same', async () => {
    for (const [list, names] of [
      ['pods', snap.pods.map((p) => p.name)],
      ['services', snap.services.map((s) => s.name)],
      ['nodes', snap.nodes.map((n) => n.name)],
      ['configs', snap.configs.map((c) => c.name)],
    ] as const)
      assert.deepEqual(names, [...names].sort(), list);
    const again = await readDiagnosisSnapshot(admin, NS, { logs: false });
    assert.deepEqual(
      again.services.map((s) => s.name),
      snap.services.map((s) => s.name),
    );
    assert.ok(!again.unreadable.some((l) => l.startsWith('logs:')), 'no log notes without logs');
  });

  it('with a user that may not list Secrets, still reads the rest and names Secrets as unreadable', async () => {
    const everything = [
      {
        apiGroups: [''],
        resources: ['pods', 'persistentvolumeclaims', 'events', 'services', 'configmaps', 'nodes'],
      },
      { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'replicasets'] },
      { apiGroups: ['batch'], resources: ['jobs'] },
      {
        apiGroups: ['networking.k8s.io'],
        resources: ['ingresses', 'ingressclasses', 'networkpolicies'],
      },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'] },
      { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'] },
      { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'] },
    ];
    await cluster.grant(
      everything.map((r) => ({ ...r, verbs: ['get', 'list'] })),
      'no-secrets',
    );
    const limited = clusterClient({
      kind: 'cluster',
      context: cluster.context,
      kubeconfig: cluster.limited.kubeconfig,
    });
    // RBAC caches are filled within moments of the binding.
    const s = await until(
      'the ClusterRoleBinding to take effect',
      () => readDiagnosisSnapshot(limited, NS),
      (x) => x.unreadable.filter((l) => /forbidden by RBAC/.test(l)).length === 1,
      30_000,
    );
    assert.deepEqual(
      s.unreadable.filter((l) => /forbidden/.test(l)),
      [
        `Secrets: forbidden by RBAC (secrets is forbidden: User "${cluster.limited.name}" cannot list resource "secrets" in API group "" in the namespace "${NS}")`,
      ],
    );
    assert.deepEqual(
      s.configs.map((c) => `${c.kind} ${c.name}`),
      ['ConfigMap app-config', 'ConfigMap kube-root-ca.crt'],
      'ConfigMaps read, no Secret',
    );
    assert.deepEqual(
      s.services.map((x) => x.name),
      ['nobody', 'web'],
    );
    assert.equal(s.autoscalers.length, 1);
    assert.equal(s.nodes.length, 3);
    assert.ok(s.pods.some((p) => p.name.startsWith('crasher-')));
  });

  it('throws one ClusterUnreachableError, naming the server, when nothing answers', async () => {
    const port = await freePort();
    const kubeconfig = join(cluster.dir, 'kubeconfig-nowhere');
    writeKubeconfig(kubeconfig, `https://127.0.0.1:${port}`, 'nowhere', 'admin', 'x');
    const client = clusterClient({ kind: 'cluster', context: 'nowhere', kubeconfig }, 3000);
    await assert.rejects(readDiagnosisSnapshot(client, NS), (err: unknown) => {
      assert.ok(err instanceof ClusterUnreachableError, String(err));
      assert.match(
        err.message,
        new RegExp(`^nowhere \\(https://127.0.0.1:${port}\\): listing \\w+ failed: .*ECONNREFUSED`),
      );
      return true;
    });
  });

  it('throws a ClusterUnreachableError when the server accepts and never answers, within the time limit', async () => {
    const held = new Set<Socket>();
    // Holds every connection and answers nothing.
    const silent = createServer((socket) => held.add(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const port = (silent.address() as AddressInfo).port;
      const kubeconfig = join(cluster.dir, 'kubeconfig-silent');
      writeKubeconfig(kubeconfig, `https://127.0.0.1:${port}`, 'silent', 'admin', 'x');
      const client = clusterClient({ kind: 'cluster', context: 'silent', kubeconfig }, 1000);
      const started = Date.now();
      await assert.rejects(readDiagnosisSnapshot(client, NS), (err: unknown) => {
        assert.ok(err instanceof ClusterUnreachableError, String(err));
        assert.match(err.message, /: listing \w+ got no answer within 1000 ms$/);
        return true;
      });
      assert.ok(Date.now() - started < 5000, 'bounded by the request time limit');
    } finally {
      for (const socket of held) socket.destroy();
      silent.close();
    }
  });

  it('turns a log the API server will not give into a note, not a failure', async () => {
    const { logs, notes } = await readLogs(admin, NS, [
      { pod: 'ghost', container: 'main', previous: true },
    ]);
    assert.deepEqual(logs, []);
    assert.deepEqual(notes, ['logs of ghost/main: not read (pods "ghost" not found)']);
  });
});
