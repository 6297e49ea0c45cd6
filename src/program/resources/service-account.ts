import type * as k8s from '@pulumi/kubernetes';
import { plain } from '../decl';
import { objectMeta, type Mapper } from './context';

/** `service-account` → ServiceAccount that never automounts its token. */
export const mapServiceAccount: Mapper<'service-account'> = (node, ctx) => ({
  cls: 'k8s.core.v1.ServiceAccount',
  args: plain({
    metadata: objectMeta(node, ctx),
    automountServiceAccountToken: node.spec.automountToken,
  } satisfies k8s.core.v1.ServiceAccountArgs),
});
