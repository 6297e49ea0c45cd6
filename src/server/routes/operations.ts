/** Operations: status and result, and their engine events as JSON or a live SSE stream. */
import { NotFoundError } from '../../model/errors';
import { route, type Route } from '../route';
import { EventsHeaders, EventsQuery, EventsView, OperationParams, OperationView } from '../schemas';
import { streamOperation } from '../sse';
import { operationView } from '../views';

export const operationRoutes: Route[] = [
  route({
    method: 'get',
    path: '/v1/operations/:id',
    access: 'viewer',
    tag: 'operations',
    summary: 'Status and result of an operation (and, for a preview, its approval state)',
    params: OperationParams,
    responses: { 200: { description: 'the operation', schema: OperationView } },
    handle: ({ params }, deps) => {
      const op = deps.store.operations.get(params.id);
      if (!op) throw new NotFoundError(`no operation ${params.id}`);
      const decision = op.kind === 'preview' ? deps.store.approvals.forPreview(op.id) : undefined;
      return { status: 200, json: operationView(op, decision, deps.clock.now()) };
    },
  }),
  route({
    method: 'get',
    path: '/v1/operations/:id/events',
    access: 'viewer',
    tag: 'operations',
    summary:
      'Engine events of an operation: JSON, or with Accept: text/event-stream a live SSE stream (id = sequence number; resumable with Last-Event-ID; ends with an `end` event)',
    params: OperationParams,
    query: EventsQuery,
    headers: EventsHeaders,
    produces: ['application/json', 'text/event-stream'],
    responses: {
      200: { description: 'the events (JSON) or an event stream', schema: EventsView },
    },
    handle: ({ params, query, headers, accepts }, deps, res) => {
      const op = deps.store.operations.get(params.id);
      if (!op) throw new NotFoundError(`no operation ${params.id}`);
      const after = Number(headers['last-event-id'] ?? query.after ?? 0);
      if (accepts === 'text/event-stream') {
        streamOperation(deps, res, op.id, after);
        return { streamed: true };
      }
      return {
        status: 200,
        json: {
          operationId: op.id,
          status: op.status,
          events: deps.store.events.list(op.id, after),
        },
      };
    },
  }),
];
