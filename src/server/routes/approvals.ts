/** Approvals: approve or reject a preview; list pending previews and decisions. */
import { decide } from '../operations';
import { route, type Route } from '../route';
import { ApprovalBody, ApprovalsList, ApprovalsQuery, ApprovalView } from '../schemas';
import { approvalState, approvalView } from '../views';

export const approvalRoutes: Route[] = [
  route({
    method: 'post',
    path: '/v1/approvals',
    access: 'approver',
    tag: 'approvals',
    summary: "Approve or reject a succeeded preview (not one's own)",
    body: ApprovalBody,
    responses: { 201: { description: 'the decision', schema: ApprovalView } },
    handle: ({ body, principal, requestId }, deps) => ({
      status: 201,
      json: approvalView(
        decide(
          deps,
          { principal: principal ?? { name: 'anonymous', role: 'viewer' }, requestId },
          body,
        ),
      ),
    }),
  }),
  route({
    method: 'get',
    path: '/v1/approvals',
    access: 'viewer',
    tag: 'approvals',
    summary: 'Previews waiting for a decision (status=pending, the default), or decisions',
    query: ApprovalsQuery,
    responses: { 200: { description: 'previews and decisions', schema: ApprovalsList } },
    handle: ({ query }, deps) => {
      const status = query.status ?? 'pending';
      const now = deps.clock.now();
      const previewIds =
        status === 'pending'
          ? deps.store.approvals.pendingPreviewIds()
          : deps.store.approvals
              .list(
                status === 'approved' ? 'approve' : status === 'rejected' ? 'reject' : undefined,
              )
              .map((a) => a.previewOperationId);
      const items = previewIds.flatMap((id) => {
        const preview = deps.store.operations.get(id);
        if (!preview) return [];
        const decision = deps.store.approvals.forPreview(id);
        const state = approvalState(preview, decision, now);
        return [
          {
            previewOperationId: id,
            project: preview.project,
            environment: preview.environment,
            ...(preview.planHash ? { planHash: preview.planHash } : {}),
            requester: preview.requester,
            state: state.state,
            ...(state.decision ? { decision: state.decision } : {}),
          },
        ];
      });
      return { status: 200, json: { items } };
    },
  }),
];
