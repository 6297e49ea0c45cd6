/** Analyses: an AppModel of a repository under the allowed roots. */
import { NotFoundError } from '../../model/errors';
import { requireComponents } from '../../plan';
import { resolveRepositoryPath } from '../paths';
import { route, type Route } from '../route';
import { AnalysisParams, AnalysisView, CreateAnalysisBody } from '../schemas';
import { analysisView } from '../views';

export const analysisRoutes: Route[] = [
  route({
    method: 'post',
    path: '/v1/analyses',
    access: 'deployer',
    tag: 'analyses',
    summary:
      "Analyze the repository at an absolute path on the server's filesystem, inside the allowed roots",
    body: CreateAnalysisBody,
    responses: { 201: { description: 'the analysis', schema: AnalysisView } },
    handle: async ({ body, principal }, deps) => {
      // Resolved once; the analysis reads only below that real path, and only inside the roots.
      const root = await resolveRepositoryPath(body.path, deps.settings.allowedRoots);
      const model = await deps.pipeline.analyze(root, deps.settings.allowedRoots);
      // An analysis that found nothing is an error, never an analysis to plan.
      requireComponents(model, body.path);
      const record = deps.store.analyses.create(body.path, model, principal?.name ?? 'anonymous');
      return {
        status: 201,
        json: analysisView(record),
        headers: { Location: `/v1/analyses/${record.id}` },
      };
    },
  }),
  route({
    method: 'get',
    path: '/v1/analyses/:id',
    access: 'viewer',
    tag: 'analyses',
    summary: 'An analysis and its AppModel',
    params: AnalysisParams,
    responses: { 200: { description: 'the analysis', schema: AnalysisView } },
    handle: ({ params }, deps) => {
      const record = deps.store.analyses.get(params.id);
      if (!record) throw new NotFoundError(`no analysis ${params.id}`);
      return { status: 200, json: analysisView(record) };
    },
  }),
];
