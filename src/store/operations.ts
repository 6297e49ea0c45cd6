/**
 * Operations: one preview, up, rollback or recover of one stack, from request to outcome.
 * The status moves queued → running → succeeded | failed, or ends as `rejected` (refused
 * before it ran) or `interrupted` (its process died while it was queued or running).
 */
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import type { Clock } from './clock';
import { newId } from './ids';

export const OperationKindSchema = z.enum(['preview', 'up', 'rollback', 'recover', 'build']);
export type OperationKind = z.infer<typeof OperationKindSchema>;

export const OperationStatusSchema = z.enum([
  'queued',
  'running',
  'succeeded',
  'failed',
  'interrupted',
  'rejected',
]);
export type OperationStatus = z.infer<typeof OperationStatusSchema>;

/** Statuses after which nothing changes any more. */
export const FINAL_STATUSES: readonly OperationStatus[] = [
  'succeeded',
  'failed',
  'interrupted',
  'rejected',
];

/** Kinds that change what is deployed. */
export const CHANGING_KINDS: readonly OperationKind[] = ['up', 'rollback'];

export interface OperationRecord {
  id: string;
  kind: OperationKind;
  project: string;
  environment: string;
  planId?: string;
  planHash?: string;
  /** For an up: the preview it was held to. */
  previewOperationId?: string;
  /** For a preview: the last change of the stack (up or rollback) when the preview started. */
  baseOperationId?: string;
  requester: string;
  status: OperationStatus;
  /** Whether the environment required an approval when the operation was requested. */
  approvalRequired: boolean;
  /** How long an approval of this preview stays valid, in minutes. */
  approvalTtlMinutes?: number;
  /** Server-side path of the Pulumi update plan a preview saved (never sent to clients). */
  updatePlan?: string;
  /** Kind-specific request parameters (rollback `to`, recover `force`). */
  params: Record<string, unknown>;
  result?: unknown;
  /** The problem (RFC 7807 body) that ended the operation, when it failed or was refused. */
  error?: Record<string, unknown>;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
}

/** What a caller supplies to create an operation. */
export type NewOperation = Pick<OperationRecord, 'kind' | 'project' | 'environment' | 'requester'> &
  Partial<
    Pick<
      OperationRecord,
      | 'planId'
      | 'planHash'
      | 'previewOperationId'
      | 'approvalRequired'
      | 'approvalTtlMinutes'
      | 'params'
      | 'error'
    >
  > & { status?: 'queued' | 'rejected' };

