/**
 * Preflight: does a live cluster have what a plan needs? A pure function of the plan, the
 * environment's cluster policy and the {@link ClusterFacts}: each missing piece is one
 * failure that says what to do, and pieces the plan can do without (monitoring CRDs, by
 * policy) are left out with a decision and a loud warning instead.
 */
import type { Environment } from '../model/environment';
import type { PreflightFailure } from '../model/errors';
import type { Decision, DeploymentPlan, NodeOf, PlanNode } from '../model/plan';
import { cpuMillis, bytes, type ClusterFacts } from './facts';

/** What a preflight found. */
export interface PreflightResult {
  failures: PreflightFailure[];
  warnings: string[];
  /** Plan nodes to leave out on this cluster, with the decision that says why. */
  omit: { ids: string[]; decision: Decision } | undefined;
}

/** Oldest server the generated objects are valid on (policy/v1, autoscaling/v2, PodSecurity). */
export const MIN_SERVER_MINOR = 25;

/** API group/version each CRD-backed node kind needs. */
const CRD_KINDS: Partial<Record<PlanNode['kind'], { groupVersion: string; what: string }>> = {
  'service-monitor': {
    groupVersion: 'monitoring.coreos.com/v1',
    what: 'ServiceMonitor (Prometheus operator)',
  },
};

/** Runs every check. */
export function preflight(
  plan: DeploymentPlan,
  env: Environment,
  facts: ClusterFacts,
): PreflightResult {
  const failures: PreflightFailure[] = [];
  const warnings: string[] = [];
  if (facts.serverMinor < MIN_SERVER_MINOR) {
    failures.push({
      check: 'server-version',
      message: `the API server is ${facts.serverVersion} (minor ${facts.serverMinor})`,
      fix: `use a cluster of Kubernetes 1.${MIN_SERVER_MINOR} or newer`,
    });
  }
  const omit = crds(plan, env, facts, failures, warnings);
  storage(plan, env, facts, failures);
  ingress(plan, facts, failures);
  podSecurity(plan, facts, failures);
  capacity(plan, facts, failures);
  return { failures, warnings, omit };
}

function crds(
  plan: DeploymentPlan,
  env: Environment,
  facts: ClusterFacts,
  failures: PreflightFailure[],
  warnings: string[],
): PreflightResult['omit'] {
  const served = new Set(facts.apiGroupVersions);
  const ids: string[] = [];
  const missing = new Set<string>();
  for (const node of plan.nodes) {
    const need = CRD_KINDS[node.kind];
    if (!need || served.has(need.groupVersion)) continue;
    missing.add(`${need.what}: ${need.groupVersion}`);
    ids.push(node.id);
  }
  if (!ids.length) return undefined;
  const list = [...missing].join(', ');
  if (env.cluster.missingCrds === 'refuse') {
    failures.push({
      check: 'crds',
      message: `the cluster does not serve ${list}, which ${ids.length} plan object(s) need`,
      fix: 'install the Prometheus operator CRDs, or set stackpilot:serviceMonitor: false, or stackpilot:cluster.missingCrds: omit',
    });
    return undefined;
  }
  warnings.push(
    `the cluster does not serve ${list}: ${ids.join(', ')} left out, so nothing scrapes these metrics; install the Prometheus operator, or set stackpilot:serviceMonitor: false to stop planning them`,
  );
  return {
    ids: ids.sort(),
    decision: {
      skill: 'preflight',
      subject: 'environment',
      topic: 'missing CRDs',
      choice: `leave out ${ids.join(', ')}`,
      alternatives: ['refuse the deployment (stackpilot:cluster.missingCrds: refuse)'],
      reason: `the cluster does not serve ${list}; the app runs without them`,
    },
  };
}

/**
 * Every claim of the plan must be provisionable: a class it names must exist (the plan names
 * one when `stackpilot:storageClass` is set), and claims that name none need a default class.
 */
