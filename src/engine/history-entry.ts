/** Pulumi's update summaries and outputs, as stackpilot's secret-free values. */
import type { OutputMap, UpdateSummary } from '@pulumi/pulumi/automation';
import type { HistoryEntry } from '../model/operations';

/** The message of every stackpilot update: which action and which plan. */
export function updateMessage(action: 'up' | 'rollback', planHash: string): string {
  return `stackpilot ${action} plan ${planHash}`;
}

const MESSAGE = /^stackpilot (up|rollback) plan (sha256:[0-9a-f]{64})$/;

/** One history entry, with the action and plan hash read back from the update's message. */
export function toHistoryEntry(u: UpdateSummary): HistoryEntry {
  const m = MESSAGE.exec(u.message ?? '');
  const changes: Record<string, number> = {};
  for (const [k, v] of Object.entries(u.resourceChanges ?? {})) if (v) changes[k] = v;
  return {
    version: u.version,
    kind: u.kind,
    result: u.result,
    startTime: new Date(u.startTime).toISOString(),
    ...(u.endTime ? { endTime: new Date(u.endTime).toISOString() } : {}),
    ...(m ? { action: m[1] as 'up' | 'rollback', planHash: m[2] } : {}),
    changes,
  };
}

/**
 * Gives entries (newest first) their update numbers where the backend does not: the file
 * backend reports version 0 for every update, so the oldest is numbered 1 and each later one
 * the next number, as the service backend numbers them. Entries that carry a version keep it.
 */
export function numberVersions(entries: HistoryEntry[]): HistoryEntry[] {
  if (entries.some((e) => e.version > 0)) return entries;
  return entries.map((e, i) => ({ ...e, version: entries.length - i }));
}

/** Stack outputs, sorted by key, with secret values masked. */
export function maskOutputs(outputs: OutputMap): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(outputs).sort()) {
    const o = outputs[key];
    if (o) out[key] = o.secret ? '[secret]' : o.value;
  }
  return out;
}
