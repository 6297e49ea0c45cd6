/** Plans: made from an analysis or an inline AppModel for an environment; JSON, report, graph, diff. */
import type { AppModel } from '../../model/app';
import { NotFoundError } from '../../model/errors';
import { mermaid, planGraph } from '../../plan/graph-view';
import { findPlan } from '../operations';
import { route, type Route } from '../route';
import { selectSkills } from '../skills';
import { checkUploadedApp } from '../uploads';
import {
  CreatePlanBody,
  DiffQuery,
  GraphQuery,
  GraphView,
  PlanDiffParams,
  PlanParams,
  PlanView,
} from '../schemas';
import { planView } from '../views';

export const planRoutes: Route[] = [
  route({
    method: 'post',
    path: '/v1/plans',
    access: 'deployer',
    tag: 'plans',
    summary:
      "Plan an analyzed (or uploaded) application for an environment, with the server's stack config and the server's own skills of the ids it allows",
    body: CreatePlanBody,
    responses: { 201: { description: 'the plan (equal plans share one id)', schema: PlanView } },
    handle: async ({ body, principal }, deps) => {
      let app: AppModel;
      if (body.analysisId) {
        const analysis = deps.store.analyses.get(body.analysisId);
        if (!analysis) throw new NotFoundError(`no analysis ${body.analysisId} (analysisId)`);
        app = analysis.model;
      } else {
        app = body.app as AppModel;
        // The server's own analysis never holds a secret value; an upload must not either.
        checkUploadedApp(app);
      }
      // Only the server's own skills, of ids it allows; refused before anything is planned.
      const skills = selectSkills(deps.skills, body.skills);
      const env = await deps.pipeline.loadEnvironment(body.environment);
      const plan = await deps.pipeline.plan(
        app,
        env,
        await deps.engine.deployedPlan(app.name, env.name),
        skills,
      );
      const record = deps.store.plans.put(plan, principal?.name ?? 'anonymous', body.analysisId);
      return {
        status: 201,
        json: planView(record),
        headers: { Location: `/v1/plans/${record.id}` },
      };
    },
  }),
  route({
    method: 'get',
    path: '/v1/plans/:id',
    access: 'viewer',
    tag: 'plans',
    summary: 'A plan by id or content hash',
    params: PlanParams,
    responses: { 200: { description: 'the plan', schema: PlanView } },
    handle: ({ params }, deps) => ({
      status: 200,
      json: planView(findPlan(deps, params.id, 'id')),
    }),
  }),
  route({
    method: 'get',
    path: '/v1/plans/:id/report',
    access: 'viewer',
    tag: 'plans',
    summary: 'The plan as a Markdown report with its reasons',
    params: PlanParams,
    produces: ['text/markdown'],
    responses: { 200: { description: 'Markdown', contentType: 'text/markdown' } },
    handle: ({ params }, deps) => ({
      status: 200,
      text: deps.pipeline.report(findPlan(deps, params.id, 'id').plan),
      contentType: 'text/markdown; charset=utf-8',
    }),
  }),
  route({
    method: 'get',
    path: '/v1/plans/:id/graph',
    access: 'viewer',
    tag: 'plans',
    summary: 'The dependency graph: JSON nodes, edges and waves, or Mermaid (?format=mermaid)',
    params: PlanParams,
    query: GraphQuery,
    produces: ['application/json', 'text/vnd.mermaid'],
    responses: {
      200: { description: 'the graph', schema: GraphView },
    },
    handle: ({ params, query }, deps) => {
      const plan = findPlan(deps, params.id, 'id').plan;
      return query.format === 'mermaid'
        ? { status: 200, text: mermaid(plan), contentType: 'text/vnd.mermaid; charset=utf-8' }
        : { status: 200, json: planGraph(plan) };
    },
  }),
  route({
    method: 'get',
    path: '/v1/plans/:a/diff/:b',
    access: 'viewer',
    tag: 'plans',
    summary: 'What changes from plan a to plan b (JSON, or text with ?format=text)',
    params: PlanDiffParams,
    query: DiffQuery,
    produces: ['application/json', 'text/plain'],
    responses: { 200: { description: 'the difference' } },
    handle: ({ params, query }, deps) => {
      const diff = deps.pipeline.diff(
        findPlan(deps, params.a, 'a').plan,
        findPlan(deps, params.b, 'b').plan,
      );
      return query.format === 'text'
        ? {
            status: 200,
            text: deps.pipeline.formatDiff(diff),
            contentType: 'text/plain; charset=utf-8',
          }
        : { status: 200, json: diff };
    },
  }),
];
