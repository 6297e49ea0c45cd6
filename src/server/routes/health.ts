/** Liveness, readiness and Prometheus metrics: public, for probes and scrapers. */
import { HealthView, ReadyView } from '../schemas';
import { route, type Route } from '../route';

export const healthRoutes: Route[] = [
  route({
    method: 'get',
    path: '/healthz',
    access: 'public',
    tag: 'health',
    summary: 'Liveness: the process serves requests',
    responses: { 200: { description: 'alive', schema: HealthView } },
    handle: () => ({ status: 200, json: { status: 'ok' } }),
  }),
  route({
    method: 'get',
    path: '/readyz',
    access: 'public',
    tag: 'health',
    summary: 'Readiness: the database answers and the engine toolchain is installed',
    responses: {
      200: { description: 'ready', schema: ReadyView },
      503: { description: 'not ready', schema: ReadyView },
    },
    handle: (_input, deps) => {
      const checks = { database: deps.store.ping(), engine: deps.engineReady() };
      const ready = checks.database && checks.engine;
      return { status: ready ? 200 : 503, json: { status: ready ? 'ready' : 'not-ready', checks } };
    },
  }),
  route({
    method: 'get',
    path: '/metrics',
    access: 'public',
    tag: 'health',
    summary: 'Prometheus metrics: requests by route and status, operations, queue depth',
    produces: ['text/plain'],
    responses: { 200: { description: 'Prometheus text format', contentType: 'text/plain' } },
    handle: async (_input, deps) => ({
      status: 200,
      text: await deps.metrics.registry.metrics(),
      contentType: deps.metrics.registry.contentType,
    }),
  }),
];
