/**
 * A snapshot of the cluster objects in one namespace (and the nodes and StorageClasses they
 * run on), reduced to what explaining readiness and diagnosing failures needs. Read by
 * `src/cluster/snapshot*.ts`, explained by `src/diagnose/`: keeping it a plain value makes the
 * diagnosis a pure function, testable on recorded snapshots. It never holds a Secret's
 * values: only the names of its keys.
 */

/** A condition of any object. */
export interface ConditionSnapshot {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** One container's state. */
export interface ContainerSnapshot {
  name: string;
  ready: boolean;
  restartCount: number;
  waiting?: { reason: string; message?: string };
  terminated?: { reason?: string; exitCode: number; message?: string };
  /** The previous run, for a restarting container. */
  lastTerminated?: { reason?: string; exitCode: number; message?: string };
}

/** A probe as the pod spec declares it. */
export interface ProbeSnapshot {
  kind: 'http' | 'tcp' | 'exec' | 'grpc';
  /** The port, a number or a named container port. */
  port?: number | string;
  path?: string;
}

/** Cpu, memory and ephemeral-storage quantities as written (`250m`, `512Mi`). */
export interface QuantitiesSnapshot {
  cpu?: string;
  memory?: string;
  'ephemeral-storage'?: string;
}

/** Where a container takes an env var or env block from a Secret or ConfigMap. */
export interface EnvSourceSnapshot {
  kind: 'Secret' | 'ConfigMap';
  name: string;
  /** The key read, absent for a whole `envFrom`. */
  key?: string;
  /** The env var it sets, absent for `envFrom`. */
  env?: string;
  optional: boolean;
}

/** One container as the pod spec declares it (its state is in {@link ContainerSnapshot}). */
export interface ContainerSpecSnapshot {
  name: string;
  image: string;
  init: boolean;
  ports: { name?: string; containerPort: number }[];
  requests: QuantitiesSnapshot;
  limits: QuantitiesSnapshot;
  readiness?: ProbeSnapshot;
  liveness?: ProbeSnapshot;
  startup?: ProbeSnapshot;
  envSources: EnvSourceSnapshot[];
}

/** A pod and who owns it. */
export interface PodSnapshot {
  name: string;
  owner?: { kind: string; name: string };
  labels?: Record<string, string>;
  nodeName?: string;
  phase: string;
  conditions: ConditionSnapshot[];
  containers: ContainerSnapshot[];
  /** The containers of the pod spec, init containers first; absent in snapshots recorded before it existed. */
  specs?: ContainerSpecSnapshot[];
  /** Claims the pod mounts. */
  claims?: string[];
  deleting: boolean;
}

/** A Deployment or StatefulSet with its replica counts. */
export interface WorkloadSnapshot {
  kind: 'Deployment' | 'StatefulSet';
  name: string;
  desired: number;
  /** Pods of every revision; more than `updated` while a rollout is under way. */
  total: number;
  ready: number;
  available: number;
  updated: number;
  conditions: ConditionSnapshot[];
  /** The label selector's matchLabels. */
  selector?: Record<string, string>;
}

/** A ReplicaSet, to tie pods to their Deployment. */
export interface ReplicaSetSnapshot {
  name: string;
  owner?: string;
  desired: number;
}

/** A Job's progress. */
export interface JobSnapshot {
  name: string;
  owner?: string;
  active: number;
  succeeded: number;
  failed: number;
  conditions: ConditionSnapshot[];
  /** `spec.backoffLimit` (Kubernetes' default is 6). */
  backoffLimit?: number;
}

/** A PersistentVolumeClaim's binding. */
export interface ClaimSnapshot {
  name: string;
  phase: string;
  storageClass?: string;
  /** `spec.resources.requests.storage`. */
  requested?: string;
}

/** An Ingress and whether a controller gave it an address. */
export interface IngressSnapshot {
  name: string;
  className?: string;
  hasAddress: boolean;
  /** Every backend its rules and default backend name. */
  backends?: { service: string; port: number | string }[];
}

/** A Service: what it selects and the ports it maps. */
export interface ServiceSnapshot {
  name: string;
  type: string;
  /** Absent for a Service without a selector (endpoints managed by hand). */
  selector?: Record<string, string>;
  ports: { name?: string; port: number; targetPort: number | string }[];
}

/** The endpoints of one Service, summed over its EndpointSlices. */
export interface EndpointsSnapshot {
  service: string;
  ready: number;
  notReady: number;
}

/** A HorizontalPodAutoscaler: its target, bounds and conditions. */
export interface AutoscalerSnapshot {
  name: string;
  target: { kind: string; name: string };
  min: number;
  max: number;
  conditions: ConditionSnapshot[];
  /** Whether `status.currentMetrics` has any value. */
  hasMetrics: boolean;
}

/** A peer of a NetworkPolicy rule. */
export interface PolicyPeerSnapshot {
  podSelector?: Record<string, string>;
  /** Present (possibly empty: every namespace) when the peer names namespaces. */
  namespaceSelector?: Record<string, string>;
  ipBlock?: string;
}

/** One ingress or egress rule; no peers means every peer, no ports means every port. */
export interface PolicyRuleSnapshot {
  peers: PolicyPeerSnapshot[];
  ports: { port?: number | string; protocol: string }[];
}

/** A NetworkPolicy of the namespace; selectors are matchLabels (matchExpressions are reported as unreadable). */
export interface NetworkPolicySnapshot {
  name: string;
  /** Whether stackpilot created it (its `app.kubernetes.io/managed-by` label). */
  managed: boolean;
  podSelector: Record<string, string>;
  policyTypes: ('Ingress' | 'Egress')[];
  ingress: PolicyRuleSnapshot[];
  egress: PolicyRuleSnapshot[];
}

/** A node: whether pods can go there and how much they can use. */
export interface NodeSnapshot {
  name: string;
  ready: boolean;
  unschedulable: boolean;
  taints: { key: string; value?: string; effect: string }[];
  allocatable: QuantitiesSnapshot & { pods?: string };
  zone?: string;
}

/** A StorageClass. */
export interface StorageClassSnapshot {
  name: string;
  isDefault: boolean;
  provisioner: string;
  bindingMode: string;
}

/** An IngressClass, and whether it is the cluster's default (`ingressclass.kubernetes.io/is-default-class`). */
export interface IngressClassSnapshot {
  name: string;
  isDefault: boolean;
}

/** A Secret or ConfigMap: its name and the names of its keys, never a value. */
export interface KeysSnapshot {
  kind: 'Secret' | 'ConfigMap';
  name: string;
  keys: string[];
}

/** The last lines a container logged. */
export interface LogSnapshot {
  pod: string;
  container: string;
  /** The previous run's log for a restarting container. */
  previous: boolean;
  lines: string[];
}

/** An event about an object. */
export interface EventSnapshot {
  kind: string;
  name: string;
  type: string;
  reason: string;
  message: string;
  count: number;
  /** ISO time of the last occurrence. */
  last: string;
}

/** Everything in one namespace that readiness depends on. */
export interface ClusterSnapshot {
  namespace: string;
  workloads: WorkloadSnapshot[];
  replicaSets: ReplicaSetSnapshot[];
  pods: PodSnapshot[];
  jobs: JobSnapshot[];
  claims: ClaimSnapshot[];
  ingresses: IngressSnapshot[];
  events: EventSnapshot[];
}

/**
 * Everything a diagnosis reads: the readiness snapshot plus the objects that explain why.
 * A kind the cluster would not list (RBAC, a missing API) is empty and named in `unreadable`.
 */
export interface DiagnosisSnapshot extends ClusterSnapshot {
  services: ServiceSnapshot[];
  endpoints: EndpointsSnapshot[];
  autoscalers: AutoscalerSnapshot[];
  networkPolicies: NetworkPolicySnapshot[];
  nodes: NodeSnapshot[];
  storageClasses: StorageClassSnapshot[];
  /** The cluster's IngressClasses; absent in snapshots recorded before it existed (the class checks are then skipped). */
  ingressClasses?: IngressClassSnapshot[];
  /** Secrets and ConfigMaps of the namespace, key names only. */
  configs: KeysSnapshot[];
  logs: LogSnapshot[];
  /** What could not be read, one line each: `Secrets: forbidden (RBAC)`, `logs of api-1: the kwok node serves none`. */
  unreadable: string[];
}
