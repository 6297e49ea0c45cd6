import { strict as assert } from 'node:assert';
import { StackpilotError } from '../../../src/model/errors';
import {
  approvalExpiry,
  checkDecision,
  checkRollbackTarget,
  checkUpBinding,
  type UpBinding,
} from '../../../src/server/approval-rules';
import type { ApprovalRecord, OperationRecord } from '../../../src/store';

const HASH = `sha256:${'a'.repeat(64)}`;
const OTHER = `sha256:${'b'.repeat(64)}`;
const NOW = new Date('2030-01-01T00:30:00Z');

const preview: OperationRecord = {
  id: 'op_preview',
  kind: 'preview',
  project: 'shop',
  environment: 'prod',
  planHash: HASH,
  requester: 'dev',
  status: 'succeeded',
  approvalRequired: true,
  approvalTtlMinutes: 60,
  baseOperationId: 'op_last',
  updatePlan: '/state/update-plans/a.json',
  params: {},
  createdAt: '2030-01-01T00:00:00.000Z',
};
const approval: ApprovalRecord = {
  id: 'ap_1',
  previewOperationId: 'op_preview',
  planHash: HASH,
  project: 'shop',
  environment: 'prod',
  approver: 'boss',
  decision: 'approve',
  createdAt: '2030-01-01T00:10:00.000Z',
  expiresAt: '2030-01-01T01:10:00.000Z',
};
const ok: UpBinding = {
  plan: { hash: HASH, app: 'shop' },
  environment: 'prod',
  approvalRequired: true,
  preview,
  approval,
  lastChangeId: 'op_last',
  now: NOW,
};

/** The code of the error `fn` throws, or `ok`. */
function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return err instanceof StackpilotError ? err.code : String(err);
  }
}

describe('server: approval rules', () => {
  it('lets an up through only with an unexpired, unused approval by another person of the same plan on an unchanged stack', () => {
    const cases: [string, Partial<UpBinding>][] = [
      ['ok', {}],
      ['approval_required', { preview: undefined, approval: undefined }],
      ['approval_required', { approval: undefined }],
      ['plan_changed', { plan: { hash: OTHER, app: 'shop' } }],
      ['preview_other_stack', { environment: 'staging' }],
      ['preview_not_succeeded', { preview: { ...preview, status: 'failed' } }],
      ['preview_rejected', { approval: { ...approval, decision: 'reject' } }],
      ['self_approval', { approval: { ...approval, approver: 'dev' } }],
      ['approval_used', { approval: { ...approval, usedByOperation: 'op_other' } }],
      ['approval_expired', { now: new Date('2030-01-01T01:10:00Z') }],
      ['ok', { now: new Date('2030-01-01T01:09:59Z') }],
      ['stack_changed', { lastChangeId: 'op_newer' }],
      ['preview_not_bindable', { preview: { ...preview, updatePlan: undefined } }],
      ['invalid_input', { preview: { ...preview, kind: 'up' } }],
    ];
    assert.deepEqual(
      cases.map(([, change]) => outcome(() => checkUpBinding({ ...ok, ...change }))),
      cases.map(([code]) => code),
    );
  });

  it('returns the approval to spend in a gated environment, none elsewhere', () => {
    assert.equal(checkUpBinding(ok)?.id, 'ap_1');
    const open = {
      ...ok,
      approvalRequired: false,
      preview: { ...preview, approvalRequired: false },
    };
    assert.equal(checkUpBinding({ ...open, approval: undefined }), undefined);
    assert.equal(checkUpBinding({ ...open, preview: undefined, approval: undefined }), undefined);
    // Even where no approval is needed, a rejected preview is never deployed.
    assert.equal(
      outcome(() => checkUpBinding({ ...open, approval: { ...approval, decision: 'reject' } })),
      'preview_rejected',
    );
  });

  it('refuses a decision by the preview’s requester, on an unfinished preview, or a second one', () => {
    assert.deepEqual(
      [
        outcome(() => checkDecision({ preview, approver: 'boss', existing: undefined })),
        outcome(() => checkDecision({ preview, approver: 'dev', existing: undefined })),
        outcome(() =>
          checkDecision({
            preview: { ...preview, status: 'running' },
            approver: 'boss',
            existing: undefined,
          }),
        ),
        outcome(() => checkDecision({ preview, approver: 'boss', existing: approval })),
      ],
      ['ok', 'self_approval', 'preview_not_succeeded', 'already_decided'],
    );
  });

  it('expires an approval ttl minutes after the decision (default 60)', () => {
    const at = new Date('2030-01-01T00:00:00Z');
    assert.deepEqual(
      [approvalExpiry(at, 5).toISOString(), approvalExpiry(at).toISOString()],
      ['2030-01-01T00:05:00.000Z', '2030-01-01T01:00:00.000Z'],
    );
  });

  it('lets a rollback return only to a plan of the stack history; anything else needs an approval', () => {
    const check = (target: string, approvalRequired: boolean) =>
      outcome(() =>
        checkRollbackTarget({
          target,
          stack: 'shop/prod',
          deployed: [OTHER, HASH],
          approvalRequired,
        }),
      );
    assert.deepEqual(
      [
        check(HASH, true),
        check(OTHER, true),
        check(`sha256:${'c'.repeat(64)}`, true),
        check(`sha256:${'c'.repeat(64)}`, false),
      ],
      ['ok', 'ok', 'approval_required', 'rollback_not_deployed'],
    );
  });
});
