/**
 * Why is something not ready? A pure function from a {@link ClusterSnapshot} to one finding
 * per object that is not ready, each naming the object and the cause found in its status,
 * its pods' statuses and the events about them.
 */
import type {
  ClusterSnapshot,
  ContainerSnapshot,
  EventSnapshot,
  PodSnapshot,
} from '../model/snapshot';
import { consumersOf, latestWarning, podsOf, waitsForConsumerEvent } from './pods';

/** One object that is not ready, and why. */
export interface UnreadyFinding {
  /** `Deployment shop-dev/api`. */
  object: string;
  /** One line: the cause, e.g. `pod api-7d9 container api: CrashLoopBackOff, last exit code 1 (Error)`. */
  cause: string;
}

/** Every object of the snapshot that is not ready, with its cause; sorted by object. */
export function explainUnready(s: ClusterSnapshot): UnreadyFinding[] {
  const findings: UnreadyFinding[] = [];
  const ref = (kind: string, name: string) => `${kind} ${s.namespace}/${name}`;
  for (const w of s.workloads) {
    const settled =
      w.ready >= w.desired &&
      w.available >= w.desired &&
      w.updated >= w.desired &&
      w.total <= w.updated;
    if (settled) continue;
    const pods = podsOf(s, w.kind, w.name);
    const cause =
      podCauses(s, pods) ??
      ownerEvents(s, w.kind, w.name) ??
      conditionCause(w.conditions) ??
      `${w.ready}/${w.desired} replicas ready, ${w.updated}/${w.desired} updated`;
    findings.push({ object: ref(w.kind, w.name), cause });
  }
  for (const j of s.jobs) {
    if (j.conditions.some((c) => c.type === 'Complete' && c.status === 'True')) continue;
    const failed = j.conditions.find((c) => c.type === 'Failed' && c.status === 'True');
    const pods = s.pods.filter((p) => p.owner?.kind === 'Job' && p.owner.name === j.name);
    const cause =
      podCauses(s, pods) ??
      (failed ? `failed: ${failed.reason ?? ''} ${failed.message ?? ''}`.trim() : undefined) ??
      ownerEvents(s, 'Job', j.name) ??
      `not complete: ${j.active} active, ${j.succeeded} succeeded, ${j.failed} failed pods`;
    findings.push({ object: ref('Job', j.name), cause });
  }
  for (const c of s.claims) {
    if (c.phase === 'Bound' || waitsForConsumer(s, c.name)) continue;
    const ev = latestWarning(s.events, 'PersistentVolumeClaim', c.name);
    findings.push({
      object: ref('PersistentVolumeClaim', c.name),
      cause: ev
        ? `${c.phase}: ${ev.reason}: ${ev.message}`
        : `${c.phase}${c.storageClass ? ` (StorageClass ${c.storageClass})` : ' (no StorageClass)'}`,
    });
  }
  for (const i of s.ingresses) {
    if (i.hasAddress) continue;
    findings.push({
      object: ref('Ingress', i.name),
      cause: `no load-balancer address: no ingress controller has admitted it${i.className ? ` (class ${i.className})` : ''}`,
    });
  }
  return findings.sort((a, b) => a.object.localeCompare(b.object));
}

/** The causes of the not-ready pods, the same cause told once with its count. */
function podCauses(s: ClusterSnapshot, pods: PodSnapshot[]): string | undefined {
  const byCause = new Map<string, string[]>();
  for (const p of pods) {
    if (p.deleting || p.phase === 'Succeeded') continue;
    if (p.conditions.some((c) => c.type === 'Ready' && c.status === 'True')) continue;
    const cause = podCause(s, p);
    byCause.set(cause, [...(byCause.get(cause) ?? []), p.name]);
  }
  if (!byCause.size) return undefined;
  return [...byCause.entries()]
    .map(([cause, names]) =>
      names.length === 1
        ? `pod ${names[0]}: ${cause}`
        : `${names.length} pods (${names.sort().join(', ')}): ${cause}`,
    )
    .sort()
    .join('; ');
}

function podCause(s: ClusterSnapshot, p: PodSnapshot): string {
  const scheduled = p.conditions.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False') {
    const ev = latestWarning(s.events, 'Pod', p.name);
    return `not scheduled: ${ev?.message ?? scheduled.message ?? scheduled.reason ?? 'no node fits'}`;
  }
  const bad = p.containers.find((c) => !c.ready);
  if (bad) return containerCause(bad, latestWarning(s.events, 'Pod', p.name));
  const ev = latestWarning(s.events, 'Pod', p.name);
  if (ev) return `${ev.reason}: ${ev.message}`;
  return p.containers.length ? `${p.phase}, not ready` : `${p.phase}, no container has started yet`;
}

function containerCause(c: ContainerSnapshot, ev: EventSnapshot | undefined): string {
  const last = c.lastTerminated ?? c.terminated;
  const exit = last
    ? `, last exit code ${last.exitCode}${last.reason ? ` (${last.reason})` : ''}${last.message ? `: ${last.message}` : ''}`
    : '';
  if (c.waiting) {
    const msg = c.waiting.message ? `: ${c.waiting.message}` : '';
    return `container ${c.name}: ${c.waiting.reason}${msg}${exit}${c.restartCount ? `, ${c.restartCount} restarts` : ''}`;
  }
  if (c.terminated) return `container ${c.name}: terminated${exit}`;
  const probe = ev && /Unhealthy/.test(ev.reason) ? `: ${ev.message}` : '';
  return `container ${c.name}: running but not ready (readiness probe failing${probe})`;
}

/** Warning events about the owner (FailedCreate on a ReplicaSet, e.g. a Pod Security refusal). */
function ownerEvents(s: ClusterSnapshot, kind: string, name: string): string | undefined {
  const names =
    kind === 'Deployment'
      ? [name, ...s.replicaSets.filter((r) => r.owner === name).map((r) => r.name)]
      : [name];
  const evs = s.events
    .filter((e) => e.type === 'Warning' && names.includes(e.name))
    .sort((a, b) => b.last.localeCompare(a.last));
  const ev = evs[0];
  return ev ? `${ev.reason}: ${ev.message}` : undefined;
}

function conditionCause(
  conditions: { type: string; status: string; reason?: string; message?: string }[],
): string | undefined {
  const bad = conditions.find((c) => c.status === 'False' && c.message);
  return bad ? `${bad.type} ${bad.reason ?? ''}: ${bad.message}` : undefined;
}

/**
 * A claim of a WaitForFirstConsumer class that no pod mounts yet (a backup volume before its
 * CronJob first runs) is Pending by design, not unready.
 */
function waitsForConsumer(s: ClusterSnapshot, claim: string): boolean {
  return waitsForConsumerEvent(s, claim) && !consumersOf(s, claim).length;
}
