/**
 * `stackpilot diagnose`: why a stack's objects are not doing their job. A pure function of a
 * plan and a {@link DiagnosisSnapshot}: each failure class's detector reads the snapshot, ties
 * what it finds to the plan node, component and decision behind it, and proposes the fix the
 * plan can make (a stack-config override or a command), never one that loosens security.
 */
import type { Diagnosis, Finding } from '../model/diagnosis';
import { DETECTORS } from './classes';
import { contextOf, type DiagnoseInput } from './context';

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

/**
 * Diagnoses one stack: every finding of every failure class, sorted by object then class;
 * `notes` are the snapshot's unreadable kinds (and what a detector could not check), sorted.
 * Deterministic: the same plan and snapshot, in any list order, give a deep-equal diagnosis.
 */
export function diagnose(input: DiagnoseInput): Diagnosis {
  const ctx = contextOf(input);
  const findings = DETECTORS.flatMap((d) => d.detect(ctx)).sort(order);
  const notes = [...new Set(ctx.snap.unreadable)].sort();
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
