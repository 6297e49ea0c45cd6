import type * as k8s from '@pulumi/kubernetes';
import { plain } from '../decl';
import { objectMeta, type Mapper } from './context';

/** `volume` → PersistentVolumeClaim; the cluster default storage class unless the plan names one. */
export const mapVolume: Mapper<'volume'> = (node, ctx) => ({
  cls: 'k8s.core.v1.PersistentVolumeClaim',
  args: plain({
    metadata: objectMeta(node, ctx),
    spec: {
      accessModes: [...node.spec.accessModes],
      ...(node.spec.storageClass ? { storageClassName: node.spec.storageClass } : {}),
      resources: { requests: { storage: node.spec.storage } },
    },
  } satisfies k8s.core.v1.PersistentVolumeClaimArgs),
});
