/**
 * Requests that start operations: previews, ups, rollbacks and recoveries, and approval
 * decisions. Each checks what it can synchronously (plan, environment, gate, busy stack),
 * records the operation and hands it to the runner; a refused request is recorded too, as a
 * `rejected` operation, and every outcome is in the audit log.
 */
import { ConflictError, InputError, NotFoundError, StackpilotError } from '../model/errors';
import type { Environment } from '../model/environment';
import type { ApprovalRecord, NewOperation, OperationRecord, PlanRecord } from '../store';
import {
  approvalExpiry,
  checkDecision,
  checkRollbackTarget,
  checkUpBinding,
} from './approval-rules';
import { audit } from './audit-log';
import type { AppDeps } from './deps';
import { toProblem } from './problem';
import type { Principal } from './route';
import { stackKey, type Task } from './runner';
import { previewTask, recoverTask, rollbackTask, upTask } from './tasks';

/** The answer to an accepted operation request. */
export interface Accepted {
  operationId: string;
  kind: OperationRecord['kind'];
  status: OperationRecord['status'];
  position: number;
}

/** Who asks and under which request id, for the records. */
export interface Caller {
  principal: Principal;
  requestId: string;
}

/** A plan by id or hash, or a NotFoundError. */
export function findPlan(deps: AppDeps, ref: string, field = 'planId'): PlanRecord {
  const plan = deps.store.plans.find(ref);
  if (!plan) throw new NotFoundError(`no plan ${ref} (${field})`);
  return plan;
}

/** The environment named in the path. */
async function environment(deps: AppDeps, name: string): Promise<Environment> {
  return deps.pipeline.loadEnvironment(name);
}

function checkPlanEnv(plan: PlanRecord, env: string): void {
  if (plan.environment !== env)
    throw new InputError(`plan ${plan.id} is for environment ${plan.environment}`, [
      {
        field: 'body.planId',
        message: `plan ${plan.id} was made for ${plan.environment}, not ${env}: plan again for ${env}`,
      },
    ]);
}

/** Starts a preview of a stored plan on its environment's stack. */
export async function requestPreview(
  deps: AppDeps,
  caller: Caller,
  envName: string,
  planRef: string,
): Promise<Accepted> {
  const plan = findPlan(deps, planRef);
  checkPlanEnv(plan, envName);
  const env = await environment(deps, envName);
  return admit(
    deps,
    caller,
    {
      kind: 'preview',
      project: plan.app,
      environment: env.name,
      planId: plan.id,
      planHash: plan.hash,
      approvalRequired: env.approval.required,
      approvalTtlMinutes: env.approval.ttlMinutes,
    },
    () => undefined,
    previewTask(deps, plan.plan, env),
  );
}

/** Starts an up of a stored plan, held to an approved preview where the environment says so. */
export async function requestUp(
  deps: AppDeps,
  caller: Caller,
  envName: string,
  planRef: string,
  previewOperationId: string | undefined,
): Promise<Accepted> {
  const plan = findPlan(deps, planRef);
  checkPlanEnv(plan, envName);
  const env = await environment(deps, envName);
  let preview: OperationRecord | undefined;
  if (previewOperationId) {
    preview = deps.store.operations.get(previewOperationId);
    if (!preview)
      throw new NotFoundError(`no operation ${previewOperationId} (previewOperationId)`);
  }
  let spend: ApprovalRecord | undefined;
  return admit(
    deps,
    caller,
    {
      kind: 'up',
      project: plan.app,
      environment: env.name,
      planId: plan.id,
      planHash: plan.hash,
      ...(preview ? { previewOperationId: preview.id } : {}),
      approvalRequired: env.approval.required,
    },
    () => {
      spend = checkUpBinding({
        plan: { hash: plan.hash, app: plan.app },
        environment: env.name,
        approvalRequired: env.approval.required,
        preview,
        approval: preview && deps.store.approvals.forPreview(preview.id),
        lastChangeId: deps.store.operations.lastChange(plan.app, env.name)?.id,
        now: deps.clock.now(),
      });
    },
    upTask(deps, plan.plan, env, preview?.updatePlan),
    (op) => {
      if (!spend) return;
      if (!deps.store.approvals.markUsed(spend.id, op.id))
        throw new ConflictError(`approval ${spend.id} was used already`, 'approval_used');
      deps.store.audit.record({
        who: caller.principal.name,
        action: 'approval.use',
        target: spend.id,
        outcome: `used-by:${op.id}`,
        requestId: caller.requestId,
      });
    },
  );
}

/**
 * Starts a rollback of a stack to an earlier deployed plan (default: the previous one). Only a
 * plan of the stack's own successful history is a rollback: any other target would deploy a
 * plan nobody approved for this stack, so it is refused here (and by the engine itself, which
 * checks again under the stack's lock): with `approval_required` on a gated environment, with
 * `rollback_not_deployed` elsewhere.
 */
