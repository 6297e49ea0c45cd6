/**
 * Builders of small hand-written diagnosis snapshots for the detector tests, and the real
 * fullstack dev plan (namespace stackpilot-dev) they are checked against.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diagnose } from '../../../src/diagnose';
import type { Diagnosis, FailureClass, Finding } from '../../../src/model/diagnosis';
import { DeploymentPlanSchema, type DeploymentPlan } from '../../../src/model/plan';
import type {
  ContainerSnapshot,
  ContainerSpecSnapshot,
  DiagnosisSnapshot,
  EventSnapshot,
  PodSnapshot,
  WorkloadSnapshot,
} from '../../../src/model/snapshot';

export const NS = 'stackpilot-dev';
export const PROJECT = 'fullstack';
export const ENV = 'dev';

/** The golden fullstack dev plan, parsed. */
export function fullstackPlan(): DeploymentPlan {
  const file = join(__dirname, '../../golden/fullstack/dev.plan.json');
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
    configs: [],
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
