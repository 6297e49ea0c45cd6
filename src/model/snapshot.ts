/**
 * A snapshot of the cluster objects in one namespace, reduced to what explaining readiness
 * needs. Read by `src/cluster/snapshot.ts`, explained by `src/diagnose/`: keeping it a plain
 * value makes the explanation a pure function, testable on recorded snapshots.
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

/** A pod and who owns it. */
export interface PodSnapshot {
  name: string;
  owner?: { kind: string; name: string };
  phase: string;
  conditions: ConditionSnapshot[];
  containers: ContainerSnapshot[];
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
}

/** A PersistentVolumeClaim's binding. */
export interface ClaimSnapshot {
  name: string;
  phase: string;
  storageClass?: string;
}

/** An Ingress and whether a controller gave it an address. */
export interface IngressSnapshot {
  name: string;
  className?: string;
  hasAddress: boolean;
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
