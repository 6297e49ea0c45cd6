/**
 * From a cluster object to the plan: the plan node it was made from, the component that node
 * belongs to, and the decision behind it (decisions are looked up by skill and topic with the
 * component as their subject, falling back to the environment-wide decision).
 */
import type { FindingDecision } from '../model/diagnosis';
import type { Container, DeploymentPlan, NodeOf, PlanNode, PlanNodeKind } from '../model/plan';

/** The plan node kinds a Kubernetes kind is made from. */
const NODE_KINDS: Record<string, PlanNodeKind[]> = {
  Deployment: ['workload'],
  StatefulSet: ['workload'],
  Job: ['job'],
  CronJob: ['cron-job'],
  Service: ['service'],
  Ingress: ['route'],
  PersistentVolumeClaim: ['volume'],
  HorizontalPodAutoscaler: ['autoscaler'],
  NetworkPolicy: ['network-policy'],
  Secret: ['secret'],
  ConfigMap: ['config'],
  PodDisruptionBudget: ['disruption-budget'],
};

/** The plan node a cluster object of `kind` named `name` was made from. */
export function nodeOf(plan: DeploymentPlan, kind: string, name: string): PlanNode | undefined {
  const kinds = NODE_KINDS[kind] ?? [];
  const direct = plan.nodes.find((n) => kinds.includes(n.kind) && n.name === name);
  if (direct || kind !== 'PersistentVolumeClaim') return direct;
  // A StatefulSet's claim is `<template>-<statefulset>-<ordinal>`.
  return plan.nodes.find(
    (n) =>
      n.kind === 'workload' &&
      (n.spec.volumeClaims ?? []).some((c) => new RegExp(`^${c.name}-${n.name}-\\d+$`).test(name)),
  );
}

/** The workload node of a Deployment or StatefulSet name. */
export function workloadNode(plan: DeploymentPlan, name: string): NodeOf<'workload'> | undefined {
  return plan.nodes.find((n): n is NodeOf<'workload'> => n.kind === 'workload' && n.name === name);
}

/** The component a cluster object belongs to: its plan node's, else the pod label the plan sets. */
export function componentOf(
  plan: DeploymentPlan,
  kind: string,
  name: string,
  labels?: Record<string, string>,
): string | undefined {
  const node = nodeOf(plan, kind, name);
  if (node?.component) return node.component;
  const label = labels?.['app.kubernetes.io/name'];
  return label && plan.nodes.some((n) => n.component === label) ? label : undefined;
}

/**
 * The decision a skill took on `topic` for `component` (or, when the component has none, for
 * the environment): the first of several `[skill, topic]` candidates that exists.
 */
export function decisionOf(
  plan: DeploymentPlan,
  component: string | undefined,
  ...candidates: [skill: string, topic: string][]
): FindingDecision | undefined {
  for (const [skill, topic] of candidates) {
    for (const subject of [component, 'environment']) {
      if (subject === undefined) continue;
      const d = plan.decisions.find(
        (x) => x.skill === skill && x.topic === topic && x.subject === subject,
      );
      if (d) return { skill: d.skill, topic: d.topic, choice: d.choice, reason: d.reason };
    }
  }
  return undefined;
}

/** The pod template of a workload, job or cron-job node. */
export function templateOf(
  node: PlanNode | undefined,
): NodeOf<'workload'>['spec']['template'] | undefined {
  if (!node) return undefined;
  if (node.kind === 'workload') return node.spec.template;
  if (node.kind === 'job') return node.spec.template;
  if (node.kind === 'cron-job') return node.spec.job.template;
  return undefined;
}

/** One container of a node's pod template, by name (init containers included). */
export function planContainer(node: PlanNode | undefined, name: string): Container | undefined {
  const t = templateOf(node);
  return t ? [...t.containers, ...t.initContainers].find((c) => c.name === name) : undefined;
}

/** The nodes that wait for `id` (whose `dependsOn` names it), sorted by id. */
export function dependentsOf(plan: DeploymentPlan, id: string): PlanNode[] {
  return plan.nodes
    .filter((n) => n.dependsOn.includes(id))
    .sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * Whether the plan holds `name` as an app secret of `component`: a secret node entry with that
 * key, or a container env var read from a plan Secret.
 */
export function isPlanSecret(
  plan: DeploymentPlan,
  component: string | undefined,
  name: string,
): boolean {
  const mine = (n: PlanNode) => component === undefined || n.component === component;
  if (
    plan.nodes.some(
      (n) => n.kind === 'secret' && mine(n) && n.spec.entries.some((e) => e.key === name),
    )
  )
    return true;
  return plan.nodes.some(
    (n) =>
      mine(n) &&
      [...(templateOf(n)?.containers ?? []), ...(templateOf(n)?.initContainers ?? [])].some((c) =>
        c.env.some((e) => e.name === name && 'secret' in e),
      ),
  );
}

/** Whether a Secret key is filled from the app's `secrets:` stack config (so `stackpilot secrets set` sets it). */
export function secretConfigKey(
  plan: DeploymentPlan,
  secret: string,
  key: string,
): string | undefined {
  const node = plan.nodes.find(
    (n): n is NodeOf<'secret'> => n.kind === 'secret' && n.name === secret,
  );
  const entry = node?.spec.entries.find((e) => e.key === key);
  const part = entry?.parts.find((p): p is { config: string } => 'config' in p);
  return part?.config.replace(/^secrets:/, '');
}

/**
 * Where the plan takes env var `name` of `component` from when it is a secret: the `secrets:`
 * config key behind it (`config`), or `generated` when the plan makes the value itself (a
 * generated password, a URL it composes); undefined when the plan holds no such secret. The
 * env of `node` (the pod's own workload or job) is read first: a component's Job may take the
 * same variable from another Secret.
 */
export function secretSource(
  plan: DeploymentPlan,
  node: PlanNode | undefined,
  component: string | undefined,
  name: string,
): { config: string } | 'generated' | undefined {
  if (!isPlanSecret(plan, component, name)) return undefined;
  const mine = (n: PlanNode) => component === undefined || n.component === component;
  const refs = [...(node ? [node] : []), ...plan.nodes.filter((n) => n !== node && mine(n))]
    .flatMap((n) => [
      ...(templateOf(n)?.containers ?? []),
      ...(templateOf(n)?.initContainers ?? []),
    ])
    .flatMap((c) => c.env)
    .flatMap((e) => (e.name === name && 'secret' in e ? [e.secret] : []));
  const entries = refs.length ? refs : [{ name: '', key: name }];
  for (const ref of entries) {
    const nodes = plan.nodes.filter(
      (n): n is NodeOf<'secret'> =>
        n.kind === 'secret' &&
        (ref.name ? n.name === ref.name : component === undefined || n.component === component),
    );
    for (const n of nodes) {
      const entry = n.spec.entries.find((e) => e.key === ref.key);
      if (!entry) continue;
      const config = entry.parts.find((p): p is { config: string } => 'config' in p);
      return config ? { config: config.config.replace(/^secrets:/, '') } : 'generated';
    }
  }
  return { config: name };
}
