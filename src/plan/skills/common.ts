/**
 * Small pure helpers every built-in skill shares, so that skills agree on names, labels,
 * ports and which components run in the cluster without reading each other's output.
 */
import type { AppModel, Component } from '../../model/app';
import type { Environment } from '../../model/environment';
import { instanceName, type ContainerEnv, type Decision, type PlanNode } from '../../model/plan';
import { decision, type ComponentFacts, type SkillInput } from '../skill';
import { analyzedPort, isDataComponent, primaryPort, servesHttp } from './components';
import { dataEngine, DATA_CATALOG } from './data-catalog';

/** The value of `app.kubernetes.io/managed-by` on everything stackpilot creates. */
export const MANAGED_BY = 'stackpilot';
/** Pod label carrying the blue-green colour. */
export const COLOR_LABEL = 'stackpilot.dev/color';
/** UID and GID every container runs as (≥ 10000, so it maps to no user on the node). */
export const RUN_AS_ID = 10001;

/** Labels that select a component's pods (and, with a colour, one blue-green colour). */
export function selectorLabels(
  app: AppModel,
  env: Environment,
  name: string,
  color?: 'blue' | 'green',
): Record<string, string> {
  const labels: Record<string, string> = {
    'app.kubernetes.io/instance': instanceName(app.name, env.name),
    'app.kubernetes.io/name': name,
  };
  if (color) labels[COLOR_LABEL] = color;
  return labels;
}

/** Full recommended labels of a pod: selector labels plus component role, app and manager. */
export function podLabels(
  app: AppModel,
  env: Environment,
  name: string,
  role: string,
  color?: 'blue' | 'green',
): Record<string, string> {
  return {
    ...selectorLabels(app, env, name, color),
    'app.kubernetes.io/component': role,
    'app.kubernetes.io/managed-by': MANAGED_BY,
    'app.kubernetes.io/part-of': app.name,
  };
}

/** Sorts env entries by name (Kubernetes order does not matter for plain values). */
export function sortEnv(env: ContainerEnv[]): ContainerEnv[] {
  return [...env].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The facts gathered so far for one component, or an empty object. */
export function factsOf(input: SkillInput, name: string): Partial<ComponentFacts> {
  return input.facts[name] ?? {};
}

/** Nodes of one kind contributed so far. */
export function nodesOfKind<K extends PlanNode['kind']>(
  input: SkillInput,
  kind: K,
): Array<Extract<PlanNode, { kind: K }>> {
  return input.nodes.filter((n): n is Extract<PlanNode, { kind: K }> => n.kind === kind);
}

// ---- security contexts ---------------------------------------------------------------------

/** Pod-level security context of the restricted Pod Security Standard, uid/gid 10001. */
export function restrictedPodSecurityContext(): {
  runAsNonRoot: true;
  runAsUser: number;
  runAsGroup: number;
  fsGroup: number;
  seccompProfile: { type: 'RuntimeDefault' };
} {
  return {
    runAsNonRoot: true,
    runAsUser: RUN_AS_ID,
    runAsGroup: RUN_AS_ID,
    fsGroup: RUN_AS_ID,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container-level security context of the restricted Pod Security Standard. */
export function restrictedContainerSecurityContext(readOnlyRootFilesystem: boolean): {
  runAsNonRoot: true;
  runAsUser: number;
  runAsGroup: number;
  readOnlyRootFilesystem: boolean;
  allowPrivilegeEscalation: false;
  privileged: false;
  capabilities: { drop: string[] };
  seccompProfile: { type: 'RuntimeDefault' };
} {
  return {
    runAsNonRoot: true,
    runAsUser: RUN_AS_ID,
    runAsGroup: RUN_AS_ID,
    readOnlyRootFilesystem,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

// ---- metrics --------------------------------------------------------------------------------

/** Namespace Prometheus scrapes from (kube-prometheus-stack's default). */
export const MONITORING_NAMESPACE = 'monitoring';

/**
 * Where Prometheus scrapes a component, or `undefined`: HTTP backends and chatbots at
 * `/metrics` on their port, data services with a built-in exporter on its port.
 */
export function metricsEndpoint(
  c: Component,
  env: Environment,
): { port: number; portName: string; path: string } | undefined {
  const engine = dataEngine(c);
  if (isDataComponent(c)) {
    const m = engine ? DATA_CATALOG[engine].metrics : undefined;
    const p = m && engine ? DATA_CATALOG[engine].ports.find((x) => x.name === m.port) : undefined;
    return m && p ? { port: p.containerPort, portName: p.name, path: m.path } : undefined;
  }
  if (!servesHttp(c) || (c.kind !== 'backend' && c.kind !== 'chatbot')) return undefined;
  return { port: primaryPort(c, env)!, portName: 'http', path: '/metrics' };
}

/**
 * The decision a `stackpilot:components.<name>.port` override records, or `undefined`
 * without one. The override describes the image (where its process listens), so it changes
 * where the plan points, never the image.
 */
export function portOverrideDecision(
  skill: string,
  c: Component,
  env: Environment,
): Decision | undefined {
  const port = env.components[c.name]?.port;
  if (port === undefined) return undefined;
  const analyzed = analyzedPort(c);
  return decision(
    skill,
    c.name,
    'port',
    String(port),
    `with the stack override stackpilot:components.${c.name}.port, ${c.name} listens on ${port}${analyzed === port ? ' (the port the analysis found too)' : ` where the analysis found ${analyzed}`}: its container port, Service, probes, network policies and the URLs its dependents get all use ${port}; the image is not changed`,
    [`the analyzed port ${analyzed}`],
  );
}

// ---- commands -------------------------------------------------------------------------------

/**
 * Splits a shell command line into argv when it is a plain command; wraps it in `sh -c`
 * when it uses shell syntax (pipes, `&&`, variables, redirections).
 */
export function commandArgv(cmd: string): string[] {
  const trimmed = cmd.trim();
  if (/[|&;<>$`()*?]/.test(trimmed.replace(/"[^"]*"|'[^']*'/g, ''))) return ['sh', '-c', trimmed];
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(trimmed); m; m = re.exec(trimmed)) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}

export * from './components';
export * from './env-routing';
export * from './quantities';
export * from './routing';
export { dataEngine, DATA_CATALOG, type DataEngine } from './data-catalog';
