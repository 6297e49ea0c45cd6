/**
 * Pods and the objects around them in a snapshot: which workload owns a pod, which pods a
 * workload owns, and the events about an object. Shared by `explainUnready` and the detectors.
 */
import { claimProblem } from './messages';
import type {
  ClusterSnapshot,
  ContainerSnapshot,
  EventSnapshot,
  PodSnapshot,
} from '../model/snapshot';

/** The controller a pod belongs to: a Deployment through its ReplicaSet, else its direct owner. */
export interface Controller {
  kind: string;
  name: string;
}

/** The pods a workload owns: through its ReplicaSets for a Deployment, directly for a StatefulSet. */
export function podsOf(s: ClusterSnapshot, kind: string, name: string): PodSnapshot[] {
  if (kind === 'StatefulSet')
    return s.pods.filter((p) => p.owner?.kind === 'StatefulSet' && p.owner.name === name);
  if (kind === 'Job') return s.pods.filter((p) => p.owner?.kind === 'Job' && p.owner.name === name);
  const sets = new Set(s.replicaSets.filter((r) => r.owner === name).map((r) => r.name));
  return s.pods.filter((p) => p.owner?.kind === 'ReplicaSet' && sets.has(p.owner.name));
}

/** The controller of a pod: the Deployment of its ReplicaSet, its StatefulSet or Job, or the pod itself. */
export function controllerOf(s: ClusterSnapshot, p: PodSnapshot): Controller {
  if (!p.owner) return { kind: 'Pod', name: p.name };
  if (p.owner.kind === 'ReplicaSet') {
    const owner = p.owner.name;
    const rs = s.replicaSets.find((r) => r.name === owner);
    return rs?.owner ? { kind: 'Deployment', name: rs.owner } : p.owner;
  }
  return p.owner;
}

/** Whether the pod's Ready condition is True. */
export function isReady(p: PodSnapshot): boolean {
  return p.conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Whether the pod is past scheduling: its PodScheduled condition is not False. */
export function isScheduled(p: PodSnapshot): boolean {
  return !p.conditions.some((c) => c.type === 'PodScheduled' && c.status === 'False');
}

/** The pods, not being deleted, that mount the PersistentVolumeClaim `claim`. */
export function consumersOf(s: ClusterSnapshot, claim: string): PodSnapshot[] {
  return s.pods.filter((p) => !p.deleting && (p.claims ?? []).includes(claim));
}

/** Whether an event says the claim `claim` waits for its first consumer before it binds. */
export function waitsForConsumerEvent(s: ClusterSnapshot, claim: string): boolean {
  return eventsAbout(s.events, 'PersistentVolumeClaim', claim).some(
    (e) => claimProblem(e.message) === 'waiting-for-consumer',
  );
}

/** The events about one object, newest first (ties by reason and message, so the order is stable). */
export function eventsAbout(events: EventSnapshot[], kind: string, name: string): EventSnapshot[] {
  return events
    .filter((e) => e.kind === kind && e.name === name)
    .sort(
      (a, b) =>
        b.last.localeCompare(a.last) ||
        a.reason.localeCompare(b.reason) ||
        a.message.localeCompare(b.message),
    );
}

/** The newest Warning event about one object. */
export function latestWarning(
  events: EventSnapshot[],
  kind: string,
  name: string,
): EventSnapshot | undefined {
  return eventsAbout(events, kind, name).find((e) => e.type === 'Warning');
}

/** A container of one controller's pods that shows a problem, with every pod that shows it. */
export interface ContainerProblem {
  controller: Controller;
  /** The pods showing it, by name; the first is the one quoted. */
  pods: PodSnapshot[];
  pod: PodSnapshot;
  container: ContainerSnapshot;
}

/**
 * Every (controller, container) whose container state matches in some live pod, the pods sorted
 * by name (the snapshot's order is not the cluster's promise).
 */
export function containerProblems(
  s: ClusterSnapshot,
  match: (c: ContainerSnapshot, p: PodSnapshot) => boolean,
): ContainerProblem[] {
  const found = new Map<string, ContainerProblem>();
  const pods = [...s.pods].sort((a, b) => a.name.localeCompare(b.name));
  for (const p of pods) {
    if (p.deleting) continue;
    for (const c of p.containers) {
      if (!match(c, p)) continue;
      const controller = controllerOf(s, p);
      const key = `${controller.kind}/${controller.name}/${c.name}`;
      const seen = found.get(key);
      if (seen) seen.pods.push(p);
      else found.set(key, { controller, pods: [p], pod: p, container: c });
    }
  }
  return [...found.values()];
}
