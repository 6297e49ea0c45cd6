/**
 * Request and response schemas of the HTTP API. Requests are strict (unknown keys are a 400);
 * the OpenAPI document is generated from these same schemas.
 */
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { AppModelSchema, BoundedAppModelSchema } from '../model/app';
import { HistoryEntrySchema, OperationEventSchema, StackLockSchema } from '../model/operations';
import { RELATIVE_PATH_MESSAGE } from './paths';
import { DeploymentPlanSchema } from '../model/plan';
import { DecisionSchema, idPattern, OperationKindSchema, OperationStatusSchema } from '../store';

// ---- identifiers ------------------------------------------------------------------------

export const EnvNameSchema = z
  .string()
  .regex(/^[a-z][-a-z0-9]{0,62}$/, 'an environment name: lowercase letters, digits and dashes');
export const ProjectSchema = z
  .string()
  .regex(/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/, 'a project (app) name: lowercase, digits, dashes');
export const PlanHashSchema = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'a plan hash sha256:<hex>');
export const PlanRefSchema = z
  .string()
  .regex(
    new RegExp(`${idPattern('plan').source}|^sha256:[0-9a-f]{64}$`),
    'a plan id (pl_…) or plan hash (sha256:…)',
  );
export const OperationIdSchema = z.string().regex(idPattern('operation'), 'an operation id (op_…)');
export const AnalysisIdSchema = z.string().regex(idPattern('analysis'), 'an analysis id (an_…)');

// ---- path parameters --------------------------------------------------------------------

export const EnvParams = z.strictObject({ env: EnvNameSchema });
export const IdParams = z.strictObject({ id: z.string() });
export const PlanParams = z.strictObject({ id: PlanRefSchema });
export const PlanDiffParams = z.strictObject({ a: PlanRefSchema, b: PlanRefSchema });
export const OperationParams = z.strictObject({ id: OperationIdSchema });
export const AnalysisParams = z.strictObject({ id: AnalysisIdSchema });

// ---- request bodies ---------------------------------------------------------------------

export const CreateAnalysisBody = z.strictObject({
  /**
   * Repository directory on the server's own filesystem, inside an allowed root. Absolute: a
   * relative path is refused before anything is resolved, since the client's working directory
   * means nothing here (a CI runner sends its analysis to POST /v1/plans instead).
   */
  path: z.string().min(1).max(4096).refine(isAbsolute, { message: RELATIVE_PATH_MESSAGE }),
});

/** A user skill id (external skills are lowercase with dashes; a module may use `_` and `.`). */
export const SkillIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/,
    'a skill id: letters, digits, dots, dashes, underscores',
  );

export const CreatePlanBody = z
  .strictObject({
    environment: EnvNameSchema,
    analysisId: AnalysisIdSchema.optional(),
    /**
     * An AppModel given inline instead of an analysis (a CI runner's own analysis), within the
     * model's size bounds and carrying no secret value.
     */
    app: BoundedAppModelSchema.optional(),
    /**
     * Ids of the user skills the repository's skills file declares. The server runs its own
     * skills of those ids, and only those it allows (`--allow-repo-skills`); default none.
     */
    skills: z.array(SkillIdSchema).max(50).optional(),
  })
  .refine((b) => (b.analysisId === undefined) !== (b.app === undefined), {
    message: 'give exactly one of analysisId and app',
    path: ['analysisId'],
  });

export const PreviewBody = z.strictObject({ planId: PlanRefSchema });

/** Build the plan's images; with `push`, push each and verify it in its registry. */
export const BuildBody = z.strictObject({ push: z.boolean().optional() });

export const DeploymentBody = z.strictObject({
  planId: PlanRefSchema,
  /** The approved preview this up is held to; required where the environment needs approval. */
  previewOperationId: OperationIdSchema.optional(),
});

export const RollbackBody = z.strictObject({
  project: ProjectSchema,
  /** Plan hash or id to restore. Default: the plan deployed before the current one. */
  to: PlanRefSchema.optional(),
});

export const RecoverBody = z.strictObject({
  project: ProjectSchema,
  /** Also clear locks whose holder may still be alive. Default false. */
  force: z.boolean().optional(),
});

export const ApprovalBody = z.strictObject({
  previewOperationId: OperationIdSchema,
  decision: DecisionSchema,
  comment: z.string().max(2000).optional(),
});

// ---- queries ----------------------------------------------------------------------------

export const NoQuery = z.strictObject({});
export const StackQuery = z.strictObject({ project: ProjectSchema });
export const GraphQuery = z.strictObject({ format: z.enum(['json', 'mermaid']).optional() });
export const DiffQuery = z.strictObject({ format: z.enum(['json', 'text']).optional() });
export const EventsQuery = z.strictObject({
  /** Only events with a sequence number above this one. */
  after: z
    .string()
    .regex(/^\d{1,15}$/, 'a non-negative integer')
    .optional(),
});
export const ApprovalsQuery = z.strictObject({
  status: z.enum(['pending', 'approved', 'rejected', 'all']).optional(),
});
export const AuditQuery = z.strictObject({
  limit: z
    .string()
    .regex(/^\d{1,4}$/, 'an integer up to 9999')
    .optional(),
  before: z
    .string()
    .regex(/^\d{1,15}$/, 'a non-negative integer')
    .optional(),
});

