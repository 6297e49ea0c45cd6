/**
 * The role every route of the HTTP server needs, written out here rather than read from the
 * route table the server enforces (so that lowering a route's role in src fails the tests that
 * use it: test/unit/server/app.test.ts and test/integration/server/auth-matrix.test.ts), and
 * reviewed against the README's route table ("HTTP API and the CI gate"). A route the server
 * has and this table lacks, or the other way round, fails those tests too.
 */
import type { Role } from '../../src/store';

/** The role ladder, lowest first. */
export const LADDER: readonly Role[] = ['viewer', 'deployer', 'approver', 'admin'];

/** `METHOD /path` → the least role that may call it, or `public`. */
export const EXPECTED_ACCESS: Record<string, Role | 'public'> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /metrics': 'public',
  'GET /v1/openapi.json': 'public',
  'POST /v1/analyses': 'deployer',
  'GET /v1/analyses/:id': 'viewer',
  'POST /v1/plans': 'deployer',
  'GET /v1/plans/:id': 'viewer',
  'GET /v1/plans/:id/report': 'viewer',
  'GET /v1/plans/:id/graph': 'viewer',
  'GET /v1/plans/:a/diff/:b': 'viewer',
  'POST /v1/plans/:id/builds': 'deployer',
  'POST /v1/stacks/:env/previews': 'deployer',
  'POST /v1/stacks/:env/deployments': 'deployer',
  'POST /v1/stacks/:env/rollbacks': 'deployer',
  'POST /v1/stacks/:env/recover': 'admin',
  'GET /v1/stacks/:env/history': 'viewer',
  'GET /v1/stacks/:env/current': 'viewer',
  'GET /v1/stacks/:env/drift': 'deployer',
  'GET /v1/stacks/:env/diagnosis': 'viewer',
  'GET /v1/operations/:id': 'viewer',
  'GET /v1/operations/:id/events': 'viewer',
  'POST /v1/approvals': 'approver',
  'GET /v1/approvals': 'viewer',
  'GET /v1/audit': 'admin',
};
