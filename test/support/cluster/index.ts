/**
 * A throwaway Kubernetes control plane for tests (../shared/CLUSTER.md): etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler and kwok with fake nodes in three zones, on free
 * loopback ports, built by `scripts/setup-cluster.sh`. Every object, controller, scheduler
 * decision, admission check, status and event is real; containers never run, kwok moves pods
 * through their lifecycle (and fails the ones chosen to fail, see ./stages).
 *
 * ```ts
 * const cluster = await startCluster();      // in before()
 * await cluster.situation({ storage: 'default', ingress: 'controller' });
 * ...                                        // cluster.kubeconfig, cluster.context
 * await cluster.stop();                      // in after(): stops every process by PID
 * ```
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterApi } from './api';
import { freePort, start, stop, tail, waitFor, type Proc } from './processes';
import { stageConfig } from './stages';
import { Situations } from './situations';
import { grant, LIMITED_USER, writeKubeconfig, type RbacRule, type TestUser } from './users';

export { FAIL_LABEL, failingImage, memoryHungryImage, type FailureMode } from './stages';
export type { ClusterApi } from './api';
export { LIMITED_USER, type RbacRule, type TestUser } from './users';

/** The cache that `scripts/setup-cluster.sh` fills. */
export function clusterCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.STACKPILOT_CLUSTER_DIR ?? join(homedir(), '.cache', 'stackpilot', 'cluster');
}

/** Options of a test cluster. */
export interface ClusterOptions {
  /** Fake nodes, one zone each (zone-a, zone-b, zone-c, then round again). Default 3. */
  nodes?: number;
  /** Allocatable per node. Default 8 cpu, 32Gi memory, 100Gi ephemeral storage, 110 pods. */
  allocatable?: { cpu: string; memory: string; 'ephemeral-storage': string; pods: string };
}

/** A running test cluster. */
export class TestCluster extends Situations {
  constructor(
    api: ClusterApi,
    /** Path of the admin kubeconfig file. */
    readonly kubeconfig: string,
    /** Its one context. */
    readonly context: string,
    /** A second user, with no permission until a test grants it some ({@link TestCluster.grant}). */
    readonly limited: TestUser,
    /** The scratch directory (data, keys, logs). */
    readonly dir: string,
    private readonly procs: Proc[],
  ) {
    super(api);
  }

  /** Stops every process of the cluster by PID and removes its scratch directory. */
  async stop(): Promise<void> {
    await this.stopSituations();
    for (const p of [...this.procs].reverse()) await stop(p);
    if (!process.env.STACKPILOT_KEEP_CLUSTER) rmSync(this.dir, { recursive: true, force: true });
  }

  /** Grants `user` (by default {@link TestCluster.limited}) the `rules`, cluster-wide, as ClusterRole `role`. */
  grant(rules: RbacRule[], role: string, user = this.limited.name): Promise<void> {
    return grant(this.api, user, role, rules);
  }

  /** The PIDs of the cluster's processes (for tests that check what is left running). */
  pids(): number[] {
    return this.procs.flatMap((p) => (p.child.pid ? [p.child.pid] : []));
  }
}

function binaries(): { bin: (name: string) => string; stages: string } {
  const dir = clusterCacheDir();
  const manifest = join(dir, 'manifest.json');
  if (!existsSync(manifest))
    throw new Error(`the test control plane is not built (no ${manifest}): run \`npm run setup\``);
  const m = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: string; stages: string };
  return { bin: (name) => join(m.bin, name), stages: m.stages };
}

