/**
 * Small builders for hand-written plans: the defaults a planner would fill (hardened security
 * contexts, probes, resources), so that a test plan states only what differs per component.
 */
import { contentHash } from '../../../../src/model/canonical';
import {
  DeploymentPlanSchema,
  type Container,
  type DeploymentPlan,
  type PlanNode,
  type PodTemplate,
  type Probe,
} from '../../../../src/model/plan';

export const UID = 10001;

export const containerSecurity: Container['securityContext'] = {
  runAsNonRoot: true,
  runAsUser: UID,
  runAsGroup: UID,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  privileged: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

export function probe(handler: Probe['handler'], over: Partial<Probe> = {}): Probe {
  return {
    handler,
    initialDelaySeconds: 0,
    periodSeconds: 10,
    timeoutSeconds: 2,
    failureThreshold: 3,
    successThreshold: 1,
    ...over,
  };
}

export function resources(cpu: string, memory: string, cpuLimit?: string): Container['resources'] {
  return {
    requests: { cpu, memory, 'ephemeral-storage': '64Mi' },
    limits: { ...(cpuLimit ? { cpu: cpuLimit } : {}), memory, 'ephemeral-storage': '256Mi' },
  };
}

export function container(c: Partial<Container> & Pick<Container, 'name' | 'image'>): Container {
  return {
    ports: [],
    env: [],
    resources: resources('100m', '128Mi', '500m'),
    probes: {},
    securityContext: containerSecurity,
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
    ...c,
  };
}

export function pod(
  labels: Record<string, string>,
  serviceAccount: string,
  containers: Container[],
  over: Partial<PodTemplate> = {},
): PodTemplate {
  return {
    labels,
    annotations: {},
    serviceAccount,
    automountServiceAccountToken: false,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: UID,
      runAsGroup: UID,
      fsGroup: UID,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers,
    initContainers: [],
    volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
    topologySpread: [],
    terminationGracePeriodSeconds: 30,
    restartPolicy: 'Always',
    ...over,
  };
}

/** Input of {@link finishPlan}: a plan without the fields derived from its nodes. */
export type PlanDraft = Omit<DeploymentPlan, 'hash' | 'waves' | 'nodes'> & {
  nodes: Array<Omit<PlanNode, 'after' | 'dependsOn'> & { dependsOn?: string[] }>;
};

/**
 * Fills `after`, sorts `dependsOn`, computes the waves and the content hash, and validates the
 * result with the real schema, so a test plan is a plan the program can receive.
 */
export function finishPlan(draft: PlanDraft): DeploymentPlan {
  const nodes = draft.nodes.map((n) => ({
    ...n,
    after: [],
    dependsOn: [...new Set(n.dependsOn ?? [])].sort(),
  }));
  const waves: string[][] = [];
  const placed = new Set<string>();
  let pending = nodes;
  while (pending.length) {
    const ready = pending.filter((n) => n.dependsOn.every((d) => placed.has(d)));
    if (!ready.length)
      throw new Error(`cycle or unknown dependency among ${pending.map((n) => n.id)}`);
    waves.push(ready.map((n) => n.id).sort());
    ready.forEach((n) => placed.add(n.id));
    pending = pending.filter((n) => !placed.has(n.id));
  }
  const body = { ...draft, nodes, waves };
  return DeploymentPlanSchema.parse({ ...body, hash: contentHash(body) });
}
