/**
 * oom-killed: a container the kernel killed at its memory limit. The fix doubles the memory
 * (the component's `memory` override sets the request; the limit keeps the component's ratio).
 */
import type { Finding } from '../../model/diagnosis';
import { ref, type DiagnoseContext } from '../context';
import { containerEvidence, eventEvidence, otherPods } from '../evidence';
import { componentOverride, configFix } from '../fixes';
import { componentOf, decisionOf, nodeOf, planContainer } from '../link';
import { containerProblems } from '../pods';
import { doubledMemory, formatBytes, parseBytes } from '../quantities';

/** Every container killed for its memory, one finding per workload and container. */
export function oomKilled(ctx: DiagnoseContext): Finding[] {
  const { plan } = ctx;
  return containerProblems(
    ctx.snap,
    (c) => c.lastTerminated?.reason === 'OOMKilled' || c.terminated?.reason === 'OOMKilled',
  ).map(({ controller, pods, pod, container }) => {
    const component = componentOf(plan, controller.kind, controller.name, pod.labels);
    const spec = pod.specs?.find((s) => s.name === container.name);
    const planned = planContainer(nodeOf(plan, controller.kind, controller.name), container.name);
    const limit = spec?.limits.memory ?? planned?.resources.limits.memory;
    const bytes = parseBytes(limit);
    const restarts = container.restartCount;
    const evidence = [
      ...containerEvidence(pod.name, container),
      ...(limit
        ? [`pod ${pod.name} container ${container.name}: resources.limits.memory: ${limit}`]
        : []),
      ...eventEvidence(ctx, 'Pod', pod.name, (e) => e.type === 'Warning'),
      ...otherPods(pods, pod.name),
    ];
    const decision = decisionOf(plan, component, ['scaling', 'resources']);
    const proposed = bytes ? formatBytes(doubledMemory(bytes)) : undefined;
    return {
      class: 'oom-killed',
      ...(component ? { component } : {}),
      object: ref(ctx, controller.kind, controller.name),
      evidence,
      cause: `container ${container.name} was killed for exceeding its memory limit${limit ? ` of ${limit}` : ''} (exit code 137, OOMKilled): it needs more memory than the plan gives it`,
      ...(decision ? { decision } : {}),
      ...(component && proposed && limit
        ? {
            fix: configFix(
              componentOverride(component, { memory: proposed }),
              `OOMKilled at its ${limit} limit, ${restarts} ${restarts === 1 ? 'restart' : 'restarts'}: ${proposed} is about twice that (the override sets the request; the limit keeps the component's ratio above it)`,
            ),
          }
        : {}),
    } satisfies Finding;
  });
}
