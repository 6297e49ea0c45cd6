/**
 * crash-loop: a container that keeps exiting (CrashLoopBackOff, or a non-zero exit that is not
 * an OOM kill). The exit code says what kind of failure it is; a log that names a missing env
 * var turns it into a secret or env fix.
 */
import type { Finding, FindingDecision, Fix } from '../../model/diagnosis';
import { ref, type DiagnoseContext } from '../context';
import { containerEvidence, eventEvidence, logEvidence, logOf, otherPods } from '../evidence';
import { explainExit } from '../exit-codes';
import {
  commandFix,
  componentOverride,
  configFix,
  placeholder,
  secretsSetCommand,
  upCommand,
} from '../fixes';
import { componentOf, decisionOf, nodeOf, planContainer, secretSource } from '../link';
import { missingEnvVar } from '../messages';
import { containerProblems } from '../pods';
import type { PlanNode } from '../../model/plan';
import type { ContainerSnapshot } from '../../model/snapshot';

function crashing(c: ContainerSnapshot): boolean {
  const last = c.terminated ?? c.lastTerminated;
  if (last?.reason === 'OOMKilled' || c.lastTerminated?.reason === 'OOMKilled') return false;
  if (c.waiting?.reason === 'CrashLoopBackOff') return true;
  return c.terminated !== undefined && c.terminated.exitCode !== 0;
}

/** Every crash-looping container, one finding per workload and container. */
export function crashLoop(ctx: DiagnoseContext): Finding[] {
  const { plan } = ctx;
  return containerProblems(ctx.snap, crashing)
    .filter(
      // A plan Job's failure is migration-failed's to explain.
      (p) => !(p.controller.kind === 'Job' && nodeOf(plan, 'Job', p.controller.name)),
    )
    .map(({ controller, pods, pod, container }) => {
      const component = componentOf(plan, controller.kind, controller.name, pod.labels);
      const node = nodeOf(plan, controller.kind, controller.name);
      const log = logOf(ctx, pod.name, container.name);
      const evidence = [
        ...containerEvidence(pod.name, container),
        ...eventEvidence(ctx, 'Pod', pod.name, (e) => e.type === 'Warning'),
        ...logEvidence(log),
        ...otherPods(pods, pod.name),
      ];
      const exit = container.terminated ?? container.lastTerminated;
      const meaning = exit ? explainExit(exit.exitCode, exit.reason) : undefined;
      const base: Finding = {
        class: 'crash-loop',
        ...(component ? { component } : {}),
        object: ref(ctx, controller.kind, controller.name),
        evidence,
        cause: `container ${container.name} keeps exiting: ${meaning?.text ?? 'no exit code recorded yet'}`,
      };
      const missing = log ? missingEnvVar(log.lines) : undefined;
      if (missing) return withMissingEnv(ctx, base, node, component, missing);
      switch (meaning?.kind) {
        case 'command-not-found':
        case 'not-executable':
        case 'bad-arguments': {
          const planned = planContainer(node, container.name);
          const cmd = [...(planned?.command ?? []), ...(planned?.args ?? [])].join(' ');
          return withDecision(
            {
              ...base,
              cause: `${base.cause}; check the start command ${cmd ? `\`${cmd}\`` : "(the image's own entrypoint and CMD)"} against what the image contains`,
            },
            decisionOf(
              plan,
              component,
              ['containerize', 'command'],
              ['workloads', 'command'],
              ['containerize', 'build'],
            ),
          );
        }
        case 'sigkill':
        case 'sigterm':
          return withDecision(
            {
              ...base,
              cause: `${base.cause}; look at the liveness probe events and how long shutdown takes`,
            },
            decisionOf(plan, component, ['observability', 'probes']),
          );
        default:
          return {
            ...base,
            cause: `${base.cause}; ${log ? 'its log says why' : `its log says why (kubectl logs ${pod.name} -c ${container.name} --previous)`}`,
          };
      }
    });
}

function withDecision(f: Finding, decision: FindingDecision | undefined): Finding {
  return decision ? { ...f, decision } : f;
}

function withMissingEnv(
  ctx: DiagnoseContext,
  base: Finding,
  node: PlanNode | undefined,
  component: string | undefined,
  name: string,
): Finding {
  const source = secretSource(ctx.plan, node, component, name);
  const secret = source !== undefined;
  const cause = `${base.cause}; the application says env var ${name} is missing`;
  let fix: Fix | undefined;
  if (source === 'generated')
    fix = commandFix(
      upCommand(ctx.environment),
      `its log names ${name}, a secret the plan generates: re-applying the plan recreates it`,
    );
  else if (source)
    fix = commandFix(
      secretsSetCommand(ctx.project, source.config, ctx.environment),
      `its log names ${name}, a secret of the plan${source.config === name ? '' : ` filled from secrets:${source.config}`}: set its value (on stdin), then \`stackpilot up\``,
    );
  else if (component)
    fix = configFix(
      componentOverride(component, { env: { [name]: placeholder(`value of ${name}`) } }),
      `its log names ${name}, which the plan does not give component ${component}`,
    );
  const decision = secret
    ? decisionOf(ctx.plan, component, ['secrets', 'secret'])
    : // What env the plan does give the component: its ConfigMap, else its Secret.
      decisionOf(ctx.plan, component, ['workloads', 'configuration'], ['secrets', 'secret']);
  return withDecision({ ...base, cause, ...(fix ? { fix } : {}) }, decision);
}
