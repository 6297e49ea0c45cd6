/**
 * The last lines of the containers that are failing: for each pod with a container that is
 * not ready or has restarted, its log (the previous run's, when it restarted), each read
 * bounded by a short time limit. A kwok fake node serves no logs, so its pods are not asked;
 * any read that fails becomes a note, never an error.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import type { ContainerSnapshot, LogSnapshot, PodSnapshot } from '../model/snapshot';
import { bounded, statusMessage, type ClusterClient } from './client';

/** How logs are read. */
export interface LogOptions {
  /** Lines per container. Default 20. */
  lines?: number;
  /** Pods whose logs are read at most. Default 10. */
  maxPods?: number;
  /** Time limit of one read in ms. Default 3000 (or the client's limit, when shorter). */
  timeoutMs?: number;
}

/** One log to read. */
export interface LogRead {
  pod: string;
  container: string;
  previous: boolean;
}

/** What to read and what to note instead, chosen from the pods alone. */
export interface LogPlan {
  reads: LogRead[];
  notes: string[];
}

/**
 * The containers whose logs explain a failure: not ready, or restarted, and having run at least
 * once (a container still waiting for its first start has no log). Pods on `fakeNodes` are left
 * out with one note per node; past `maxPods` pods the rest are left out with a note. Pure.
 */
export function planLogReads(
  pods: PodSnapshot[],
  fakeNodes: ReadonlySet<string>,
  maxPods = 10,
): LogPlan {
  const wanted = pods
    .filter((p) => !p.deleting && p.phase !== 'Succeeded' && p.nodeName)
    .map((p) => ({ pod: p, containers: p.containers.filter(hasUsefulLog) }))
    .filter((w) => w.containers.length);
  const onFake = new Map<string, string[]>();
  const served: typeof wanted = [];
  for (const w of wanted) {
    const node = w.pod.nodeName ?? '';
    if (fakeNodes.has(node)) onFake.set(node, [...(onFake.get(node) ?? []), w.pod.name]);
    else served.push(w);
  }
  const notes = [...onFake.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(
      ([node, names]) =>
        `logs: not served by kwok fake node ${node} (pods ${names.sort().join(', ')})`,
    );
  if (served.length > maxPods)
    notes.push(
      `logs: read for ${maxPods} of the ${served.length} pods with failing containers; the others were not read`,
    );
  const reads = served.slice(0, maxPods).flatMap((w) =>
    w.containers.map((c) => ({
      pod: w.pod.name,
      container: c.name,
      previous: c.restartCount > 0,
    })),
  );
  return { reads, notes };
}

function hasUsefulLog(c: ContainerSnapshot): boolean {
  if (c.restartCount > 0) return true;
  if (c.ready) return false;
  if (c.terminated) return c.terminated.exitCode !== 0;
  return !c.waiting;
}

/** Reads the planned logs side by side; a read that fails is a note naming the container and why. */
export async function readLogs(
  client: ClusterClient,
  namespace: string,
  plan: LogRead[],
  options: LogOptions = {},
): Promise<{ logs: LogSnapshot[]; notes: string[] }> {
  const lines = options.lines ?? 20;
  const quick: ClusterClient = {
    ...client,
    requestTimeoutMs: Math.min(client.requestTimeoutMs, options.timeoutMs ?? 3000),
  };
  const core = client.kc.makeApiClient(CoreV1Api);
  const results = await Promise.all(
    plan.map(async (r): Promise<LogSnapshot | string> => {
      const what = `reading the ${r.previous ? 'previous ' : ''}log of ${r.pod}/${r.container}`;
      try {
        const text = await bounded(quick, what, () =>
          core.readNamespacedPodLog({
            name: r.pod,
            namespace,
            container: r.container,
            previous: r.previous,
            tailLines: lines,
            // A bound on bytes as well, for a container that logs very long lines.
            limitBytes: 64 * 1024,
          }),
        );
        return { ...r, lines: lastLines(String(text ?? ''), lines) };
      } catch (err) {
        const why =
          statusMessage(err) ?? (err instanceof Error ? firstLine(err.message) : String(err));
        return `logs of ${r.pod}/${r.container}: not read (${why})`;
      }
    }),
  );
  return {
    logs: results.filter((r): r is LogSnapshot => typeof r !== 'string'),
    notes: results.filter((r): r is string => typeof r === 'string'),
  };
}

function lastLines(text: string, n: number): string[] {
  const all = text.split('\n');
  if (all.at(-1) === '') all.pop();
  return all.slice(-n).map((l) => (l.length > 500 ? `${l.slice(0, 499)}…` : l));
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}
