import type * as k8s from '@pulumi/kubernetes';
import type { NodeOf } from '../../model/plan';
import { plain, type MappedResource } from '../decl';
import { objectMeta, sortedRecord, type MapContext, type Mapper } from './context';
import { podTemplate } from './pod';

/**
 * `workload` → Deployment or StatefulSet. `replicas` is set only when the plan fixes it: when
 * an autoscaler owns the count, a value here would fight the HPA on every update. Blue-green
 * colours are ordinary workloads with their own names and labels.
 */
export const mapWorkload: Mapper<'workload'> = (node, ctx) =>
  node.spec.controller === 'statefulset' ? statefulSet(node, ctx) : deployment(node, ctx);

function deployment(node: NodeOf<'workload'>, ctx: MapContext): MappedResource {
  const s = node.spec;
  return {
    cls: 'k8s.apps.v1.Deployment',
    args: plain({
      metadata: objectMeta(node, ctx),
      spec: {
        ...(s.replicas !== undefined ? { replicas: s.replicas } : {}),
        selector: { matchLabels: sortedRecord(s.selector) },
        template: podTemplate(s.template, ctx, s.selector),
        strategy:
          s.strategy.type === 'rolling'
            ? {
                type: 'RollingUpdate',
                rollingUpdate: {
                  maxSurge: s.strategy.maxSurge,
                  maxUnavailable: s.strategy.maxUnavailable,
                },
              }
            : { type: 'Recreate' },
        minReadySeconds: s.minReadySeconds,
        revisionHistoryLimit: s.revisionHistoryLimit,
        progressDeadlineSeconds: s.progressDeadlineSeconds,
      },
    } satisfies k8s.apps.v1.DeploymentArgs),
  };
}

/**
 * A StatefulSet replaces pods one at a time keeping their identity, which is what both the
 * rolling and the recreate strategy ask of a stateful component, so both map to
 * `RollingUpdate` (StatefulSets have no surge; `OnDelete` would never roll at all).
 */
function statefulSet(node: NodeOf<'workload'>, ctx: MapContext): MappedResource {
  const s = node.spec;
  return {
    cls: 'k8s.apps.v1.StatefulSet',
    args: plain({
      metadata: objectMeta(node, ctx),
      spec: {
        ...(s.replicas !== undefined ? { replicas: s.replicas } : {}),
        serviceName: s.serviceName ?? node.name,
        selector: { matchLabels: sortedRecord(s.selector) },
        template: podTemplate(s.template, ctx, s.selector),
        updateStrategy: { type: 'RollingUpdate' },
        minReadySeconds: s.minReadySeconds,
        revisionHistoryLimit: s.revisionHistoryLimit,
        ...(s.volumeClaims?.length
          ? {
              volumeClaimTemplates: s.volumeClaims.map((c) => ({
                metadata: { name: c.name, labels: sortedRecord(s.selector) },
                spec: {
                  accessModes: [...c.accessModes],
                  ...(c.storageClass ? { storageClassName: c.storageClass } : {}),
                  resources: { requests: { storage: c.storage } },
                },
              })),
            }
          : {}),
      },
    } satisfies k8s.apps.v1.StatefulSetArgs),
  };
}
