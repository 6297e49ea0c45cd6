/**
 * What every per-kind mapper may read besides its own node: the plan (for the namespace, the
 * app name and the nodes a pod template references), and the metadata every object carries.
 */
import type * as k8s from '@pulumi/kubernetes';
import { sortedRecord } from '../../model/canonical';
import type { DeploymentPlan, NodeOf, PlanNode, PlanNodeKind } from '../../model/plan';
import type { MappedResource } from '../decl';

export { sortedRecord };

/** The plan as the mappers see it. */
export interface MapContext {
  plan: DeploymentPlan;
  /** Nodes by kind and Kubernetes object name, e.g. `config` → `api` → the ConfigMap node. */
  byName: ReadonlyMap<string, PlanNode>;
}

/** Maps one plan node of kind `K` to its resource. */
export type Mapper<K extends PlanNodeKind> = (node: NodeOf<K>, ctx: MapContext) => MappedResource;

/** Builds the {@link MapContext} of a plan. */
export function mapContext(plan: DeploymentPlan): MapContext {
  return { plan, byName: new Map(plan.nodes.map((n) => [`${n.kind}/${n.name}`, n])) };
}

/** Annotation that ties every object back to the plan node it came from. */
export const NODE_ANNOTATION = 'stackpilot.dev/node';

/**
 * Object metadata: the explicit name from the plan (no auto-naming suffix, so rendered files
 * and in-cluster names are stable), the plan namespace unless `clusterScoped`, the standard
 * `app.kubernetes.io/*` labels, and the node annotation. Plan-given labels and annotations
 * win over the defaults.
 */
export function objectMeta(
  node: PlanNode,
  ctx: MapContext,
  extra: { labels?: Record<string, string>; annotations?: Record<string, string> } = {},
  clusterScoped = false,
): k8s.types.input.meta.v1.ObjectMeta {
  const labels: Record<string, string> = {
    'app.kubernetes.io/managed-by': 'stackpilot',
    'app.kubernetes.io/part-of': ctx.plan.app,
  };
  if (node.component) labels['app.kubernetes.io/name'] = node.component;
  return {
    name: node.name,
    ...(clusterScoped ? {} : { namespace: ctx.plan.namespace }),
    labels: sortedRecord({ ...labels, ...extra.labels }),
    annotations: sortedRecord({ ...extra.annotations, [NODE_ANNOTATION]: node.id }),
  };
}
