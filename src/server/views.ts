/** The API's view of stored records: what clients see (never server paths such as update plans). */
import type { z } from 'zod';
import type { AnalysisRecord, ApprovalRecord, OperationRecord, PlanRecord } from '../store';
import type {
  AnalysisView,
  ApprovalStateSchema,
  ApprovalView,
  OperationView,
  PlanView,
} from './schemas';

type ApprovalState = z.infer<typeof ApprovalStateSchema>;

export function approvalView(a: ApprovalRecord): z.infer<typeof ApprovalView> {
  return {
    id: a.id,
    previewOperationId: a.previewOperationId,
    planHash: a.planHash,
    project: a.project,
    environment: a.environment,
    approver: a.approver,
    decision: a.decision,
    ...(a.comment !== undefined ? { comment: a.comment } : {}),
    createdAt: a.createdAt,
    expiresAt: a.expiresAt,
    ...(a.usedByOperation ? { usedByOperation: a.usedByOperation } : {}),
    ...(a.usedAt ? { usedAt: a.usedAt } : {}),
  };
}

/** Where a preview stands with its approval at `now`. */
export function approvalState(
  preview: OperationRecord,
  decision: ApprovalRecord | undefined,
  now: Date,
): ApprovalState {
  const state: ApprovalState['state'] = !decision
    ? preview.approvalRequired
      ? 'pending'
      : 'not-required'
    : decision.decision === 'reject'
      ? 'rejected'
      : decision.usedByOperation
        ? 'used'
        : now.getTime() >= new Date(decision.expiresAt).getTime()
          ? 'expired'
          : 'approved';
  return {
    required: preview.approvalRequired,
    state,
    ...(decision ? { decision: approvalView(decision) } : {}),
  };
}

export function operationView(
  op: OperationRecord,
  decision: ApprovalRecord | undefined,
  now: Date,
): z.infer<typeof OperationView> {
  return {
    id: op.id,
    kind: op.kind,
    project: op.project,
    environment: op.environment,
    ...(op.planId ? { planId: op.planId } : {}),
    ...(op.planHash ? { planHash: op.planHash } : {}),
    ...(op.previewOperationId ? { previewOperationId: op.previewOperationId } : {}),
    requester: op.requester,
    status: op.status,
    params: op.params,
    ...(op.result !== undefined ? { result: op.result } : {}),
    ...(op.error ? { error: op.error as z.infer<typeof OperationView>['error'] } : {}),
    createdAt: op.createdAt,
    ...(op.startedAt ? { startedAt: op.startedAt } : {}),
    ...(op.finishedAt ? { finishedAt: op.finishedAt } : {}),
    ...(op.kind === 'preview' ? { approval: approvalState(op, decision, now) } : {}),
  };
}

export function planView(p: PlanRecord): z.infer<typeof PlanView> {
  return {
    id: p.id,
    hash: p.hash,
    app: p.app,
    environment: p.environment,
    ...(p.analysisId ? { analysisId: p.analysisId } : {}),
    requester: p.requester,
    createdAt: p.createdAt,
    plan: p.plan,
  };
}

export function analysisView(a: AnalysisRecord): z.infer<typeof AnalysisView> {
  return { ...a };
}
