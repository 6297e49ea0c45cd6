/**
 * The Kubernetes objects a chart templates: exactly the objects the program registers for a
 * plan (`declareResources` with a render target), so a chart and `stackpilot render` can never
 * disagree, less the ones a chart must not carry. Secrets stay out (a chart references them
 * by name: the existingSecret pattern), and with them the generated passwords they hold.
 */
import { SecretValue, type ResourceClass, type Value } from '../program/decl';
import { declareResources } from '../program/declare';
import { isOutsideChart } from '../program/helm-release';
import type { DeploymentPlan, PlanNodeKind } from '../model/plan';
import type { Json } from './json';

/**
 * Whether a chart leaves nodes of `kind` out: those the program keeps beside a delivered
 * chart, except the Namespace, which the chart holds switched off (`namespace.create`), so
 * that `helm install --create-namespace` and delivery through Pulumi both work and a chart
 * used on its own can still make it.
 */
export function outsideChart(kind: PlanNodeKind): boolean {
  return kind !== 'namespace' && isOutsideChart(kind);
}

/** How one resource class appears in a chart. */
export interface KindInfo {
  apiVersion: string;
  kind: string;
  /** The values group its objects are tuned under, e.g. `workloads`. */
  group: string;
  /** Its template file under `templates/`. */
  file: string;
}

const CORE = (kind: string, group: string, file: string): KindInfo => ({
  apiVersion: 'v1',
  kind,
  group,
  file,
});

/** Every class the chart can hold (the CustomResource's apiVersion and kind come from its args). */
export const KINDS: { readonly [C in ResourceClass]?: KindInfo } = {
  'k8s.core.v1.Namespace': CORE('Namespace', 'namespace', 'namespace.yaml'),
  'k8s.core.v1.ServiceAccount': CORE('ServiceAccount', 'serviceAccounts', 'serviceaccounts.yaml'),
  'k8s.core.v1.ConfigMap': CORE('ConfigMap', 'configMaps', 'configmaps.yaml'),
  'k8s.core.v1.PersistentVolumeClaim': CORE(
    'PersistentVolumeClaim',
    'volumes',
    'persistentvolumeclaims.yaml',
  ),
  'k8s.core.v1.Service': CORE('Service', 'services', 'services.yaml'),
  'k8s.apps.v1.Deployment': {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    group: 'workloads',
    file: 'deployments.yaml',
  },
  'k8s.apps.v1.StatefulSet': {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    group: 'workloads',
    file: 'statefulsets.yaml',
  },
  'k8s.batch.v1.Job': { apiVersion: 'batch/v1', kind: 'Job', group: 'jobs', file: 'jobs.yaml' },
  'k8s.batch.v1.CronJob': {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    group: 'cronJobs',
    file: 'cronjobs.yaml',
  },
  'k8s.networking.v1.Ingress': {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    group: 'ingresses',
    file: 'ingresses.yaml',
  },
  'k8s.networking.v1.NetworkPolicy': {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    group: 'networkPolicies',
    file: 'networkpolicies.yaml',
  },
  'k8s.autoscaling.v2.HorizontalPodAutoscaler': {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    group: 'autoscalers',
    file: 'horizontalpodautoscalers.yaml',
  },
  'k8s.policy.v1.PodDisruptionBudget': {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    group: 'disruptionBudgets',
    file: 'poddisruptionbudgets.yaml',
  },
  'k8s.apiextensions.CustomResource': {
    apiVersion: '',
    kind: '',
    group: 'serviceMonitors',
    file: 'servicemonitors.yaml',
  },
};

/** One chart object in one environment. */
export interface ChartObject {
  /** The plan node id: the object's identity across environments. */
  nodeId: string;
  nodeKind: PlanNodeKind;
  name: string;
  info: KindInfo;
  /** The whole object, apiVersion and kind first, as `render` writes it. */
  body: { [key: string]: Json };
}

/**
 * The chart objects of one plan, in the program's registration order. Throws when a class has
 * no chart mapping or a secret value would end up in the chart (neither can happen with the
 * built-in mappers; a guard against new ones).
 */
export function chartObjects(plan: DeploymentPlan): ChartObject[] {
  const kinds = new Map(plan.nodes.map((n) => [n.id, n.kind]));
  const out: ChartObject[] = [];
  for (const decl of declareResources(plan, { kind: 'render' })) {
    const nodeKind = kinds.get(decl.nodeId);
    if (!nodeKind || outsideChart(nodeKind)) continue;
    const info = KINDS[decl.cls];
    if (!info) throw new Error(`no chart template for ${decl.cls} (${decl.nodeId})`);
    const args = toJson(decl.args, decl.nodeId) as { [key: string]: Json };
    const body =
      decl.cls === 'k8s.apiextensions.CustomResource'
        ? args
        : { apiVersion: info.apiVersion, kind: info.kind, ...args };
    const metadata = body.metadata as { name: string };
    out.push({ nodeId: decl.nodeId, nodeKind, name: metadata.name, info, body });
  }
  return out;
}

function toJson(v: Value, where: string): Json {
  if (v instanceof SecretValue) throw new Error(`a secret value would be templated (${where})`);
  if (Array.isArray(v)) return v.map((x) => toJson(x, where));
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v as { [key: string]: Value }).map(([k, x]) => [k, toJson(x, where)]),
    );
  }
  return v as Json;
}
