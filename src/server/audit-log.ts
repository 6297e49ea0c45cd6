/** The one safe way to write an audit entry from request and operation code. */
import type { NewAuditEntry } from '../store';
import type { AppDeps } from './deps';

/** Writes an audit entry; a failing audit write is logged, never thrown at the caller. */
export function audit(deps: AppDeps, entry: NewAuditEntry): void {
  try {
    deps.store.audit.record(entry);
  } catch (err) {
    deps.logger.error({ err, audit: entry }, 'could not write an audit entry');
  }
}