interface OperationRow {
  id: string;
  kind: string;
  project: string;
  environment: string;
  plan_id: string | null;
  plan_hash: string | null;
  preview_operation_id: string | null;
  base_operation_id: string | null;
  requester: string;
  status: string;
  approval_required: number;
  approval_ttl_minutes: number | null;
  update_plan: string | null;
  params: string;
  result: string | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

const Params = z.record(z.string(), z.unknown());

export class OperationRepository {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /** Records a new operation, `queued` unless it is recorded as `rejected` right away. */
  create(input: NewOperation): OperationRecord {
    const id = newId('operation');
    const now = this.clock.now().toISOString();
    const status = input.status ?? 'queued';
    this.db
      .prepare(
        `INSERT INTO operations (id, kind, project, environment, plan_id, plan_hash,
           preview_operation_id, requester, status, approval_required, approval_ttl_minutes,
           params, error, created_at, finished_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        input.kind,
        input.project,
        input.environment,
        input.planId ?? null,
        input.planHash ?? null,
        input.previewOperationId ?? null,
        input.requester,
        status,
        input.approvalRequired ? 1 : 0,
        input.approvalTtlMinutes ?? null,
        JSON.stringify(input.params ?? {}),
        input.error ? JSON.stringify(input.error) : null,
        now,
        status === 'rejected' ? now : null,
      );
    return this.mustGet(id);
  }

  get(id: string): OperationRecord | undefined {
    const row = this.db.prepare('SELECT * FROM operations WHERE id = ?').get(id) as
      OperationRow | undefined;
    return row && toRecord(row);
  }

  /** Marks a queued operation running; a preview also records the stack's last change. */
  start(id: string, baseOperationId?: string): OperationRecord {
    this.db
      .prepare(
        `UPDATE operations SET status = 'running', started_at = ?, base_operation_id = ?
         WHERE id = ? AND status = 'queued'`,
      )
      .run(this.clock.now().toISOString(), baseOperationId ?? null, id);
    return this.mustGet(id);
  }

  /** Ends a running operation with its outcome. */
  finish(
    id: string,
    outcome: {
      status: 'succeeded' | 'failed';
      result?: unknown;
      error?: Record<string, unknown>;
      updatePlan?: string;
    },
  ): OperationRecord {
    this.db
      .prepare(
        `UPDATE operations SET status = ?, result = ?, error = ?, update_plan = ?, finished_at = ?
         WHERE id = ? AND status = 'running'`,
      )
      .run(
        outcome.status,
        outcome.result === undefined ? null : JSON.stringify(outcome.result),
        outcome.error ? JSON.stringify(outcome.error) : null,
        outcome.updatePlan ?? null,
        this.clock.now().toISOString(),
        id,
      );
    return this.mustGet(id);
  }

  /** Operations that were queued or running: after a restart, those of a dead process. */
  unfinished(): OperationRecord[] {
    return (
      this.db
        .prepare(`SELECT * FROM operations WHERE status IN ('queued', 'running') ORDER BY rowid`)
        .all() as OperationRow[]
    ).map(toRecord);
  }

  /** Marks the given queued or running operations interrupted, with `reason`, in one transaction. */
  markInterrupted(ids: readonly string[], reason: Record<string, unknown>): void {
    const now = this.clock.now().toISOString();
    const update = this.db.prepare(
      `UPDATE operations SET status = 'interrupted', error = ?, finished_at = ?
       WHERE id = ? AND status IN ('queued', 'running')`,
    );
    this.db.transaction(() => {
      for (const id of ids) update.run(JSON.stringify(reason), now, id);
    })();
  }

  /**
   * The newest up or rollback that ran on a stack (succeeded, failed or interrupted: any of
   * them may have changed it). A preview made before it no longer shows what an up would do.
   */
  lastChange(project: string, environment: string): OperationRecord | undefined {
    const row = this.db
      .prepare(
        `SELECT * FROM operations
         WHERE project = ? AND environment = ? AND kind IN ('up', 'rollback')
           AND status IN ('succeeded', 'failed', 'interrupted') AND started_at IS NOT NULL
         ORDER BY finished_at DESC, rowid DESC LIMIT 1`,
      )
      .get(project, environment) as OperationRow | undefined;
    return row && toRecord(row);
  }

  /** Operations, newest first, optionally of one stack or with one status. Default limit 100. */
  list(
    filter: {
      project?: string;
      environment?: string;
      status?: OperationStatus;
      limit?: number;
    } = {},
  ): OperationRecord[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.project) {
      where.push('project = ?');
      args.push(filter.project);
    }
    if (filter.environment) {
      where.push('environment = ?');
      args.push(filter.environment);
    }
    if (filter.status) {
      where.push('status = ?');
      args.push(filter.status);
    }
    const sql = `SELECT * FROM operations ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                 ORDER BY rowid DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, filter.limit ?? 100) as OperationRow[]).map(toRecord);
  }

  private mustGet(id: string): OperationRecord {
    const op = this.get(id);
    if (!op) throw new Error(`operation ${id} vanished`);
    return op;
  }
}

function toRecord(row: OperationRow): OperationRecord {
  return {
    id: row.id,
    kind: OperationKindSchema.parse(row.kind),
    project: row.project,
    environment: row.environment,
    ...(row.plan_id ? { planId: row.plan_id } : {}),
    ...(row.plan_hash ? { planHash: row.plan_hash } : {}),
    ...(row.preview_operation_id ? { previewOperationId: row.preview_operation_id } : {}),
    ...(row.base_operation_id ? { baseOperationId: row.base_operation_id } : {}),
    requester: row.requester,
    status: OperationStatusSchema.parse(row.status),
    approvalRequired: row.approval_required === 1,
    ...(row.approval_ttl_minutes !== null ? { approvalTtlMinutes: row.approval_ttl_minutes } : {}),
    ...(row.update_plan ? { updatePlan: row.update_plan } : {}),
    params: Params.parse(JSON.parse(row.params)),
    ...(row.result !== null ? { result: JSON.parse(row.result) as unknown } : {}),
    ...(row.error !== null ? { error: Params.parse(JSON.parse(row.error)) } : {}),
    createdAt: row.created_at,
    ...(row.started_at ? { startedAt: row.started_at } : {}),
    ...(row.finished_at ? { finishedAt: row.finished_at } : {}),
  };
}
