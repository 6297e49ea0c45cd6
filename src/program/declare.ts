/**
 * Plan → resource declarations: one {@link ResourceDecl} per plan node, in registration order,
 * each with exactly the node's `dependsOn`. Pure; both the inline program and eject use it.
 */
import type { DeploymentPlan } from '../model/plan';
import { InputError } from '../model/errors';
import type { ResourceDecl } from './decl';
import { registrationOrder } from './graph';
import { resourceName } from './names';
import { mapContext } from './resources/context';
import { mapNode } from './resources/registry';

/**
 * Every resource of the plan, in an order where each comes after what it depends on. Throws
 * {@link InputError} listing every issue when the plan's graph cannot be registered as given.
 */
export function declareResources(plan: DeploymentPlan): ResourceDecl[] {
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
  return registrationOrder(plan).map((node) => ({
    nodeId: node.id,
    name: resourceName(node.id),
    ...mapNode(node, ctx),
    dependsOn: [...node.dependsOn].sort(),
  }));
}
