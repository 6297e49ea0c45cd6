/**
 * Approval decisions: one per preview, approve or reject, with who, why and until when.
 * An approval is spent by exactly one up (`used_by_operation`), in the transaction that
 * creates that up.
 */
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { ConflictError } from '../model/errors';
import type { Clock } from './clock';
import { newId } from './ids';

export const DecisionSchema = z.enum(['approve', 'reject']);
export type Decision = z.infer<typeof DecisionSchema>;

export interface ApprovalRecord {
  id: string;
  previewOperationId: string;
  planHash: string;
  project: string;
  environment: string;
  approver: string;
  decision: Decision;
  comment?: string;
  createdAt: string;
  expiresAt: string;
  usedByOperation?: string;
  usedAt?: string;
}

export type NewApproval = Omit<ApprovalRecord, 'id' | 'createdAt' | 'usedByOperation' | 'usedAt'>;

interface ApprovalRow {
  id: string;
  preview_operation_id: string;
  plan_hash: string;
  project: string;
  environment: string;
  approver: string;
  decision: string;
  comment: string | null;
  created_at: string;
  expires_at: string;
  used_by_operation: string | null;
  used_at: string | null;
}

export class ApprovalRepository {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /** Records a decision; a preview that has one already gives a ConflictError. */
  create(input: NewApproval): ApprovalRecord {
    const id = newId('approval');
    const createdAt = this.clock.now().toISOString();
    try {
      this.db
        .prepare(
          `INSERT INTO approvals (id, preview_operation_id, plan_hash, project, environment,
             approver, decision, comment, created_at, expires_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          input.previewOperationId,
          input.planHash,
          input.project,
          input.environment,
          input.approver,
          input.decision,
          input.comment ?? null,
          createdAt,
          input.expiresAt,
        );
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE')
        throw new ConflictError(
          `preview ${input.previewOperationId} has a decision already`,
          'already_decided',
        );
      throw err;
    }
    return { id, ...input, createdAt };
  }

  /** The decision on a preview, if any. */
  forPreview(previewOperationId: string): ApprovalRecord | undefined {
    const row = this.db
      .prepare('SELECT * FROM approvals WHERE preview_operation_id = ?')
      .get(previewOperationId) as ApprovalRow | undefined;
    return row && toRecord(row);
  }

  /** Spends an approval on operation `operationId`; false when it was spent already. */
  markUsed(id: string, operationId: string): boolean {
    return (
      this.db
        .prepare(
          `UPDATE approvals SET used_by_operation = ?, used_at = ?
           WHERE id = ? AND used_by_operation IS NULL AND decision = 'approve'`,
        )
        .run(operationId, this.clock.now().toISOString(), id).changes === 1
    );
  }

  /** Decisions, newest first, optionally only one kind. Default limit 100. */
  list(decision?: Decision, limit = 100): ApprovalRecord[] {
    const rows = (
      decision
        ? this.db
            .prepare('SELECT * FROM approvals WHERE decision = ? ORDER BY rowid DESC LIMIT ?')
            .all(decision, limit)
        : this.db.prepare('SELECT * FROM approvals ORDER BY rowid DESC LIMIT ?').all(limit)
    ) as ApprovalRow[];
    return rows.map(toRecord);
  }

  /** Ids of succeeded previews that need an approval and have no decision yet, newest first. */
  pendingPreviewIds(limit = 100): string[] {
    return (
      this.db
        .prepare(
          `SELECT o.id FROM operations o LEFT JOIN approvals a ON a.preview_operation_id = o.id
           WHERE o.kind = 'preview' AND o.status = 'succeeded' AND o.approval_required = 1
             AND a.id IS NULL
           ORDER BY o.rowid DESC LIMIT ?`,
        )
        .all(limit) as { id: string }[]
    ).map((r) => r.id);
  }
}

function toRecord(row: ApprovalRow): ApprovalRecord {
  return {
    id: row.id,
    previewOperationId: row.preview_operation_id,
    planHash: row.plan_hash,
    project: row.project,
    environment: row.environment,
    approver: row.approver,
    decision: DecisionSchema.parse(row.decision),
    ...(row.comment !== null ? { comment: row.comment } : {}),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    ...(row.used_by_operation ? { usedByOperation: row.used_by_operation } : {}),
    ...(row.used_at ? { usedAt: row.used_at } : {}),
  };
}
