/** The audit log, for admins. */
import { route, type Route } from '../route';
import { AuditQuery, AuditView } from '../schemas';

export const auditRoutes: Route[] = [
  route({
    method: 'get',
    path: '/v1/audit',
    access: 'admin',
    tag: 'audit',
    summary: 'Audit entries, newest first (limit default 100; before=<id> pages back)',
    query: AuditQuery,
    responses: { 200: { description: 'entries', schema: AuditView } },
    handle: ({ query }, deps) => ({
      status: 200,
      json: {
        entries: deps.store.audit.list({
          limit: Math.min(Number(query.limit ?? 100), 1000),
          ...(query.before !== undefined ? { before: Number(query.before) } : {}),
        }),
      },
    }),
  }),
];
