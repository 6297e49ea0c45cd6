/** Image builds of stored plans: started as operations, answered 202 at once. */
import { requestBuild } from '../builds';
import { route, type Route } from '../route';
import { BuildBody, OperationAccepted, PlanParams } from '../schemas';

export const buildRoutes: Route[] = [
  route({
    method: 'post',
    path: '/v1/plans/:id/builds',
    access: 'deployer',
    tag: 'plans',
    summary:
      "Build the images the plan builds from source (its analysis's repository, which must not have changed); push: also push and verify them",
    params: PlanParams,
    body: BuildBody,
    responses: { 202: { description: 'operation accepted', schema: OperationAccepted } },
    handle: async ({ params, body, principal, requestId }, deps) => {
      const a = await requestBuild(
        deps,
        { principal: principal ?? { name: 'anonymous', role: 'viewer' }, requestId },
        params.id,
        body.push ?? false,
      );
      return { status: 202, json: a, headers: { Location: `/v1/operations/${a.operationId}` } };
    },
  }),
];
