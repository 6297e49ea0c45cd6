/**
 * The route table: every route of the server with the role it needs. The app registers these,
 * the OpenAPI document describes these, and the auth-matrix test walks these.
 */
import { openApiDocument } from '../openapi';
import { route, type Route } from '../route';
import { analysisRoutes } from './analyses';
import { approvalRoutes } from './approvals';
import { auditRoutes } from './audit';
import { buildRoutes } from './builds';
import { diagnosisRoutes } from './diagnosis';
import { driftRoutes } from './drift';
import { healthRoutes } from './health';
import { operationRoutes } from './operations';
import { planRoutes } from './plans';
import { stackRoutes } from './stacks';

let document: Record<string, unknown> | undefined;

const openApiRoute = route({
  method: 'get',
  path: '/v1/openapi.json',
  access: 'public',
  tag: 'meta',
  summary: 'This API as an OpenAPI 3.1 document, generated from the request and response schemas',
  responses: { 200: { description: 'OpenAPI document' } },
  handle: () => {
    document ??= openApiDocument(ROUTES);
    return { status: 200, json: document };
  },
});

export const ROUTES: readonly Route[] = [
  ...healthRoutes,
  openApiRoute,
  ...analysisRoutes,
  ...planRoutes,
  ...buildRoutes,
  ...stackRoutes,
  ...driftRoutes,
  ...diagnosisRoutes,
  ...operationRoutes,
  ...approvalRoutes,
  ...auditRoutes,
];
