/**
 * Users of the test cluster beside its admin: static tokens in the API server's token file
 * (read at start), each with its own kubeconfig, and RBAC roles granted to them by the admin.
 * A user starts with no permission at all (the API server authorizes with RBAC only).
 */
import { writeFileSync } from 'node:fs';
import type { ClusterApi } from './api';

/** A user of the test cluster and the kubeconfig that signs in as it. */
export interface TestUser {
  name: string;
  /** Path of a kubeconfig with the cluster's one context, signed in as this user. */
  kubeconfig: string;
}

/** One RBAC rule. */
export interface RbacRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

/** The name of the user that the harness creates with no permissions; see {@link grant}. */
export const LIMITED_USER = 'limited';

/** Writes a kubeconfig for `server` with one context, signed in with `token`. */
export function writeKubeconfig(
  path: string,
  server: string,
  context: string,
  user: string,
  token: string,
): void {
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      `current-context: ${context}`,
      'clusters:',
      `- name: ${context}`,
      '  cluster:',
      `    server: ${server}`,
      '    insecure-skip-tls-verify: true',
      'users:',
      `- name: ${user}`,
      '  user:',
      `    token: ${token}`,
      'contexts:',
      `- name: ${context}`,
      '  context:',
      `    cluster: ${context}`,
      `    user: ${user}`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
}

/**
 * Grants `user` the `rules` through a ClusterRole `stackpilot-test-<role>` and its binding,
 * cluster-wide (a ClusterRole, so that cluster-scoped kinds such as Nodes can be granted too).
 */
export async function grant(
  api: ClusterApi,
  user: string,
  role: string,
  rules: RbacRule[],
): Promise<void> {
  const name = `stackpilot-test-${role}`;
  await api.create('/apis/rbac.authorization.k8s.io/v1/clusterroles', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name },
    rules,
  });
  await api.create('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: `${name}-${user}` },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
  });
}