export async function requestRollback(
  deps: AppDeps,
  caller: Caller,
  envName: string,
  project: string,
  to: string | undefined,
): Promise<Accepted> {
  const env = await environment(deps, envName);
  // A plan id must be known here; a hash may name a plan only the engine's archive has.
  const known = to ? deps.store.plans.find(to) : undefined;
  if (to && !known && !to.startsWith('sha256:')) throw new NotFoundError(`no plan ${to} (to)`);
  const target = known?.hash ?? to;
  const deployed = target ? await deployedPlans(deps, project, env.name) : [];
  return admit(
    deps,
    caller,
    {
      kind: 'rollback',
      project,
      environment: env.name,
      ...(target ? { planHash: target, params: { to: target } } : {}),
      ...(known ? { planId: known.id } : {}),
      approvalRequired: env.approval.required,
    },
    () => {
      if (target)
        checkRollbackTarget({
          target,
          stack: stackKey(project, env.name),
          deployed,
          approvalRequired: env.approval.required,
        });
    },
    rollbackTask(deps, project, env, target),
  );
}

/** Plan hashes of the stack's successful updates; none when the stack does not exist. */
async function deployedPlans(deps: AppDeps, project: string, env: string): Promise<string[]> {
  try {
    const history = await deps.engine.history(project, env);
    return history.filter((h) => h.result === 'succeeded' && h.planHash).map((h) => h.planHash!);
  } catch (err) {
    if (err instanceof NotFoundError) return [];
    throw err;
  }
}

/** Starts a recovery of a stack: stale locks and pending operations (all locks with `force`). */
export async function requestRecover(
  deps: AppDeps,
  caller: Caller,
  envName: string,
  project: string,
  force: boolean,
): Promise<Accepted> {
  const env = await environment(deps, envName);
  return admit(
    deps,
    caller,
    { kind: 'recover', project, environment: env.name, params: { force } },
    () => undefined,
    recoverTask(deps, project, env.name, force),
  );
}

/**
 * The common path of every operation request: check (`gate`, then the busy policy), record
 * and submit, all synchronously so that no other request can slip in between. A refusal is
 * recorded as a `rejected` operation and rethrown with its operation id.
 */
export function admit(
  deps: AppDeps,
  caller: Caller,
  base: Omit<NewOperation, 'requester'>,
  gate: () => void,
  task: Task,
  withOperation: (op: OperationRecord) => void = () => undefined,
): Accepted {
  const { store, runner, settings } = deps;
  const who = caller.principal.name;
  const stack = stackKey(base.project, base.environment);
  let op: OperationRecord;
  try {
    op = store.transaction(() => {
      gate();
      const load = runner.load(base.project, base.environment);
      if (settings.busy === 'refuse' && load > 0)
        throw new ConflictError(
          `stack ${stack} is busy with ${load} operation(s); try again when it is free`,
          'stack_busy',
        );
      const created = store.operations.create({ ...base, requester: who });
      withOperation(created);
      store.audit.record({
        who,
        action: `operation.${base.kind}`,
        target: `${created.id} ${stack}`,
        outcome: 'accepted',
        requestId: caller.requestId,
      });
      return created;
    });
  } catch (err) {
    throw refuse(deps, caller, base, err);
  }
  const position = runner.submit(op, task);
  return { operationId: op.id, kind: op.kind, status: op.status, position };
}

/** Records a refused operation request, and returns the error to throw (with the operation id). */
function refuse(
  deps: AppDeps,
  caller: Caller,
  base: Omit<NewOperation, 'requester'>,
  err: unknown,
): unknown {
  if (!(err instanceof StackpilotError)) return err;
  const problem = toProblem(err).problem;
  try {
    deps.store.transaction(() => {
      const op = deps.store.operations.create({
        ...base,
        requester: caller.principal.name,
        status: 'rejected',
        error: { ...problem },
      });
      deps.store.audit.record({
        who: caller.principal.name,
        action: `operation.${base.kind}`,
        target: `${op.id} ${stackKey(base.project, base.environment)}`,
        outcome: `refused:${err.code}`,
        requestId: caller.requestId,
        detail: err.message,
      });
      Object.assign(err, { operationId: op.id });
    });
  } catch (recordErr) {
    deps.logger.error({ err: recordErr }, 'could not record a refused operation');
  }
  return err;
}

/** Records an approve or reject decision on a preview. */
export function decide(
  deps: AppDeps,
  caller: Caller,
  input: { previewOperationId: string; decision: 'approve' | 'reject'; comment?: string },
): ApprovalRecord {
  const who = caller.principal.name;
  const action = `approval.${input.decision}`;
  try {
    const approval = deps.store.transaction(() => {
      const preview = deps.store.operations.get(input.previewOperationId);
      if (!preview)
        throw new NotFoundError(`no operation ${input.previewOperationId} (previewOperationId)`);
      checkDecision({
        preview,
        approver: who,
        existing: deps.store.approvals.forPreview(preview.id),
      });
      const now = deps.clock.now();
      const created = deps.store.approvals.create({
        previewOperationId: preview.id,
        planHash: preview.planHash ?? '',
        project: preview.project,
        environment: preview.environment,
        approver: who,
        decision: input.decision,
        ...(input.comment !== undefined ? { comment: input.comment } : {}),
        expiresAt: approvalExpiry(now, preview.approvalTtlMinutes).toISOString(),
      });
      deps.store.audit.record({
        who,
        action,
        target: input.previewOperationId,
        outcome: input.decision === 'approve' ? 'approved' : 'rejected',
        requestId: caller.requestId,
        ...(input.comment ? { detail: input.comment } : {}),
      });
      return created;
    });
    return approval;
  } catch (err) {
    audit(deps, {
      who,
      action,
      target: input.previewOperationId,
      outcome: `refused:${err instanceof StackpilotError ? err.code : 'error'}`,
      requestId: caller.requestId,
    });
    throw err;
  }
}
