/**
 * Drift of a cluster stack: a refresh preview, answered synchronously with the resources
 * changed out of band and their fields. Changes nothing; a deployment corrects it.
 */
import { DriftResultSchema } from '../../model/operations';
import { route, type Route } from '../route';
import { EnvParams, StackQuery } from '../schemas';

export const driftRoutes: Route[] = [
  route({
    method: 'get',
    path: '/v1/stacks/:env/drift',
    access: 'deployer',
    tag: 'stacks',
    summary: 'What changed on the cluster behind the stack (a refresh preview; changes nothing)',
    params: EnvParams,
    query: StackQuery,
    responses: { 200: { description: 'drift, field by field', schema: DriftResultSchema } },
    handle: async ({ params, query }, deps) => ({
      status: 200,
      json: await deps.engine.drift(query.project, await deps.pipeline.loadEnvironment(params.env)),
    }),
  }),
];
