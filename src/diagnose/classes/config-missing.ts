/**
 * config-missing: a container that reads a Secret or ConfigMap (or one of its keys) that is
 * not there. Found two ways, independently: the kubelet's CreateContainerConfigError, and the
 * pod spec's non-optional env references checked against the namespace's Secrets and ConfigMaps.
 */
import type { Finding, Fix } from '../../model/diagnosis';
import type { DeploymentPlan } from '../../model/plan';
import type { EnvSourceSnapshot, KeysSnapshot } from '../../model/snapshot';
import { ref, unreadable, type DiagnoseContext } from '../context';
import { containerEvidence, eventEvidence } from '../evidence';
import { commandFix, secretsSetCommand, upCommand } from '../fixes';
import { componentOf, decisionOf, nodeOf, secretConfigKey } from '../link';
import { missingConfig, type MissingConfig } from '../messages';
import { containerProblems, controllerOf, type Controller } from '../pods';

interface Missing extends MissingConfig {
  controller: Controller;
  component?: string;
  evidence: string[];
}

/** Every missing Secret, ConfigMap or key a workload's containers read, one finding each. */
export function configMissing(ctx: DiagnoseContext): Finding[] {
  const found = new Map<string, Missing>();
  const add = (m: Missing) => {
    const key = [m.controller.kind, m.controller.name, m.kind, m.name, m.key ?? ''].join('/');
    const seen = found.get(key);
    if (seen) seen.evidence.push(...m.evidence.filter((e) => !seen.evidence.includes(e)));
    else found.set(key, m);
  };
  for (const m of fromKubelet(ctx)) add(m);
  for (const m of fromReferences(ctx)) add(m);
  return [...found.values()].map((m) => finding(ctx, m));
}

function fromKubelet(ctx: DiagnoseContext): Missing[] {
  return containerProblems(ctx.snap, (c) => c.waiting?.reason === 'CreateContainerConfigError')
    .map(({ controller, pod, container }) => {
      const parsed = missingConfig(container.waiting?.message ?? '');
      if (!parsed) return undefined;
      return {
        ...parsed,
        controller,
        component: componentOf(ctx.plan, controller.kind, controller.name, pod.labels),
        evidence: [
          ...containerEvidence(pod.name, container),
          ...eventEvidence(
            ctx,
            'Pod',
            pod.name,
            (e) => e.type === 'Warning' && e.reason === 'Failed',
          ),
        ],
      };
    })
    .filter((m): m is NonNullable<typeof m> => m !== undefined);
}

function fromReferences(ctx: DiagnoseContext): Missing[] {
  const out: Missing[] = [];
  const readable = {
    Secret: !unreadable(ctx, 'Secret'),
    ConfigMap: !unreadable(ctx, 'ConfigMap'),
  };
  for (const pod of ctx.snap.pods) {
    if (pod.deleting) continue;
    const controller = controllerOf(ctx.snap, pod);
    for (const spec of pod.specs ?? []) {
      for (const src of spec.envSources) {
        if (src.optional || !readable[src.kind]) continue;
        const obj = ctx.snap.configs.find((c) => c.kind === src.kind && c.name === src.name);
        if (obj && (src.key === undefined || obj.keys.includes(src.key))) continue;
        out.push({
          kind: src.kind,
          name: src.name,
          // A missing object is one finding, whichever of its keys are read.
          ...(obj && src.key ? { key: src.key } : {}),
          controller,
          component: componentOf(ctx.plan, controller.kind, controller.name, pod.labels),
          evidence: [
            `pod ${pod.name} container ${spec.name}: ${describeSource(src)}`,
            presence(ctx, src, obj),
          ],
        });
      }
    }
  }
  return out;
}

function describeSource(s: EnvSourceSnapshot): string {
  if (!s.env || !s.key) return `envFrom ${s.kind} ${s.name} (not optional)`;
  return `env ${s.env} from ${s.kind} ${s.name} key ${s.key} (not optional)`;
}

function presence(
  ctx: DiagnoseContext,
  s: EnvSourceSnapshot,
  obj: KeysSnapshot | undefined,
): string {
  const at = `${s.kind} ${ctx.namespace}/${s.name}`;
  return obj
    ? `${at} has keys: ${[...obj.keys].sort().join(', ') || '(none)'}`
    : `${at}: not found`;
}

function planOwns(plan: DeploymentPlan, m: MissingConfig): boolean {
  return nodeOf(plan, m.kind, m.name) !== undefined;
}

function finding(ctx: DiagnoseContext, m: Missing): Finding {
  const { plan } = ctx;
  const what = m.key ? `key ${m.key} of ${m.kind} ${m.name}` : `${m.kind} ${m.name}`;
  const owned = planOwns(plan, m);
  const configKey = m.kind === 'Secret' && m.key ? secretConfigKey(plan, m.name, m.key) : undefined;
  let fix: Fix | undefined;
  if (configKey)
    fix = commandFix(
      secretsSetCommand(ctx.project, configKey, ctx.environment),
      `${what} is missing and its value comes from secrets:${configKey}: set it (on stdin), then \`stackpilot up\``,
    );
  else if (owned)
    fix = commandFix(
      upCommand(ctx.environment),
      `the plan creates ${m.kind} ${m.name}${m.key ? ` with key ${m.key}` : ''}; re-applying it recreates what is missing`,
    );
  const decision =
    m.kind === 'Secret'
      ? decisionOf(plan, m.component, ['secrets', 'secret'], ['secrets', 'credentials'])
      : decisionOf(plan, m.component, ['workloads', 'configuration']);
  return {
    class: 'config-missing',
    ...(m.component ? { component: m.component } : {}),
    object: ref(ctx, m.controller.kind, m.controller.name),
    evidence: m.evidence,
    cause: `the containers read ${what}, which does not exist, so they cannot start${owned ? '' : `; the plan does not create ${m.kind} ${m.name}: create it or remove the reference`}`,
    ...(decision ? { decision } : {}),
    ...(fix ? { fix } : {}),
  };
}
