/**
 * Operation events, persisted as they arrive, each with a per-operation sequence number
 * (1, 2, …) that SSE clients use as the event id to resume where they left off.
 */
import type { Database } from 'better-sqlite3';
import { OperationEventSchema, type OperationEvent } from '../model/operations';
import type { Clock } from './clock';

/** One stored event: its sequence number within the operation and the engine event. */
export interface StoredEvent {
  seq: number;
  event: OperationEvent;
}

export class EventRepository {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /** Appends an event to an operation and returns its sequence number. */
  append(operationId: string, event: OperationEvent): StoredEvent {
    const row = this.db
      .prepare(
        `INSERT INTO operation_events (operation_id, seq, event, at)
         SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ? FROM operation_events WHERE operation_id = ?
         RETURNING seq`,
      )
      .get(operationId, JSON.stringify(event), this.clock.now().toISOString(), operationId) as {
      seq: number;
    };
    return { seq: row.seq, event };
  }

  /** Events of an operation with a sequence number above `after`, in order. Default limit 10000. */
  list(operationId: string, after = 0, limit = 10_000): StoredEvent[] {
    return (
      this.db
        .prepare(
          `SELECT seq, event FROM operation_events WHERE operation_id = ? AND seq > ?
           ORDER BY seq LIMIT ?`,
        )
        .all(operationId, after, limit) as { seq: number; event: string }[]
    ).map((r) => ({ seq: r.seq, event: OperationEventSchema.parse(JSON.parse(r.event)) }));
  }
}
