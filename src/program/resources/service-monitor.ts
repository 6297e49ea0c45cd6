import type * as k8s from '@pulumi/kubernetes';
import { plain } from '../decl';
import { objectMeta, sortedRecord, type Mapper } from './context';

/**
 * `service-monitor` → Prometheus-operator ServiceMonitor (monitoring.coreos.com/v1), as a
 * CustomResource: the CRD belongs to the cluster's monitoring stack, not to this program.
 */
export const mapServiceMonitor: Mapper<'service-monitor'> = (node, ctx) => ({
  cls: 'k8s.apiextensions.CustomResource',
  args: plain({
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: objectMeta(node, ctx),
    spec: {
      selector: { matchLabels: sortedRecord(node.spec.selector) },
      namespaceSelector: { matchNames: [ctx.plan.namespace] },
      endpoints: [{ port: node.spec.port, path: node.spec.path, interval: node.spec.interval }],
    },
  } satisfies k8s.apiextensions.CustomResourceArgs),
});
