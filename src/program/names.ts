/**
 * Pulumi resource names. A resource's URN name comes from its plan node id alone, so that a
 * changed plan updates the same resources and an older plan diffs back to them.
 */

/** The Pulumi resource name of a plan node: `workload/api` → `workload-api`, `namespace` → `namespace`. */
export function resourceName(nodeId: string): string {
  return nodeId.replace('/', '-');
}

/** Pulumi resource name of the stack's explicit Kubernetes provider. */
export const PROVIDER_NAME = 'kubernetes';
