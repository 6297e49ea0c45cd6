/**
 * Stacks (one per project and environment): previews, deployments, rollbacks and recovery
 * start operations and answer 202 at once; history and current state read the engine.
 */
import { ConflictError, NotFoundError } from '../../model/errors';
import {
  requestPreview,
  requestRecover,
  requestRollback,
  requestUp,
  type Accepted,
} from '../operations';
import { route, type Principal, type Reply, type Route } from '../route';
import {
  CurrentView,
  DeploymentBody,
  EnvParams,
  HistoryView,
  OperationAccepted,
  PreviewBody,
  RecoverBody,
  RollbackBody,
  StackQuery,
} from '../schemas';

const accepted = { 202: { description: 'operation accepted', schema: OperationAccepted } };

function reply(a: Accepted): Reply {
  return { status: 202, json: a, headers: { Location: `/v1/operations/${a.operationId}` } };
}

function caller(principal: Principal | undefined, requestId: string) {
  return { principal: principal ?? { name: 'anonymous', role: 'viewer' as const }, requestId };
}

export const stackRoutes: Route[] = [
  route({
    method: 'post',
    path: '/v1/stacks/:env/previews',
    access: 'deployer',
    tag: 'stacks',
    summary: 'Preview a plan on the stack; returns the operation id at once',
    params: EnvParams,
    body: PreviewBody,
    responses: accepted,
    handle: async ({ params, body, principal, requestId }, deps) =>
      reply(await requestPreview(deps, caller(principal, requestId), params.env, body.planId)),
  }),
  route({
    method: 'post',
    path: '/v1/stacks/:env/deployments',
    access: 'deployer',
    tag: 'stacks',
    summary:
      'Deploy (up) a plan; protected environments need an approved preview of the same plan, held to its update plan',
    params: EnvParams,
    body: DeploymentBody,
    responses: accepted,
    handle: async ({ params, body, principal, requestId }, deps) =>
      reply(
        await requestUp(
          deps,
          caller(principal, requestId),
          params.env,
          body.planId,
          body.previewOperationId,
        ),
      ),
  }),
  route({
    method: 'post',
    path: '/v1/stacks/:env/rollbacks',
    access: 'deployer',
    tag: 'stacks',
    summary: 'Roll the stack back to an earlier deployed plan (default: the previous one)',
    params: EnvParams,
    body: RollbackBody,
    responses: accepted,
    handle: async ({ params, body, principal, requestId }, deps) =>
      reply(
        await requestRollback(
          deps,
          caller(principal, requestId),
          params.env,
          body.project,
          body.to,
        ),
      ),
  }),
  route({
    method: 'post',
    path: '/v1/stacks/:env/recover',
    access: 'admin',
    tag: 'stacks',
    summary:
      'Clear stale locks and pending operations a crashed update left (all locks with force)',
    params: EnvParams,
    body: RecoverBody,
    responses: accepted,
    handle: async ({ params, body, principal, requestId }, deps) =>
      reply(
        await requestRecover(
          deps,
          caller(principal, requestId),
          params.env,
          body.project,
          body.force ?? false,
        ),
      ),
  }),
  route({
    method: 'get',
    path: '/v1/stacks/:env/history',
    access: 'viewer',
    tag: 'stacks',
    summary: "The stack's updates, newest first",
    params: EnvParams,
    query: StackQuery,
    responses: { 200: { description: 'history', schema: HistoryView } },
    handle: async ({ params, query }, deps) => ({
      status: 200,
      json: {
        project: query.project,
        environment: params.env,
        history: await deps.engine.history(query.project, params.env),
      },
    }),
  }),
  route({
    method: 'get',
    path: '/v1/stacks/:env/current',
    access: 'viewer',
    tag: 'stacks',
    summary:
      'What is deployed now: plan hash and id, version, outputs, locks, pending operations; 404 for a stack that does not exist, as history',
    params: EnvParams,
    query: StackQuery,
    responses: { 200: { description: 'current state', schema: CurrentView } },
    handle: async ({ params, query }, deps) => {
      const { project } = query;
      const health = await deps.engine.inspect(project, params.env);
      // One answer for a stack that does not exist, on every stack read: 404, as history gives.
      if (!health.exists)
        throw new NotFoundError(
          `stack ${project}/${params.env} does not exist yet: run a preview or up first`,
        );
      // A state a killed update left unreadable: say so, and what repairs it (not an engine 5xx).
      if (health.damaged)
        throw new ConflictError(
          `stack ${project}/${params.env}: ${health.damaged}`,
          'state_damaged',
        );
      const last = deps.store.operations.list({ project, environment: params.env, limit: 1 })[0];
      const outputs = await deps.engine.outputs(project, params.env);
      const version = (await deps.engine.history(project, params.env)).find(
        (h) => h.result === 'succeeded',
      )?.version;
      const plan = health.deployedPlanHash
        ? deps.store.plans.byHash(health.deployedPlanHash)
        : undefined;
      return {
        status: 200,
        json: {
          project,
          environment: params.env,
          exists: health.exists,
          ...(health.deployedPlanHash ? { deployedPlanHash: health.deployedPlanHash } : {}),
          ...(plan ? { planId: plan.id } : {}),
          ...(version !== undefined ? { version } : {}),
          outputs,
          locks: health.locks,
          pendingOperations: health.pendingOperations,
          ...(last ? { lastOperationId: last.id } : {}),
        },
      };
    },
  }),
];
