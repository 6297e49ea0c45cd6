/**
 * The approval gate, as pure rules over stored records. A protected environment accepts an up
 * only with an approval of a preview of the same plan hash on the same stack, unexpired,
 * unused, given by someone other than the preview's requester, on a stack that has not
 * changed since that preview. Each refusal has its own code and says why.
 */
import { ConflictError, ForbiddenError, InputError } from '../model/errors';
import type { ApprovalRecord, OperationRecord } from '../store';

/** Minutes an approval stays valid when the environment does not say. */
export const DEFAULT_APPROVAL_TTL_MINUTES = 60;

/** When an approval given at `decidedAt` for a preview with `ttlMinutes` expires. */
export function approvalExpiry(decidedAt: Date, ttlMinutes = DEFAULT_APPROVAL_TTL_MINUTES): Date {
  return new Date(decidedAt.getTime() + ttlMinutes * 60_000);
}

/** Throws unless `approver` may record a decision on `preview`. */
export function checkDecision(input: {
  preview: OperationRecord;
  approver: string;
  existing: ApprovalRecord | undefined;
}): void {
  const { preview, approver, existing } = input;
  if (preview.kind !== 'preview')
    throw new InputError('not a preview', [
      {
        field: 'body.previewOperationId',
        message: `${preview.id} is a ${preview.kind} operation, not a preview`,
      },
    ]);
  if (preview.status !== 'succeeded')
    throw new ConflictError(
      `preview ${preview.id} is ${preview.status}: only a succeeded preview can be approved or rejected`,
      'preview_not_succeeded',
    );
  if (approver === preview.requester)
    throw new ForbiddenError(
      `${approver} requested preview ${preview.id} and cannot decide on it: another approver must`,
      'self_approval',
    );
  if (existing)
    throw new ConflictError(
      `preview ${preview.id} was ${existing.decision === 'approve' ? 'approved' : 'rejected'} already by ${existing.approver}`,
      'already_decided',
    );
}

/** What an up is checked against. */
export interface UpBinding {
  /** The plan to deploy and the stack it is requested on. */
  plan: { hash: string; app: string };
  environment: string;
  /** Whether the environment requires an approval now. */
  approvalRequired: boolean;
  /** The preview named by the request, if any. */
  preview: OperationRecord | undefined;
  /** The decision on that preview, if any. */
  approval: ApprovalRecord | undefined;
  /** The newest up or rollback that ran on the stack. */
  lastChangeId: string | undefined;
  now: Date;
}

/** Throws unless the up may go ahead. Returns the approval to spend, if one is needed. */
export function checkUpBinding(b: UpBinding): ApprovalRecord | undefined {
  const stack = `${b.plan.app}/${b.environment}`;
  const { preview, approval } = b;
  if (!preview) {
    if (b.approvalRequired)
      throw new ForbiddenError(
        `${b.environment} requires an approved preview: pass previewOperationId of a preview of this plan approved by another person`,
        'approval_required',
      );
    return undefined;
  }
  if (preview.kind !== 'preview')
    throw new InputError('not a preview', [
      {
        field: 'body.previewOperationId',
        message: `${preview.id} is a ${preview.kind} operation, not a preview`,
      },
    ]);
  if (preview.project !== b.plan.app || preview.environment !== b.environment)
    throw new ConflictError(
      `preview ${preview.id} is of stack ${preview.project}/${preview.environment}, not ${stack}`,
      'preview_other_stack',
    );
  if (preview.status !== 'succeeded')
    throw new ConflictError(
      `preview ${preview.id} is ${preview.status}; only a succeeded preview can be deployed`,
      'preview_not_succeeded',
    );
  if (preview.planHash !== b.plan.hash)
    throw new ConflictError(
      `the plan changed since preview ${preview.id}: it previewed ${preview.planHash ?? '(no plan)'}, this is ${b.plan.hash}; preview this plan and get it approved`,
      'plan_changed',
    );
  if (approval?.decision === 'reject')
    throw new ConflictError(
      `preview ${preview.id} was rejected by ${approval.approver}; a rejected preview can never be deployed`,
      'preview_rejected',
    );
  const required = b.approvalRequired || preview.approvalRequired;
  if (required) {
    if (!approval)
      throw new ForbiddenError(
        `preview ${preview.id} has not been approved yet; ${b.environment} requires an approval`,
        'approval_required',
      );
    if (approval.approver === preview.requester)
      throw new ForbiddenError(
        `preview ${preview.id} was approved by its own requester ${approval.approver}`,
        'self_approval',
      );
    if (approval.planHash !== b.plan.hash)
      throw new ConflictError(
        `approval ${approval.id} is for plan ${approval.planHash}, not ${b.plan.hash}`,
        'plan_changed',
      );
    if (approval.usedByOperation)
      throw new ConflictError(
        `approval ${approval.id} was used already by operation ${approval.usedByOperation}; preview again and get a new approval`,
        'approval_used',
      );
    if (b.now.getTime() >= new Date(approval.expiresAt).getTime())
      throw new ConflictError(
        `approval ${approval.id} expired at ${approval.expiresAt}; preview again and get a new approval`,
        'approval_expired',
      );
  }
  if (required && !preview.updatePlan)
    throw new ConflictError(
      `preview ${preview.id} saved no update plan to hold the up to; preview again`,
      'preview_not_bindable',
    );
  if (preview.baseOperationId !== b.lastChangeId)
    throw new ConflictError(
      `stack ${stack} changed since preview ${preview.id} (by operation ${b.lastChangeId ?? '(none)'}); preview again`,
      'stack_changed',
    );
  return required ? approval : undefined;
}

/** What a rollback to a named plan is checked against. */
export interface RollbackTarget {
  /** The plan hash to return to. */
  target: string;
  /** `<project>/<environment>`, for the messages. */
  stack: string;
  /** Plan hashes of the stack's successful updates. */
  deployed: readonly string[];
  /** Whether the environment requires an approval. */
  approvalRequired: boolean;
}

/**
 * Throws unless the rollback returns the stack to a plan it deployed before: a rollback needs
 * no approval only because what it restores was deployed (and, where required, approved)
 * already. Any other plan is a new deployment: approval_required on a gated environment,
 * rollback_not_deployed elsewhere.
 */
export function checkRollbackTarget(r: RollbackTarget): void {
  if (r.deployed.includes(r.target)) return;
  if (r.approvalRequired)
    throw new ForbiddenError(
      `plan ${r.target} was never deployed on ${r.stack}, so a rollback cannot restore it: deploy it with an approved preview (POST /v1/stacks/:env/deployments)`,
      'approval_required',
    );
  throw new ConflictError(
    `plan ${r.target} was never deployed on ${r.stack}: a rollback returns only to a plan of the stack's history; deploy it instead`,
    'rollback_not_deployed',
  );
}
