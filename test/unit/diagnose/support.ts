/**
 * Builders of small hand-written diagnosis snapshots for the detector tests, and the real
 * fullstack dev plan (namespace stackpilot-dev) they are checked against.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diagnose } from '../../../src/diagnose';
import type { Diagnosis, FailureClass, Finding } from '../../../src/model/diagnosis';
import { DeploymentPlanSchema, type DeploymentPlan, type Probe } from '../../../src/model/plan';
import type {
  ContainerSnapshot,
  ContainerSpecSnapshot,
  DiagnosisSnapshot,
  EnvSourceSnapshot,
  EventSnapshot,
  KeysSnapshot,
  PodSnapshot,
  ProbeSnapshot,
  WorkloadSnapshot,
} from '../../../src/model/snapshot';

export const NS = 'stackpilot-dev';
export const PROJECT = 'fullstack';
export const ENV = 'dev';

const cached = new Map<string, DeploymentPlan>();

/** A golden fullstack plan (default dev), parsed once: callers must not change it. */
export function fullstackPlan(env = 'dev'): DeploymentPlan {
  const plan = cached.get(env) ?? readPlan(env);
  cached.set(env, plan);
  return plan;
}

function readPlan(env: string): DeploymentPlan {
  const file = join(__dirname, `../../golden/fullstack/${env}.plan.json`);
  return DeploymentPlanSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/** The pod labels the plan gives component `name`. */
export function labelsOf(name: string): Record<string, string> {
  return {
    'app.kubernetes.io/instance': 'fullstack-dev',
    'app.kubernetes.io/managed-by': 'stackpilot',
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/part-of': 'fullstack',
  };
}

/** The Secrets and ConfigMaps the plan creates, with their keys, as an applied plan leaves them. */
export function planConfigs(plan: DeploymentPlan = fullstackPlan()): KeysSnapshot[] {
  return plan.nodes.flatMap((n): KeysSnapshot[] =>
    n.kind === 'secret'
      ? [{ kind: 'Secret', name: n.name, keys: n.spec.entries.map((e) => e.key) }]
      : n.kind === 'config'
        ? [{ kind: 'ConfigMap', name: n.name, keys: Object.keys(n.spec.data) }]
        : [],
  );
}

/** A snapshot of the namespace with the plan's Secrets and ConfigMaps in it; `over` sets the rest. */
export function snapshot(over: Partial<DiagnosisSnapshot> = {}): DiagnosisSnapshot {
  return {
    namespace: NS,
    workloads: [],
    replicaSets: [],
    pods: [],
    jobs: [],
    claims: [],
    ingresses: [],
    events: [],
    services: [],
    endpoints: [],
    autoscalers: [],
    networkPolicies: [],
    nodes: [],
    storageClasses: [],
    configs: planConfigs(),
    logs: [],
    unreadable: [],
    ...over,
  };
}

export const READY = [
  { type: 'PodScheduled', status: 'True' },
  { type: 'Ready', status: 'True' },
];
export const NOT_READY = [
  { type: 'PodScheduled', status: 'True' },
  { type: 'Ready', status: 'False' },
];

export function container(name: string, over: Partial<ContainerSnapshot> = {}): ContainerSnapshot {
  return { name, ready: false, restartCount: 0, ...over };
}

export function spec(
  name: string,
  over: Partial<ContainerSpecSnapshot> = {},
): ContainerSpecSnapshot {
  return {
    name,
    image: `localhost:5000/fullstack-${name}:tag`,
    init: false,
    ports: [],
    requests: {},
    limits: {},
    envSources: [],
    ...over,
  };
}

/** A live probe as the plan declares it. */
function probeOf(p: Probe | undefined): ProbeSnapshot | undefined {
  if (!p) return undefined;
  const h = p.handler;
  if ('http' in h) return { kind: 'http', port: h.http.port, path: h.http.path };
  if ('tcp' in h) return { kind: 'tcp', port: h.tcp.port };
  return { kind: 'exec' };
}

/**
 * The live spec of a plan container, as a cluster that applied the plan reports it: image,
 * ports, resources, probes and env references; `over` changes what a situation needs.
 */
export function planSpec(
  nodeId: string,
  containerName: string,
  over: Partial<ContainerSpecSnapshot> = {},
  plan: DeploymentPlan = fullstackPlan(),
): ContainerSpecSnapshot {
  const node = plan.nodes.find((n) => n.id === nodeId);
  const t =
    node?.kind === 'workload' || node?.kind === 'job'
      ? node.spec.template
      : node?.kind === 'cron-job'
        ? node.spec.job.template
        : undefined;
  const c = [...(t?.containers ?? []), ...(t?.initContainers ?? [])].find(
    (x) => x.name === containerName,
  );
  if (!c) throw new Error(`no container ${containerName} in ${nodeId}`);
  const envSources: EnvSourceSnapshot[] = c.env.flatMap((e): EnvSourceSnapshot[] =>
    'secret' in e
      ? [{ kind: 'Secret', name: e.secret.name, key: e.secret.key, env: e.name, optional: false }]
      : 'config' in e
        ? [
            {
              kind: 'ConfigMap',
              name: e.config.name,
              key: e.config.key,
              env: e.name,
              optional: false,
            },
          ]
        : [],
  );
  const readiness = probeOf(c.probes.readiness);
  const liveness = probeOf(c.probes.liveness);
  const startup = probeOf(c.probes.startup);
  return {
    name: c.name,
    image: c.image,
    init: (t?.initContainers ?? []).includes(c),
    ports: c.ports.map((p) => ({ name: p.name, containerPort: p.containerPort })),
    requests: { ...c.resources.requests },
    limits: { ...c.resources.limits },
    ...(readiness ? { readiness } : {}),
    ...(liveness ? { liveness } : {}),
    ...(startup ? { startup } : {}),
    envSources,
    ...over,
  };
}

/** A pod of Deployment `component` (through ReplicaSet `<component>-rs1`). */
export function deploymentPod(
  component: string,
  suffix: string,
  over: Partial<PodSnapshot> = {},
): PodSnapshot {
  return {
    name: `${component}-rs1-${suffix}`,
    owner: { kind: 'ReplicaSet', name: `${component}-rs1` },
    labels: labelsOf(component),
    nodeName: 'node-1',
    phase: 'Running',
    conditions: NOT_READY,
    containers: [],
    deleting: false,
    ...over,
  };
}

/** A Deployment of `name` with its ReplicaSet. */
export function deployment(
  name: string,
  over: Partial<WorkloadSnapshot> = {},
): Pick<DiagnosisSnapshot, 'workloads' | 'replicaSets'> {
  return {
    workloads: [
      {
        kind: 'Deployment',
        name,
        desired: 1,
        total: 1,
        ready: 0,
        available: 0,
        updated: 1,
        conditions: [],
        selector: { 'app.kubernetes.io/instance': 'fullstack-dev', 'app.kubernetes.io/name': name },
        ...over,
      },
    ],
    replicaSets: [{ name: `${name}-rs1`, owner: name, desired: 1 }],
  };
}

export function event(
  kind: string,
  name: string,
  reason: string,
  message: string,
  over: Partial<EventSnapshot> = {},
): EventSnapshot {
  return {
    kind,
    name,
    type: 'Warning',
    reason,
    message,
    count: 1,
    last: '2025-01-01T00:00:00Z',
    ...over,
  };
}

/** The diagnosis of a snapshot against the fullstack dev plan (or another plan). */
export function run(snap: DiagnosisSnapshot, plan: DeploymentPlan = fullstackPlan()): Diagnosis {
  return diagnose({ plan, snapshot: snap, project: PROJECT, environment: ENV });
}

/** The findings of one class. */
export function ofClass(d: Diagnosis, c: FailureClass): Finding[] {
  return d.findings.filter((f) => f.class === c);
}

/** The one finding of a class; fails when there is not exactly one. */
export function only(d: Diagnosis, c: FailureClass): Finding {
  const found = ofClass(d, c);
  if (found.length !== 1)
    throw new Error(
      `expected one ${c} finding, got ${found.length}: ${JSON.stringify(d.findings, null, 2)}`,
    );
  return found[0]!;
}
