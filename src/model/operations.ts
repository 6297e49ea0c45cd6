/**
 * Results of engine operations, shared by the engine, the CLI (`--json`) and the HTTP API.
 * Built from the engine's structured events, never from its text output, and free of secrets.
 */
import { z } from 'zod';
import { DiagnosisSchema } from './diagnosis';

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
  /** `progress`: what a resource is waiting for, e.g. `1/2 Pods available` (transient). */
  kind: z.enum([
    'step-start',
    'step-done',
    'step-failed',
    'diagnostic',
    'progress',
    'summary',
    'output',
  ]),
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
  /**
   * On a cluster target, when the update failed: each object that did not become ready and
   * why (`Deployment shop-dev/api: pod api-7d9: container api: CrashLoopBackOff, …`).
   */
  causes: z.array(z.string()).optional(),
  /**
   * On a cluster target, when the update failed: the diagnosis of the stack's objects against
   * the plan that failed (findings with their plan decision and fix), secret values masked.
   * Absent when it could not be made; a warning then says why.
   */
  diagnosis: DiagnosisSchema.optional(),
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

/** One field of a resource that differs between the stack's record and the live cluster. */
export const DriftFieldSchema = z.strictObject({
  /** Dotted path, e.g. `spec.template.spec.containers[0].image`. */
  path: z.string(),
  /** What the stack last deployed. */
  deployed: z.string(),
  /** What the cluster holds now. */
  live: z.string(),
});
export type DriftField = z.infer<typeof DriftFieldSchema>;

/** What a drift check (a refresh preview) found: out-of-band changes, field by field. */
export const DriftResultSchema = z.strictObject({
  project: z.string(),
  environment: z.string(),
  drifted: z.boolean(),
  resources: z.array(
    z.strictObject({
      /** `changed` in place, or `deleted` out of band. */
      change: z.enum(['changed', 'deleted']),
      type: z.string(),
      name: z.string(),
      fields: z.array(DriftFieldSchema),
    }),
  ),
});
export type DriftResult = z.infer<typeof DriftResultSchema>;

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
  /**
   * Why the stack's state cannot be read (a checkpoint a killed engine left half-written), and
   * that `recover` repairs it; absent when it reads.
   */
  damaged: z.string().optional(),
});
export type StackHealth = z.infer<typeof StackHealthSchema>;

/** One file of a stack's state that recover found broken, and what it did about it. */
export const StateRepairSchema = z.strictObject({
  /** Path relative to the file backend's directory. */
  file: z.string(),
  problem: z.enum(['empty', 'truncated']),
  /** `unrepairable`: left in place, because no intact copy exists to restore it from. */
  action: z.enum(['moved-aside', 'restored', 'unrepairable']),
  /** For `restored`: the intact copy (backend-relative) it was restored from. */
  source: z.string().optional(),
  /** Where the broken bytes were kept, relative to the state directory's quarantine folder. */
  keptAs: z.string().optional(),
});
export type StateRepair = z.infer<typeof StateRepairSchema>;

/** An engine process a dead operation left running, and whether recover stopped it. */
export const LeftoverProcessSchema = z.strictObject({
  pid: z.number().int(),
  /** `cli`: the pulumi CLI; `plugin`: a provider or language plugin it started. */
  role: z.enum(['cli', 'plugin']),
  stopped: z.boolean(),
});
export type LeftoverProcess = z.infer<typeof LeftoverProcessSchema>;

export const RecoverResultSchema = z.strictObject({
  project: z.string(),
  environment: z.string(),
  clearedLocks: z.number().int(),
  clearedPendingOperations: z.number().int(),
  /** Locks left in place because their holder may still be alive (use force to clear them). */
  keptLocks: z.array(StackLockSchema),
  /** Broken state files found (empty or truncated) and what was done with each. */
  repairs: z.array(StateRepairSchema),
  /** Engine processes of a dead operation on this stack, found by their recorded pids. */
  leftoverProcesses: z.array(LeftoverProcessSchema),
});
export type RecoverResult = z.infer<typeof RecoverResultSchema>;
