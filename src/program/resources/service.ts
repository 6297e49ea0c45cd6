import type * as k8s from '@pulumi/kubernetes';
import { plain } from '../decl';
import { objectMeta, sortedRecord, type Mapper } from './context';

/**
 * `service` → ClusterIP Service; a headless one (`clusterIP: None`) governs a StatefulSet. The
 * Service carries the labels of the pods it selects, so that whatever selects the pods by
 * label (a ServiceMonitor, a policy) selects their Service the same way.
 */
export const mapService: Mapper<'service'> = (node, ctx) => ({
  cls: 'k8s.core.v1.Service',
  args: plain({
    metadata: objectMeta(node, ctx, {
      labels: node.spec.selector,
      annotations: node.spec.annotations,
    }),
    spec: {
      type: 'ClusterIP',
      ...(node.spec.headless ? { clusterIP: 'None' } : {}),
      selector: sortedRecord(node.spec.selector),
      ports: node.spec.ports.map((p) => ({
        name: p.name,
        port: p.port,
        targetPort: p.targetPort,
        protocol: 'TCP',
      })),
    },
  } satisfies k8s.core.v1.ServiceArgs),
});
