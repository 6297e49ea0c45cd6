/**
 * autoscaler-no-metrics: a HorizontalPodAutoscaler that cannot read its metrics, most often
 * because the cluster serves no resource metrics API (metrics-server is not installed). The
 * fix turns the component's autoscaling off (a fixed replica count), or install metrics-server.
 */
import type { Finding } from '../../model/diagnosis';
import type { AutoscalerSnapshot } from '../../model/snapshot';
import { ref, type DiagnoseContext } from '../context';
import { conditionEvidence, eventEvidence } from '../evidence';
import { componentOverride, configFix } from '../fixes';
import { componentOf, decisionOf } from '../link';
import { noMetricsApi } from '../messages';
import { eventsAbout } from '../pods';

const METRIC_EVENTS =
  /^(FailedGetResourceMetric|FailedGetPodsMetric|FailedComputeMetricsReplicas|FailedGetExternalMetric)$/;

/** One finding per autoscaler without metrics. */
export function autoscalerNoMetrics(ctx: DiagnoseContext): Finding[] {
  return ctx.snap.autoscalers
    .map((a) => finding(ctx, a))
    .filter((f): f is Finding => f !== undefined);
}

function finding(ctx: DiagnoseContext, a: AutoscalerSnapshot): Finding | undefined {
  const inactive = a.conditions.find((c) => c.type === 'ScalingActive' && c.status === 'False');
  const events = eventsAbout(ctx.snap.events, 'HorizontalPodAutoscaler', a.name).filter((e) =>
    METRIC_EVENTS.test(e.reason),
  );
  if (!inactive && !events.length) return undefined; // no metrics yet, and nothing says why: too early to tell
  const component =
    componentOf(ctx.plan, 'HorizontalPodAutoscaler', a.name) ??
    componentOf(ctx.plan, a.target.kind, a.target.name);
  const messages = [inactive?.message ?? '', ...events.map((e) => e.message)];
  const noApi = messages.some(noMetricsApi);
  const decision = decisionOf(
    ctx.plan,
    component,
    ['scaling', 'replicas'],
    ['scaling', 'autoscaling'],
  );
  return {
    class: 'autoscaler-no-metrics',
    ...(component ? { component } : {}),
    object: ref(ctx, 'HorizontalPodAutoscaler', a.name),
    evidence: [
      ...(inactive ? [conditionEvidence(inactive)] : []),
      `status.currentMetrics: ${a.hasMetrics ? 'present' : '(none)'}`,
      ...eventEvidence(ctx, 'HorizontalPodAutoscaler', a.name, (e) => METRIC_EVENTS.test(e.reason)),
    ],
    cause: noApi
      ? `the autoscaler of ${a.target.kind} ${a.target.name} gets no metrics: the cluster serves no resource metrics API (metrics.k8s.io), so install metrics-server, or turn autoscaling off; it stays at ${a.min} replicas meanwhile`
      : `the autoscaler of ${a.target.kind} ${a.target.name} cannot compute its metrics: check that its pods request cpu and that metrics-server reports them`,
    ...(decision ? { decision } : {}),
    ...(component
      ? {
          fix: configFix(
            componentOverride(component, { autoscaling: { enabled: false } }),
            `${a.name} has no metrics${noApi ? ' (no metrics API)' : ''}: it cannot scale between ${a.min} and ${a.max} replicas; a fixed replica count serves until metrics-server is installed`,
          ),
        }
      : {}),
  };
}
