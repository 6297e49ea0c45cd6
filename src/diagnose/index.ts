/**
 * `stackpilot diagnose`: why a stack's objects are not doing their job. A pure function of a
 * plan and a {@link DiagnosisSnapshot}: each failure class's detector reads the snapshot, ties
 * what it finds to the plan node, component and decision behind it, and proposes the fix the
 * plan can make (a stack-config override or a command), never one that loosens security.
 */
import type { Diagnosis, Finding } from '../model/diagnosis';
import { DETECTORS } from './classes';
import { contextOf, type DiagnoseContext, type DiagnoseInput } from './context';

export type { DiagnoseInput } from './context';
export { explainUnready, type UnreadyFinding } from './unready';
export { hasPlaceholder } from './fixes';

/** Findings by object, then class, then cause and evidence (so equal inputs sort one way). */
function order(a: Finding, b: Finding): number {
  return (
    a.object.localeCompare(b.object) ||
    a.class.localeCompare(b.class) ||
    a.cause.localeCompare(b.cause) ||
    a.evidence.join('\n').localeCompare(b.evidence.join('\n'))
  );
}

/** What the detectors could not check because the snapshot lacks it (one recorded before it existed). */
function ownNotes(ctx: DiagnoseContext): string[] {
  const notes: string[] = [];
  if (ctx.snap.ingresses.length && !ctx.snap.ingressClasses)
    notes.push("IngressClasses: not in the snapshot, so the Ingresses' classes were not checked");
  const live = ctx.snap.pods.filter((p) => !p.deleting);
  if (live.length && !live.some((p) => p.specs))
    notes.push('pod specs: not in the snapshot, so probes and env references were not checked');
  return notes;
}

/**
 * Diagnoses one stack: every finding of every failure class, sorted by object then class;
 * `notes` are the snapshot's unreadable lines and what could not be checked without them, sorted.
 * Deterministic: the same plan and snapshot, in any list order, give a deep-equal diagnosis.
 */
export function diagnose(input: DiagnoseInput): Diagnosis {
  const ctx = contextOf(input);
  const findings = DETECTORS.flatMap((d) => d.detect(ctx)).sort(order);
  const notes = [...new Set([...ctx.snap.unreadable, ...ownNotes(ctx)])].sort();
  return {
    project: input.project,
    environment: input.environment,
    namespace: ctx.namespace,
    planHash: input.plan.hash,
    healthy: findings.length === 0,
    findings,
    notes,
  };
}
