import type * as k8s from '@pulumi/kubernetes';
import { plain } from '../decl';
import { objectMeta, type Mapper } from './context';

type Metric = k8s.types.input.autoscaling.v2.MetricSpec;

/**
 * `autoscaler` → autoscaling/v2 HorizontalPodAutoscaler on CPU (and memory when planned), with
 * a scale-down stabilization window so that a short dip does not drop replicas.
 */
export const mapAutoscaler: Mapper<'autoscaler'> = (node, ctx) => {
  const s = node.spec;
  const metrics: Metric[] = [utilization('cpu', s.cpuUtilization)];
  if (s.memoryUtilization !== undefined) metrics.push(utilization('memory', s.memoryUtilization));
  return {
    cls: 'k8s.autoscaling.v2.HorizontalPodAutoscaler',
    args: plain({
      metadata: objectMeta(node, ctx),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: s.target.kind, name: s.target.name },
        minReplicas: s.minReplicas,
        maxReplicas: s.maxReplicas,
        metrics,
        behavior: { scaleDown: { stabilizationWindowSeconds: s.scaleDownStabilizationSeconds } },
      },
    } satisfies k8s.autoscaling.v2.HorizontalPodAutoscalerArgs),
  };
};

function utilization(name: 'cpu' | 'memory', averageUtilization: number): Metric {
  return {
    type: 'Resource',
    resource: { name, target: { type: 'Utilization', averageUtilization } },
  };
}
