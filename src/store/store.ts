/**
 * The SQLite store: one database file (default `<stateDir>/stackpilot.db`) in WAL mode with
 * foreign keys on, migrated at open. Writes that belong together run in `transaction`.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { AnalysisRepository } from './analyses';
import { ApprovalRepository } from './approvals';
import { AuditRepository } from './audit';
import { systemClock, type Clock } from './clock';
import { EventRepository } from './events';
import { migrate } from './migrations';
import { OperationRepository } from './operations';
import { PlanRepository } from './plans';
import type { Role } from './roles';
import { TokenRepository, type CreatedToken } from './tokens';

/** Where the database is and what time it is. */
export interface StoreOptions {
  /** Database file. Default `<stateDir>/stackpilot.db`; `:memory:` for a throwaway store. */
  file?: string;
  /** State directory used for the default file. Default `.stackpilot`. */
  stateDir?: string;
  /** Time source for every timestamp. Default the system clock. */
  clock?: Clock;
}

/** The default database file of a state directory. */
export function defaultDatabaseFile(stateDir = '.stackpilot'): string {
  return join(stateDir, 'stackpilot.db');
}

export class Store {
  readonly tokens: TokenRepository;
  readonly analyses: AnalysisRepository;
  readonly plans: PlanRepository;
  readonly operations: OperationRepository;
  readonly events: EventRepository;
  readonly approvals: ApprovalRepository;
  readonly audit: AuditRepository;

  constructor(
    readonly db: Database,
    readonly clock: Clock,
  ) {
    this.tokens = new TokenRepository(db, clock);
    this.analyses = new AnalysisRepository(db, clock);
    this.plans = new PlanRepository(db, clock);
    this.operations = new OperationRepository(db, clock);
    this.events = new EventRepository(db, clock);
    this.approvals = new ApprovalRepository(db, clock);
    this.audit = new AuditRepository(db, clock);
  }

  /** Runs `fn` in one transaction: all its writes commit together or none do. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** True when the database answers. */
  ping(): boolean {
    try {
      return (this.db.prepare('SELECT 1 AS ok').get() as { ok: number }).ok === 1;
    } catch {
      return false;
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** Opens (creating when needed) and migrates the database. */
export function openStore(options: StoreOptions = {}): Store {
  const file = options.file ?? defaultDatabaseFile(options.stateDir);
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new BetterSqlite3(file);
  try {
    db.pragma('journal_mode = WAL');
    // NORMAL is durable across process crashes in WAL mode; only an OS crash can lose the last commits.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const clock = options.clock ?? systemClock;
    migrate(db, () => clock.now());
    return new Store(db, clock);
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * Creates an API token: what `stackpilot tokens create` calls. The plaintext is in the
 * result only; the store keeps its sha256.
 */
export function createToken(store: Store, name: string, role: Role): CreatedToken {
  return store.tokens.create(name, role);
}
