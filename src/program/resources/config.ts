import type * as k8s from '@pulumi/kubernetes';
import { plain } from '../decl';
import { objectMeta, sortedRecord, type Mapper } from './context';

/** `config` → ConfigMap of plain, non-secret values. */
export const mapConfig: Mapper<'config'> = (node, ctx) => ({
  cls: 'k8s.core.v1.ConfigMap',
  args: plain({
    metadata: objectMeta(node, ctx),
    data: sortedRecord(node.spec.data),
  } satisfies k8s.core.v1.ConfigMapArgs),
});
