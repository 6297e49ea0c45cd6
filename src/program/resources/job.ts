import type * as k8s from '@pulumi/kubernetes';
import type { JobSpec } from '../../model/plan';
import { plain } from '../decl';
import { objectMeta, type MapContext, type Mapper } from './context';
import { podTemplate } from './pod';

/**
 * `job` → Job (e.g. a migration that workloads wait for). With a fixed name, a changed pod
 * template makes Pulumi replace the Job, which runs it again for the new version.
 */
export const mapJob: Mapper<'job'> = (node, ctx) => ({
  cls: 'k8s.batch.v1.Job',
  args: plain({
    metadata: objectMeta(node, ctx),
    spec: jobSpec(node.spec, ctx),
  } satisfies k8s.batch.v1.JobArgs),
});

/** The Job spec shared by jobs and cron jobs. */
export function jobSpec(spec: JobSpec, ctx: MapContext): k8s.types.input.batch.v1.JobSpec {
  return {
    backoffLimit: spec.backoffLimit,
    activeDeadlineSeconds: spec.activeDeadlineSeconds,
    ttlSecondsAfterFinished: spec.ttlSecondsAfterFinished,
    template: podTemplate(spec.template, ctx),
  };
}
