import type * as k8s from '@pulumi/kubernetes';
import { plain } from '../decl';
import { objectMeta, sortedRecord, type Mapper } from './context';
import { jobSpec } from './job';

/** `cron-job` → CronJob (e.g. a scheduled backup). */
export const mapCronJob: Mapper<'cron-job'> = (node, ctx) => ({
  cls: 'k8s.batch.v1.CronJob',
  args: plain({
    metadata: objectMeta(node, ctx),
    spec: {
      schedule: node.spec.schedule,
      concurrencyPolicy: node.spec.concurrencyPolicy,
      ...(node.spec.startingDeadlineSeconds !== undefined
        ? { startingDeadlineSeconds: node.spec.startingDeadlineSeconds }
        : {}),
      successfulJobsHistoryLimit: node.spec.successfulJobsHistoryLimit,
      failedJobsHistoryLimit: node.spec.failedJobsHistoryLimit,
      jobTemplate: {
        metadata: { labels: sortedRecord(node.spec.job.template.labels) },
        spec: jobSpec(node.spec.job, ctx),
      },
    },
  } satisfies k8s.batch.v1.CronJobArgs),
});
