/** The audit log: who did what to which target, when, and how it ended. Append-only. */
import type { Database } from 'better-sqlite3';
import type { Clock } from './clock';

export interface AuditEntry {
  id: number;
  at: string;
  /** Token name, or `anonymous` / `system`. */
  who: string;
  /** `GET /v1/plans/:id`, `approval.approve`, `operation.up` … */
  action: string;
  /** What the action was about: a path, an operation id, a stack. */
  target: string;
  /** HTTP status for requests (`200`, `403`); `succeeded`, `refused:<code>` … for decisions. */
  outcome: string;
  requestId?: string;
  detail?: string;
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at'>;

interface AuditRow {
  id: number;
  at: string;
  who: string;
  action: string;
  target: string;
  outcome: string;
  request_id: string | null;
  detail: string | null;
}

export class AuditRepository {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  record(entry: NewAuditEntry): AuditEntry {
    const at = this.clock.now().toISOString();
    const { lastInsertRowid } = this.db
      .prepare(
        `INSERT INTO audit_log (at, who, action, target, outcome, request_id, detail)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        at,
        entry.who,
        entry.action,
        entry.target,
        entry.outcome,
        entry.requestId ?? null,
        entry.detail ?? null,
      );
    return { id: Number(lastInsertRowid), at, ...entry };
  }

  /** Entries newest first; `before` pages backwards by id. Default limit 100. */
  list(
    options: { limit?: number; before?: number; who?: string; action?: string } = {},
  ): AuditEntry[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (options.before !== undefined) {
      where.push('id < ?');
      args.push(options.before);
    }
    if (options.who) {
      where.push('who = ?');
      args.push(options.who);
    }
    if (options.action) {
      where.push('action = ?');
      args.push(options.action);
    }
    const rows = this.db
      .prepare(
        `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY id DESC LIMIT ?`,
      )
      .all(...args, options.limit ?? 100) as AuditRow[];
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      who: r.who,
      action: r.action,
      target: r.target,
      outcome: r.outcome,
      ...(r.request_id !== null ? { requestId: r.request_id } : {}),
      ...(r.detail !== null ? { detail: r.detail } : {}),
    }));
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM audit_log').get() as { n: number }).n;
  }
}