function storage(
  plan: DeploymentPlan,
  env: Environment,
  facts: ClusterFacts,
  failures: PreflightFailure[],
): void {
  const claims: { owner: string; storageClass?: string }[] = [];
  for (const node of plan.nodes) {
    if (node.kind === 'volume')
      claims.push({ owner: node.id, storageClass: node.spec.storageClass });
    if (node.kind === 'workload')
      for (const c of node.spec.volumeClaims ?? [])
        claims.push({ owner: `${node.id} (${c.name})`, storageClass: c.storageClass });
  }
  if (!claims.length) return;
  const names = new Set(facts.storageClasses.map((s) => s.name));
  const defaults = facts.storageClasses.filter((s) => s.isDefault);
  const known = facts.storageClasses.map((s) => s.name).join(', ') || 'none';
  for (const sc of new Set(claims.flatMap((c) => (c.storageClass ? [c.storageClass] : [])))) {
    if (names.has(sc)) continue;
    const users = claims.filter((c) => c.storageClass === sc).map((c) => c.owner);
    const fromStack = env.storageClass === sc;
    failures.push({
      check: 'storage',
      message: `StorageClass ${sc}${fromStack ? ' (stackpilot:storageClass)' : ''} does not exist (the cluster has: ${known}), so ${users.length} volume claim(s) (${users.join(', ')}) would stay Pending`,
      fix: fromStack
        ? facts.storageClasses.length
          ? `set stackpilot:storageClass to one of: ${known}, or create StorageClass ${sc}, or remove stackpilot:storageClass to use the cluster's default class${defaults.length ? ` (${defaults.map((d) => d.name).join(', ')})` : ''}`
          : `create StorageClass ${sc} (install a provisioner), or use managed data services (stackpilot:managed)`
        : `create StorageClass ${sc}, or set the volume's class to one that exists`,
    });
  }
  const unclassed = claims.filter((c) => !c.storageClass).map((c) => c.owner);
  if (unclassed.length && !defaults.length) {
    failures.push({
      check: 'storage',
      message: `${unclassed.length} volume claim(s) (${unclassed.join(', ')}) need a default StorageClass and the cluster has none (StorageClasses: ${known}); they would stay Pending`,
      fix: 'mark a StorageClass as default (annotation storageclass.kubernetes.io/is-default-class: "true") or install a provisioner, or use managed data services (stackpilot:managed)',
    });
  }
}

function ingress(plan: DeploymentPlan, facts: ClusterFacts, failures: PreflightFailure[]): void {
  const routes = plan.nodes.filter((n): n is NodeOf<'route'> => n.kind === 'route');
  const names = new Set(facts.ingressClasses.map((c) => c.name));
  const known = facts.ingressClasses.map((c) => c.name).join(', ') || 'none';
  for (const cls of new Set(routes.map((r) => r.spec.className))) {
    if (names.has(cls)) continue;
    const users = routes.filter((r) => r.spec.className === cls).map((r) => r.id);
    failures.push({
      check: 'ingress-class',
      message: `IngressClass ${cls} does not exist (the cluster has: ${known}), so nothing would serve ${users.join(', ')}`,
      fix: facts.ingressClasses.length
        ? `set stackpilot:ingressClass to one of: ${known}`
        : `install an ingress controller (e.g. ingress-nginx) that provides IngressClass ${cls}`,
    });
  }
}

const LEVELS = ['privileged', 'baseline', 'restricted'];

function podSecurity(
  plan: DeploymentPlan,
  facts: ClusterFacts,
  failures: PreflightFailure[],
): void {
  const ns = plan.nodes.find((n): n is NodeOf<'namespace'> => n.kind === 'namespace');
  const enforced = facts.namespace?.labels['pod-security.kubernetes.io/enforce'];
  if (!ns || !enforced) return;
  const planned = ns.spec.labels['pod-security.kubernetes.io/enforce'] ?? 'privileged';
  if (LEVELS.indexOf(enforced) > LEVELS.indexOf(planned)) {
    failures.push({
      check: 'pod-security',
      message: `namespace ${plan.namespace} already enforces Pod Security "${enforced}", stricter than the plan's "${planned}"`,
      fix: `deploy to another namespace (stackpilot:namespace), or relabel ${plan.namespace} with pod-security.kubernetes.io/enforce=${planned}`,
    });
  }
}

function capacity(plan: DeploymentPlan, facts: ClusterFacts, failures: PreflightFailure[]): void {
  if (facts.nodes.count === 0) {
    failures.push({
      check: 'capacity',
      message: 'the cluster has no schedulable nodes',
      fix: 'add nodes (or uncordon them) before deploying',
    });
    return;
  }
  let cpu = 0;
  let memory = 0;
  for (const node of plan.nodes) {
    if (node.kind !== 'workload') continue;
    const replicas = node.spec.replicas ?? 1;
    for (const c of node.spec.template.containers) {
      cpu += replicas * cpuMillis(c.resources.requests.cpu);
      memory += replicas * bytes(c.resources.requests.memory);
    }
  }
  if (cpu > facts.nodes.cpuMillis || memory > facts.nodes.memoryBytes) {
    failures.push({
      check: 'capacity',
      message: `the plan requests ${cpu}m cpu and ${Math.ceil(memory / 2 ** 20)}Mi memory; the ${facts.nodes.count} schedulable node(s) have ${facts.nodes.cpuMillis}m and ${Math.floor(facts.nodes.memoryBytes / 2 ** 20)}Mi allocatable in all`,
      fix: 'add nodes, or lower replicas or the resource tier (stackpilot:tier, stackpilot:replicas)',
    });
  }
}
