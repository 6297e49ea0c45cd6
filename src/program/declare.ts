/**
 * Plan → resource declarations: one {@link ResourceDecl} per plan node, in registration order,
 * each with exactly the node's `dependsOn`. Pure; both the inline program and eject use it.
 */
import type { DeploymentPlan } from '../model/plan';
import { InputError } from '../model/errors';
import type { Target } from '../model/environment';
import type { ResourceDecl, Value } from './decl';
import { registrationOrder } from './graph';
import { resourceName } from './names';
import { mapContext } from './resources/context';
import { mapNode } from './resources/registry';

/**
 * Every resource of the plan, in an order where each comes after what it depends on; for a
 * cluster `target`, see {@link onCluster}. Throws
 * {@link InputError} listing every issue when the plan's graph cannot be registered as given.
 */
export function declareResources(
  plan: DeploymentPlan,
  target: Target = { kind: 'render' },
): ResourceDecl[] {
  const ns = plan.nodes.find((n) => n.kind === 'namespace');
  if (ns && ns.name !== plan.namespace) {
    throw new InputError('the plan cannot become a program', [
      {
        field: `nodes[${plan.nodes.indexOf(ns)}].name`,
        message: `namespace node ${ns.name} differs from the plan namespace ${plan.namespace}`,
      },
    ]);
  }
  const ctx = mapContext(plan);
  return registrationOrder(plan).map((node) => {
    const mapped = mapNode(node, ctx);
    return {
      nodeId: node.id,
      name: resourceName(node.id),
      ...mapped,
      ...(target.kind === 'cluster' && mapped.cls.startsWith('k8s.')
        ? { args: onCluster(mapped.cls, mapped.args) }
        : {}),
      dependsOn: [...node.dependsOn].sort(),
    };
  });
}

/**
 * What a resource carries on a cluster. It owns every field it declares: a field someone
 * changed by hand (kubectl scale, an image patched in place) is taken back on the next up,
 * instead of failing it with a server-side-apply conflict. A ClusterIP Service is not awaited:
 * its pods are the workload's, whose own readiness the engine waits for, and the provider
 * otherwise holds every Service (and each Ingress behind it) for seconds when its pods are
 * created after it.
 */
function onCluster(cls: ResourceDecl['cls'], args: ResourceDecl['args']): ResourceDecl['args'] {
  const metadata = (args.metadata ?? {}) as { readonly [key: string]: Value };
  const annotations = (metadata.annotations ?? {}) as { readonly [key: string]: Value };
  const own: Record<string, string> = { 'pulumi.com/patchForce': 'true' };
  if (cls === 'k8s.core.v1.Service') own['pulumi.com/skipAwait'] = 'true';
  return { ...args, metadata: { ...metadata, annotations: { ...annotations, ...own } } };
}
