/**
 * Evidence lines, quoted as the cluster reported them: container state fields by their status
 * path, events with their count, and the last lines a container logged.
 */
import type {
  ConditionSnapshot,
  ContainerSnapshot,
  EventSnapshot,
  LogSnapshot,
  PodSnapshot,
} from '../model/snapshot';
import type { DiagnoseContext } from './context';
import { eventsAbout } from './pods';

/** How many log lines a finding quotes. */
export const LOG_LINES = 5;

/** A condition by its status path: `status.conditions[Progressing]: False (ProgressDeadlineExceeded): …`. */
export function conditionEvidence(c: ConditionSnapshot): string {
  return `status.conditions[${c.type}]: ${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}`;
}

/** The state fields of one container: `pod api-1 container api: state.waiting.reason: CrashLoopBackOff`. */
export function containerEvidence(pod: string, c: ContainerSnapshot): string[] {
  const at = `pod ${pod} container ${c.name}: `;
  const lines: string[] = [];
  if (c.waiting) {
    lines.push(`${at}state.waiting.reason: ${c.waiting.reason}`);
    if (c.waiting.message) lines.push(`${at}state.waiting.message: ${c.waiting.message}`);
  }
  if (c.terminated) {
    if (c.terminated.reason) lines.push(`${at}state.terminated.reason: ${c.terminated.reason}`);
    lines.push(`${at}state.terminated.exitCode: ${c.terminated.exitCode}`);
    if (c.terminated.message) lines.push(`${at}state.terminated.message: ${c.terminated.message}`);
  }
  if (c.lastTerminated) {
    if (c.lastTerminated.reason)
      lines.push(`${at}lastState.terminated.reason: ${c.lastTerminated.reason}`);
    lines.push(`${at}lastState.terminated.exitCode: ${c.lastTerminated.exitCode}`);
  }
  if (c.restartCount) lines.push(`${at}restartCount: ${c.restartCount}`);
  return lines;
}

/** One event: `event BackOff (x5): Back-off restarting failed container`. */
export function eventLine(e: EventSnapshot): string {
  return `event ${e.reason}${e.count > 1 ? ` (x${e.count})` : ''}: ${e.message}`;
}

/**
 * The events about an object that match, newest first, each reason and message told once
 * (the newest occurrence's count).
 */
export function eventEvidence(
  ctx: DiagnoseContext,
  kind: string,
  name: string,
  match: (e: EventSnapshot) => boolean = () => true,
): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const e of eventsAbout(ctx.snap.events, kind, name)) {
    if (!match(e) || seen.has(`${e.reason}\n${e.message}`)) continue;
    seen.add(`${e.reason}\n${e.message}`);
    lines.push(eventLine(e));
  }
  return lines;
}

/** The log of a container: the previous run's when it restarted, else the current one. */
export function logOf(
  ctx: DiagnoseContext,
  pod: string,
  container: string,
): LogSnapshot | undefined {
  const logs = ctx.snap.logs.filter((l) => l.pod === pod && l.container === container);
  return logs.find((l) => l.previous && l.lines.length) ?? logs.find((l) => l.lines.length);
}

/** The last lines of a log: `log api-1/api (previous run): KeyError: 'DATABASE_URL'`. */
export function logEvidence(log: LogSnapshot | undefined, n = LOG_LINES): string[] {
  if (!log) return [];
  const at = `log ${log.pod}/${log.container}${log.previous ? ' (previous run)' : ''}: `;
  return log.lines.slice(-n).map((l) => at + l);
}

/** `also pods api-2, api-3` when more than the quoted pod shows the same. */
export function otherPods(pods: PodSnapshot[], quoted: string): string[] {
  const others = pods.map((p) => p.name).filter((n) => n !== quoted);
  return others.length ? [`also pods ${others.join(', ')}`] : [];
}
