import type * as k8s from '@pulumi/kubernetes';
import { plain } from '../decl';
import { objectMeta, type Mapper } from './context';

/** `namespace` → Namespace, with the plan's labels (e.g. Pod Security admission levels). */
export const mapNamespace: Mapper<'namespace'> = (node, ctx) => ({
  cls: 'k8s.core.v1.Namespace',
  args: plain({
    metadata: objectMeta(node, ctx, { labels: node.spec.labels }, true),
  } satisfies k8s.core.v1.NamespaceArgs),
});
