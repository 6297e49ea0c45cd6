export { Store, openStore, createToken, defaultDatabaseFile, type StoreOptions } from './store';
export { ManualClock, systemClock, type Clock } from './clock';
export { ROLES, RoleSchema, roleAtLeast, type Role } from './roles';
export { hashToken, type TokenRecord, type CreatedToken } from './tokens';
export type { AnalysisRecord } from './analyses';
export type { PlanRecord } from './plans';
export {
  OperationKindSchema,
  OperationStatusSchema,
  FINAL_STATUSES,
  CHANGING_KINDS,
  type OperationKind,
  type OperationStatus,
  type OperationRecord,
  type NewOperation,
} from './operations';
export type { StoredEvent } from './events';
export { DecisionSchema, type Decision, type ApprovalRecord } from './approvals';
export type { AuditEntry, NewAuditEntry } from './audit';
export { MIGRATIONS, migrate, type Migration } from './migrations';
export { newId, idPattern, type IdKind } from './ids';
