/**
 * What every detector reads: the plan, the snapshot with its lists in a fixed order (so a
 * detector that takes "the first" of something takes the same one whatever order the cluster
 * listed them in), and the names of the stack.
 */
import type { Finding } from '../model/diagnosis';
import type { DeploymentPlan } from '../model/plan';
import type { DiagnosisSnapshot, EventSnapshot } from '../model/snapshot';

/** The input of {@link diagnose}. */
export interface DiagnoseInput {
  plan: DeploymentPlan;
  snapshot: DiagnosisSnapshot;
  /** The Pulumi project (the app name), as `stackpilot secrets set <project>` takes it. */
  project: string;
  environment: string;
}

/** What a detector reads. */
export interface DiagnoseContext {
  plan: DeploymentPlan;
  snap: DiagnosisSnapshot;
  project: string;
  environment: string;
  namespace: string;
}

/** A failure class's detector: every finding of its class in the snapshot. */
export type Detector = (ctx: DiagnoseContext) => Finding[];

const byName = <T extends { name: string }>(xs: T[]): T[] =>
  [...xs].sort((a, b) => a.name.localeCompare(b.name));

function eventOrder(a: EventSnapshot, b: EventSnapshot): number {
  return (
    a.kind.localeCompare(b.kind) ||
    a.name.localeCompare(b.name) ||
    a.last.localeCompare(b.last) ||
    a.reason.localeCompare(b.reason) ||
    a.message.localeCompare(b.message) ||
    a.count - b.count
  );
}

/** The context of one diagnosis, the snapshot's lists sorted. */
export function contextOf(input: DiagnoseInput): DiagnoseContext {
  const s = input.snapshot;
  const snap: DiagnosisSnapshot = {
    ...s,
    workloads: [...s.workloads].sort(
      (a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name),
    ),
    replicaSets: byName(s.replicaSets),
    pods: byName(s.pods),
    jobs: byName(s.jobs),
    claims: byName(s.claims),
    ingresses: byName(s.ingresses),
    events: [...s.events].sort(eventOrder),
    services: byName(s.services),
    endpoints: [...s.endpoints].sort((a, b) => a.service.localeCompare(b.service)),
    autoscalers: byName(s.autoscalers),
    networkPolicies: byName(s.networkPolicies),
    nodes: byName(s.nodes),
    storageClasses: byName(s.storageClasses),
    configs: [...s.configs].sort(
      (a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name),
    ),
    logs: [...s.logs].sort(
      (a, b) =>
        a.pod.localeCompare(b.pod) ||
        a.container.localeCompare(b.container) ||
        Number(a.previous) - Number(b.previous),
    ),
    unreadable: [...s.unreadable].sort(),
  };
  return {
    plan: input.plan,
    snap,
    project: input.project,
    environment: input.environment,
    namespace: s.namespace || input.plan.namespace,
  };
}

/** `Deployment shop-dev/api`. */
export function ref(ctx: DiagnoseContext, kind: string, name: string): string {
  return `${kind} ${ctx.namespace}/${name}`;
}

/**
 * Whether the snapshot says a whole kind could not be read (`Secrets: forbidden (RBAC)`); a
 * line about one object (`NetworkPolicy x: …`) does not count.
 */
export function unreadable(ctx: DiagnoseContext, kind: string): boolean {
  const plural = kind.endsWith('ss')
    ? `${kind}es`
    : kind.endsWith('y')
      ? `${kind.slice(0, -1)}ies`
      : kind.endsWith('s')
        ? kind
        : `${kind}s`;
  return ctx.snap.unreadable.some((line) =>
    new RegExp(`^(${kind}|${plural}):`, 'i').test(line.trim()),
  );
}