// ---- headers ----------------------------------------------------------------------------

export const EventsHeaders = z.object({
  'last-event-id': z
    .string()
    .regex(/^\d{1,15}$/, 'an event sequence number')
    .optional(),
});

// ---- responses --------------------------------------------------------------------------

export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  code: z.string(),
  instance: z.string().optional(),
  requestId: z.string().optional(),
  issues: z
    .array(
      z.object({
        field: z.string().optional(),
        file: z.string().optional(),
        line: z.number().int().optional(),
        message: z.string(),
      }),
    )
    .optional(),
  errorId: z.string().optional(),
  operationId: z.string().optional(),
});

export const AnalysisView = z.object({
  id: z.string(),
  app: z.string(),
  path: z.string(),
  modelHash: z.string(),
  model: AppModelSchema,
  requester: z.string(),
  createdAt: z.string(),
});

export const PlanView = z.object({
  id: z.string(),
  hash: z.string(),
  app: z.string(),
  environment: z.string(),
  analysisId: z.string().optional(),
  requester: z.string(),
  createdAt: z.string(),
  plan: DeploymentPlanSchema,
});

export const GraphView = z.object({
  nodes: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      name: z.string(),
      component: z.string().optional(),
    }),
  ),
  /** `from` must exist before `to`: `to` depends on `from`. */
  edges: z.array(z.object({ from: z.string(), to: z.string() })),
  waves: z.array(z.array(z.string())),
});

export const OperationAccepted = z.object({
  operationId: z.string(),
  kind: OperationKindSchema,
  status: OperationStatusSchema,
  /** Operations ahead of this one on the same stack. */
  position: z.number().int(),
});

export const ApprovalView = z.object({
  id: z.string(),
  previewOperationId: z.string(),
  planHash: z.string(),
  project: z.string(),
  environment: z.string(),
  approver: z.string(),
  decision: DecisionSchema,
  comment: z.string().optional(),
  createdAt: z.string(),
  expiresAt: z.string(),
  usedByOperation: z.string().optional(),
  usedAt: z.string().optional(),
});

export const ApprovalStateSchema = z.object({
  required: z.boolean(),
  /** `pending` until decided; `expired` once an unused approval passed its expiry. */
  state: z.enum(['not-required', 'pending', 'approved', 'rejected', 'used', 'expired']),
  decision: ApprovalView.optional(),
});

export const OperationView = z.object({
  id: z.string(),
  kind: OperationKindSchema,
  project: z.string(),
  environment: z.string(),
  planId: z.string().optional(),
  planHash: z.string().optional(),
  previewOperationId: z.string().optional(),
  requester: z.string(),
  status: OperationStatusSchema,
  params: z.record(z.string(), z.unknown()),
  /** PreviewResult, UpResult or RecoverResult, by kind. */
  result: z.unknown().optional(),
  error: ProblemSchema.optional(),
  createdAt: z.string(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  /** For previews: the approval state. */
  approval: ApprovalStateSchema.optional(),
});

export const EventsView = z.object({
  operationId: z.string(),
  status: OperationStatusSchema,
  events: z.array(z.object({ seq: z.number().int(), event: OperationEventSchema })),
});

export const ApprovalsList = z.object({
  items: z.array(
    z.object({
      previewOperationId: z.string(),
      project: z.string(),
      environment: z.string(),
      planHash: z.string().optional(),
      requester: z.string(),
      state: ApprovalStateSchema.shape.state,
      decision: ApprovalView.optional(),
    }),
  ),
});

export const HistoryView = z.object({
  project: z.string(),
  environment: z.string(),
  history: z.array(HistoryEntrySchema),
});

export const CurrentView = z.object({
  project: z.string(),
  environment: z.string(),
  /** Always true: a stack that does not exist is a 404 (as for its history). */
  exists: z.boolean(),
  deployedPlanHash: z.string().optional(),
  /** The stored plan with that hash, when this server knows it. */
  planId: z.string().optional(),
  version: z.number().int().optional(),
  outputs: z.record(z.string(), z.unknown()),
  locks: z.array(StackLockSchema),
  pendingOperations: z.array(z.object({ type: z.string(), urn: z.string(), op: z.string() })),
  /** The newest operation this server ran on the stack. */
  lastOperationId: z.string().optional(),
});

export const AuditView = z.object({
  entries: z.array(
    z.object({
      id: z.number().int(),
      at: z.string(),
      who: z.string(),
      action: z.string(),
      target: z.string(),
      outcome: z.string(),
      requestId: z.string().optional(),
      detail: z.string().optional(),
    }),
  ),
});

export const HealthView = z.object({ status: z.literal('ok') });
export const ReadyView = z.object({
  status: z.enum(['ready', 'not-ready']),
  checks: z.object({ database: z.boolean(), engine: z.boolean() }),
});