/** Starts a cluster and waits until its nodes are Ready and its default namespace is served. */
export async function startCluster(options: ClusterOptions = {}): Promise<TestCluster> {
  const { bin, stages } = binaries();
  const dir = mkdtempSync(join(tmpdir(), 'stackpilot-cluster-'));
  const procs: Proc[] = [];
  const log = (name: string) => join(dir, `${name}.log`);
  try {
    const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const etcd = start(
      'etcd',
      bin('etcd'),
      [
        `--data-dir=${join(dir, 'etcd')}`,
        `--listen-client-urls=http://127.0.0.1:${etcdPort}`,
        `--advertise-client-urls=http://127.0.0.1:${etcdPort}`,
        `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
        `--initial-cluster=default=http://127.0.0.1:${peerPort}`,
        '--log-level=warn',
      ],
      log('etcd'),
    );
    procs.push(etcd);

    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const saKey = join(dir, 'sa.key');
    const saPub = join(dir, 'sa.pub');
    writeFileSync(saKey, privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });
    writeFileSync(saPub, publicKey.export({ type: 'spki', format: 'pem' }));
    const token = randomBytes(24).toString('hex');
    const limitedToken = randomBytes(24).toString('hex');
    const tokens = join(dir, 'tokens.csv');
    writeFileSync(
      tokens,
      `${token},admin,admin,system:masters\n${limitedToken},${LIMITED_USER},${LIMITED_USER}\n`,
      { mode: 0o600 },
    );
    mkdirSync(join(dir, 'certs'));

    const apiserver = start(
      'kube-apiserver',
      bin('kube-apiserver'),
      [
        `--etcd-servers=http://127.0.0.1:${etcdPort}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${apiPort}`,
        `--cert-dir=${join(dir, 'certs')}`,
        '--service-cluster-ip-range=10.96.0.0/16',
        '--service-account-issuer=https://kubernetes.default.svc',
        `--service-account-key-file=${saPub}`,
        `--service-account-signing-key-file=${saKey}`,
        `--token-auth-file=${tokens}`,
        '--authorization-mode=RBAC',
      ],
      log('kube-apiserver'),
    );
    procs.push(apiserver);
    const server = `https://127.0.0.1:${apiPort}`;
    const api = new ClusterApi(server, token);
    await waitFor(
      'kube-apiserver /readyz',
      async () => (await api.call('GET', '/readyz')).body === 'ok',
      90_000,
      () => `${tail(etcd)}\n${tail(apiserver)}`,
    );

    const context = 'stackpilot-test';
    const kubeconfig = join(dir, 'kubeconfig');
    writeKubeconfig(kubeconfig, server, context, 'admin', token);
    const limited: TestUser = { name: LIMITED_USER, kubeconfig: join(dir, 'kubeconfig-limited') };
    writeKubeconfig(limited.kubeconfig, server, context, LIMITED_USER, limitedToken);
    const kube = ['--kubeconfig', kubeconfig, '--authentication-kubeconfig', kubeconfig];
    const authz = ['--authorization-kubeconfig', kubeconfig, '--leader-elect=false'];
    procs.push(
      start(
        'kube-controller-manager',
        bin('kube-controller-manager'),
        [
          ...kube,
          ...authz,
          `--service-account-private-key-file=${saKey}`,
          `--root-ca-file=${join(dir, 'certs', 'apiserver.crt')}`,
          '--bind-address=127.0.0.1',
          '--secure-port=0',
          '--controllers=*,-nodeipam',
          '--use-service-account-credentials=false',
        ],
        log('kube-controller-manager'),
      ),
    );
    procs.push(
      start(
        'kube-scheduler',
        bin('kube-scheduler'),
        [
          ...kube,
          ...authz,
          '--bind-address=127.0.0.1',
          '--secure-port=0',
          // A pod whose requeue event the scheduler missed (kubernetes/kubernetes#125762: tried
          // before its claim was bound, then never woken when it was) waits here at most 15 s
          // instead of the default 5 min, longer than any readiness bound of the suites.
          '--pod-max-in-unschedulable-pods-duration=15s',
        ],
        log('kube-scheduler'),
      ),
    );
    const stagesFile = join(dir, 'stages.yaml');
    writeFileSync(stagesFile, stageConfig(stages));
    const kwok = start(
      'kwok',
      bin('kwok'),
      [
        '--kubeconfig',
        kubeconfig,
        '--manage-all-nodes=true',
        '--cidr=10.0.0.1/24',
        '--node-ip=10.0.0.1',
        `--config=${stagesFile}`,
      ],
      log('kwok'),
    );
    procs.push(kwok);

    const cluster = new TestCluster(api, kubeconfig, context, limited, dir, procs);
    await cluster.addNodes(options.nodes ?? 3, options.allocatable);
    await waitFor(
      'nodes Ready and the default ServiceAccount',
      async () =>
        (await cluster.readyNodes()) === (options.nodes ?? 3) &&
        (await api.call('GET', '/api/v1/namespaces/default/serviceaccounts/default')).status ===
          200,
      90_000,
      () => procs.map((p) => `--- ${p.name}\n${tail(p, 5)}`).join('\n'),
    );
    return cluster;
  } catch (err) {
    for (const p of procs.reverse()) await stop(p);
    if (!process.env.STACKPILOT_KEEP_CLUSTER) rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
