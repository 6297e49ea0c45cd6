/**
 * readiness: pods whose containers run but never turn Ready. The readiness probe's failures
 * say how: an error status (the app reports itself not ready), a refused connection (nothing
 * listens on the port), a timeout, or a 404 (the path; see probe-mismatch).
 */
import type { Finding } from '../../model/diagnosis';
import type { ContainerSnapshot, PodSnapshot } from '../../model/snapshot';
import { ref, type DiagnoseContext } from '../context';
import { eventEvidence, otherPods } from '../evidence';
import { componentOf, decisionOf } from '../link';
import { probeOf, probeStatus, probeTimedOut, refusedPort } from '../messages';
import { containerProblems, eventsAbout, isReady } from '../pods';

function running(c: ContainerSnapshot): boolean {
  return !c.waiting && !c.terminated;
}

function notReadyButRunning(c: ContainerSnapshot, p: PodSnapshot): boolean {
  return (
    p.phase === 'Running' &&
    !isReady(p) &&
    !c.ready &&
    p.containers.every(running) &&
    c.lastTerminated?.reason !== 'OOMKilled'
  );
}

/** One finding per workload and container that runs but is not ready. */
export function readiness(ctx: DiagnoseContext): Finding[] {
  return containerProblems(ctx.snap, notReadyButRunning).map(
    ({ controller, pods, pod, container }) => {
      const component = componentOf(ctx.plan, controller.kind, controller.name, pod.labels);
      const probe = eventsAbout(ctx.snap.events, 'Pod', pod.name).find(
        (e) => e.reason === 'Unhealthy' && probeOf(e.message) === 'readiness',
      );
      const decision = decisionOf(ctx.plan, component, ['observability', 'probes']);
      return {
        class: 'readiness',
        ...(component ? { component } : {}),
        object: ref(ctx, controller.kind, controller.name),
        evidence: [
          `pod ${pod.name} container ${container.name}: ready: false`,
          ...(container.restartCount
            ? [
                `pod ${pod.name} container ${container.name}: restartCount: ${container.restartCount}`,
              ]
            : []),
          ...eventEvidence(ctx, 'Pod', pod.name, (e) => e.reason === 'Unhealthy'),
          ...otherPods(pods, pod.name),
        ],
        cause: `container ${container.name} runs but is not ready: ${why(probe?.message)}`,
        ...(decision ? { decision } : {}),
      } satisfies Finding;
    },
  );
}

function why(message: string | undefined): string {
  if (!message)
    return 'no readiness probe failure recorded yet; the probe may still be in its initial delay';
  const status = probeStatus(message);
  if (status === 404)
    return 'its readiness path answers 404: the app serves its health check elsewhere (see probe-mismatch)';
  if (status !== undefined && status >= 500)
    return `it answers its readiness probe with ${status}: the app reports itself not ready, often because a dependency it checks is down`;
  if (status !== undefined) return `its readiness probe gets HTTP ${status}`;
  const port = refusedPort(message);
  if (port !== undefined || /connection refused/i.test(message))
    return `nothing listens on the readiness probe's port${port !== undefined ? ` ${port}` : ''}: the app serves another port, or has not started listening`;
  if (probeTimedOut(message))
    return 'its readiness probe times out: the app is too slow to answer, or blocked';
  return `its readiness probe fails: ${message}`;
}
