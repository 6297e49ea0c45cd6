/**
 * The diagnosis of a cluster stack: its objects compared with the plan of its latest update,
 * each finding with evidence, cause, plan decision and fix, secret values masked. Answered
 * synchronously; changes nothing (the fix is applied by editing the stack file and deploying).
 */
import { DiagnosisSchema } from '../../model/diagnosis';
import { route, type Route } from '../route';
import { EnvParams, StackQuery } from '../schemas';

export const diagnosisRoutes: Route[] = [
  route({
    method: 'get',
    path: '/v1/stacks/:env/diagnosis',
    access: 'viewer',
    tag: 'stacks',
    summary:
      "Why the stack's objects on the cluster are not doing their job, against the plan of its latest update: findings with evidence, cause, plan decision and fix (cluster targets only; changes nothing)",
    params: EnvParams,
    query: StackQuery,
    responses: { 200: { description: 'the diagnosis', schema: DiagnosisSchema } },
    handle: async ({ params, query }, deps) => {
      const env = await deps.pipeline.loadEnvironment(params.env);
      // Parsed on the way out, so that the answer is exactly the documented schema.
      const diagnosis = DiagnosisSchema.parse(await deps.engine.diagnose(query.project, env));
      return { status: 200, json: diagnosis };
    },
  }),
];
