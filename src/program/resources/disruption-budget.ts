import type * as k8s from '@pulumi/kubernetes';
import { plain } from '../decl';
import { objectMeta, sortedRecord, type Mapper } from './context';

/** `disruption-budget` → policy/v1 PodDisruptionBudget with whichever bound the plan sets. */
export const mapDisruptionBudget: Mapper<'disruption-budget'> = (node, ctx) => ({
  cls: 'k8s.policy.v1.PodDisruptionBudget',
  args: plain({
    metadata: objectMeta(node, ctx),
    spec: {
      selector: { matchLabels: sortedRecord(node.spec.selector) },
      ...(node.spec.minAvailable !== undefined ? { minAvailable: node.spec.minAvailable } : {}),
      ...(node.spec.maxUnavailable !== undefined
        ? { maxUnavailable: node.spec.maxUnavailable }
        : {}),
    },
  } satisfies k8s.policy.v1.PodDisruptionBudgetArgs),
});
