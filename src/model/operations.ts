/**
 * Results of engine operations, shared by the engine, the CLI (`--json`) and the HTTP API.
 * Built from the engine's structured events, never from its text output, and free of secrets.
 */
import { z } from 'zod';

/** What the engine will do or did to one resource. */
export const StepOpSchema = z.enum([
  'create',
  'update',
  'replace',
  'delete',
  'same',
  'read',
  'refresh',
  'import',
  'discard',
]);
export type StepOp = z.infer<typeof StepOpSchema>;

/** One resource step of a preview or update. */
export const StepSchema = z.strictObject({
  op: StepOpSchema,
  /** Pulumi type token, e.g. `kubernetes:apps/v1:Deployment`. */
  type: z.string(),
  /** Pulumi resource name (derived from the plan node id). */
  name: z.string(),
  urn: z.string(),
  /** Top-level properties that differ, for updates and replacements. */
  diffs: z.array(z.string()),
  /** Properties whose change forces a replacement. */
  replaceReasons: z.array(z.string()),
});
export type Step = z.infer<typeof StepSchema>;

/** Counts per operation kind, e.g. `{ create: 12, same: 3 }`. */
export const ChangeSummarySchema = z.record(z.string(), z.number().int());
export type ChangeSummary = z.infer<typeof ChangeSummarySchema>;

/** A secret-free, provider-neutral view of one engine event, streamed to CLIs and SSE clients. */
export const OperationEventSchema = z.strictObject({
  /** Engine sequence number, monotonic within one operation. */
  sequence: z.number().int(),
  kind: z.enum(['step-start', 'step-done', 'step-failed', 'diagnostic', 'summary', 'output']),
  op: StepOpSchema.optional(),
  type: z.string().optional(),
  name: z.string().optional(),
  severity: z.enum(['debug', 'info', 'warning', 'error']).optional(),
  message: z.string().optional(),
  changes: ChangeSummarySchema.optional(),
});
export type OperationEvent = z.infer<typeof OperationEventSchema>;

export const PreviewResultSchema = z.strictObject({
  project: z.string(),
  environment: z.string(),
  planHash: z.string(),
  changes: ChangeSummarySchema,
  steps: z.array(StepSchema),
  /** Path of the saved Pulumi update plan, when the preview saved one for a later bound up. */
  updatePlan: z.string().optional(),
  warnings: z.array(z.string()),
});
export type PreviewResult = z.infer<typeof PreviewResultSchema>;

export const UpResultSchema = z.strictObject({
  project: z.string(),
  environment: z.string(),
  planHash: z.string(),
  status: z.enum(['succeeded', 'failed', 'rolled-back']),
  changes: ChangeSummarySchema,
  steps: z.array(StepSchema),
  /** Stack outputs with secret values masked. */
  outputs: z.record(z.string(), z.unknown()),
  /** Pulumi stack version created by this update. */
  version: z.number().int().optional(),
  /** The engine's error, when the update failed. */
  error: z.string().optional(),
  /** When an automatic rollback ran after a failure: the plan it restored and how it went. */
  rollback: z
    .strictObject({
      planHash: z.string(),
      status: z.enum(['succeeded', 'failed']),
      error: z.string().optional(),
    })
    .optional(),
  warnings: z.array(z.string()),
});
export type UpResult = z.infer<typeof UpResultSchema>;

export const HistoryEntrySchema = z.strictObject({
  version: z.number().int(),
  kind: z.string(),
  result: z.string(),
  startTime: z.string(),
  endTime: z.string().optional(),
  /** The stackpilot plan hash this update deployed, when it was a stackpilot update. */
  planHash: z.string().optional(),
  /** `up` or `rollback`, when it was a stackpilot update. */
  action: z.enum(['up', 'rollback']).optional(),
  changes: ChangeSummarySchema,
});
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;

/** A lock on a stack, held by this or another process. */
export const StackLockSchema = z.strictObject({
  pid: z.number().int().optional(),
  host: z.string().optional(),
  user: z.string().optional(),
  since: z.string().optional(),
  /** True when the holder is a process on this host that no longer exists. */
  stale: z.boolean(),
});
export type StackLock = z.infer<typeof StackLockSchema>;

/** What `inspect` finds about a stack's health. */
export const StackHealthSchema = z.strictObject({
  project: z.string(),
  environment: z.string(),
  exists: z.boolean(),
  locks: z.array(StackLockSchema),
  pendingOperations: z.array(z.strictObject({ type: z.string(), urn: z.string(), op: z.string() })),
  /** The plan hash of the last successful stackpilot update. */
  deployedPlanHash: z.string().optional(),
});
export type StackHealth = z.infer<typeof StackHealthSchema>;

export const RecoverResultSchema = z.strictObject({
  project: z.string(),
  environment: z.string(),
  clearedLocks: z.number().int(),
  clearedPendingOperations: z.number().int(),
  /** Locks left in place because their holder may still be alive (use force to clear them). */
  keptLocks: z.array(StackLockSchema),
});
export type RecoverResult = z.infer<typeof RecoverResultSchema>;
