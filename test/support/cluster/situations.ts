/**
 * The situations real clusters are in, put on the test cluster on demand: a default
 * StorageClass with volumes that bind on first consumer (or immediately, or none), the
 * Prometheus-operator CRDs, an IngressClass and a stand-in ingress controller that sets each
 * Ingress's load-balancer status, and nodes that are full.
 */
import type { ClusterApi } from './api';

/** What to put on the cluster; anything left out stays as it is. */
export interface Situation {
  /**
   * `default`: a default StorageClass with pre-made volumes that binds on first consumer, as the
   * default classes of kind, GKE, EKS and AKS do; `immediate`: the same, binding Immediate.
   * Immediate binding races the scheduler (kubernetes/kubernetes#125762): a StatefulSet pod
   * tried before the PV controller bound its claim can wait in the unschedulable queue for
   * minutes after the claim is Bound, which made the lifecycle suite fail now and then.
   */
  storage?: 'default' | 'immediate';
  /** `class`: an IngressClass only (nothing sets Ingress status); `controller`: also a stand-in controller. */
  ingress?: 'class' | 'controller';
  /** The Prometheus-operator CRDs (ServiceMonitor, PodMonitor, PrometheusRule). */
  prometheusCrds?: boolean;
}

/** The IngressClass the situations create; plans use `nginx` unless an env says otherwise. */
export const INGRESS_CLASS = 'nginx';
/** The default StorageClass the situations create. */
export const STORAGE_CLASS = 'standard';

const ZONES = ['zone-a', 'zone-b', 'zone-c'];
const DEFAULT_ALLOCATABLE = {
  cpu: '8',
  memory: '32Gi',
  'ephemeral-storage': '100Gi',
  pods: '110',
};

/** The situation helpers of a test cluster. */
export class Situations {
  private ingressLoop: NodeJS.Timeout | undefined;
  private volumes = 0;

  constructor(
    /** A raw client of the API server, for tests that change things out of band. */
    readonly api: ClusterApi,
  ) {}

  /** Adds `count` fake nodes managed by kwok, one zone each in turn. */
  async addNodes(count: number, allocatable = DEFAULT_ALLOCATABLE): Promise<void> {
    for (let i = 0; i < count; i++) {
      const name = `kwok-node-${i}`;
      await this.api.create('/api/v1/nodes', {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name,
          annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
          labels: {
            'kubernetes.io/hostname': name,
            'kubernetes.io/os': 'linux',
            'kubernetes.io/arch': 'amd64',
            'kubernetes.io/role': 'agent',
            'node-role.kubernetes.io/agent': '',
            'topology.kubernetes.io/zone': ZONES[i % ZONES.length],
            type: 'kwok',
          },
        },
        status: { capacity: allocatable, allocatable },
      });
    }
  }

  /** How many nodes report Ready. */
  async readyNodes(): Promise<number> {
    const nodes = await this.api.list<{
      status?: { conditions?: { type: string; status: string }[] };
    }>('/api/v1/nodes');
    return nodes.filter((n) =>
      n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    ).length;
  }

  /** Puts the cluster in `s`. */
  async situation(s: Situation): Promise<void> {
    if (s.storage)
      await this.defaultStorage(s.storage === 'immediate' ? 'Immediate' : 'WaitForFirstConsumer');
    if (s.ingress) await this.ingressClass(s.ingress === 'controller');
    if (s.prometheusCrds) await this.prometheusCrds();
  }

  /** A default StorageClass with no provisioner and `count` pre-made volumes of it. */
  async defaultStorage(binding: 'Immediate' | 'WaitForFirstConsumer', count = 24): Promise<void> {
    await this.api.create('/apis/storage.k8s.io/v1/storageclasses', {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: {
        name: STORAGE_CLASS,
        annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
      },
      provisioner: 'kubernetes.io/no-provisioner',
      volumeBindingMode: binding,
      reclaimPolicy: 'Retain',
    });
    await this.addVolumes(count);
  }

  /** More pre-made volumes of the default class (100Gi, ReadWriteOnce and ReadWriteMany). */
  async addVolumes(count: number): Promise<void> {
    for (let i = 0; i < count; i++, this.volumes++) {
      await this.api.create('/api/v1/persistentvolumes', {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: `pv-${this.volumes}` },
        spec: {
          capacity: { storage: '100Gi' },
          accessModes: ['ReadWriteOnce', 'ReadWriteMany'],
          storageClassName: STORAGE_CLASS,
          persistentVolumeReclaimPolicy: 'Retain',
          hostPath: { path: `/tmp/pv-${this.volumes}` },
        },
      });
    }
  }

  /** The IngressClass, and with `controller` a loop that sets every Ingress's status like a controller would. */
  async ingressClass(controller: boolean): Promise<void> {
    await this.api.create('/apis/networking.k8s.io/v1/ingressclasses', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: { name: INGRESS_CLASS },
      spec: { controller: 'k8s.io/ingress-nginx' },
    });
    if (controller && !this.ingressLoop) {
      const tick = async () => {
        try {
          const items = await this.api.list<{
            metadata: { name: string; namespace: string };
            status?: { loadBalancer?: { ingress?: unknown[] } };
          }>('/apis/networking.k8s.io/v1/ingresses');
          for (const ing of items) {
            if (ing.status?.loadBalancer?.ingress?.length) continue;
            await this.api.mergePatch(
              `/apis/networking.k8s.io/v1/namespaces/${ing.metadata.namespace}/ingresses/${ing.metadata.name}/status`,
              { status: { loadBalancer: { ingress: [{ ip: '127.0.0.2' }] } } },
            );
          }
        } catch {
          /* the next tick retries */
        }
        if (this.ingressLoop) this.ingressLoop = setTimeout(() => void tick(), 300);
      };
      this.ingressLoop = setTimeout(() => void tick(), 0);
    }
  }

  /** The Prometheus-operator CRDs stackpilot can emit (schema-less, served and stored). */
  async prometheusCrds(): Promise<void> {
    for (const [kind, plural] of [
      ['ServiceMonitor', 'servicemonitors'],
      ['PodMonitor', 'podmonitors'],
      ['PrometheusRule', 'prometheusrules'],
    ] as const) {
      await this.api.create('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: `${plural}.monitoring.coreos.com` },
        spec: {
          group: 'monitoring.coreos.com',
          scope: 'Namespaced',
          names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              schema: {
                openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              },
            },
          ],
        },
      });
    }
  }

  /** Fills every node (or the named ones): a pod bound to each that requests all its cpu. */
  async fillNodes(names?: string[]): Promise<void> {
    const nodes = await this.api.list<{
      metadata: { name: string };
      status: { allocatable: { cpu: string; memory: string } };
    }>('/api/v1/nodes');
    for (const n of nodes) {
      if (names && !names.includes(n.metadata.name)) continue;
      await this.api.create('/api/v1/namespaces/default/pods', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `filler-${n.metadata.name}` },
        spec: {
          nodeName: n.metadata.name,
          containers: [
            {
              name: 'filler',
              image: 'registry.k8s.io/pause:3.10',
              resources: { requests: { cpu: n.status.allocatable.cpu, memory: '1Gi' } },
            },
          ],
        },
      });
    }
  }

  /** Stops the stand-in controllers. */
  protected async stopSituations(): Promise<void> {
    const loop = this.ingressLoop;
    this.ingressLoop = undefined;
    if (loop) clearTimeout(loop);
  }
}
