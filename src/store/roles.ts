import { z } from 'zod';

/**
 * Roles of API tokens, weakest first. Each role can do everything the roles before it can:
 * viewer reads; deployer also creates analyses, plans, previews, deployments and rollbacks;
 * approver also approves or rejects previews; admin also recovers stacks and reads the audit log.
 */
export const ROLES = ['viewer', 'deployer', 'approver', 'admin'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/** True when `role` carries at least the rights of `required`. */
export function roleAtLeast(role: Role, required: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}
