/**
 * image-pull: a container whose image the node cannot pull. The message says why: the tag is
 * not in the registry (build and push it, or pick another tag for an image the plan does not
 * build), the registry refused the credentials, or the registry host does not resolve.
 */
import type { Finding, Fix } from '../../model/diagnosis';
import type { DeploymentPlan } from '../../model/plan';
import { ref, type DiagnoseContext } from '../context';
import { containerEvidence, eventEvidence, otherPods } from '../evidence';
import { buildCommand, commandFix, componentOverride, configFix, placeholder } from '../fixes';
import { componentOf, decisionOf, nodeOf, planContainer } from '../link';
import { pullFailure, registryOf } from '../messages';
import { containerProblems } from '../pods';

const PULL_REASONS = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
]);

/** Every container whose image does not pull, one finding per workload and container. */
export function imagePull(ctx: DiagnoseContext): Finding[] {
  const { plan } = ctx;
  return containerProblems(ctx.snap, (c) => PULL_REASONS.has(c.waiting?.reason ?? '')).map(
    ({ controller, pods, pod, container }) => {
      const component = componentOf(plan, controller.kind, controller.name, pod.labels);
      const planned = planContainer(nodeOf(plan, controller.kind, controller.name), container.name);
      const image =
        pod.specs?.find((s) => s.name === container.name)?.image ?? planned?.image ?? '';
      const events = eventEvidence(
        ctx,
        'Pod',
        pod.name,
        (e) => e.type === 'Warning' && /image|pull/i.test(e.message),
      );
      const message = [container.waiting?.message ?? '', ...events].join('\n');
      const registry = registryOf(image);
      const kind = pullFailure(message);
      const base = {
        class: 'image-pull' as const,
        ...(component ? { component } : {}),
        object: ref(ctx, controller.kind, controller.name),
        evidence: [
          ...containerEvidence(pod.name, container),
          ...(image ? [`pod ${pod.name} container ${container.name}: image: ${image}`] : []),
          ...events,
          ...otherPods(pods, pod.name),
        ],
      };
      const decision = decisionOf(
        plan,
        component,
        ['containerize', 'build'],
        ['data-services', 'placement'],
      );
      const withDecision = decision ? { decision } : {};
      switch (kind) {
        case 'not-found': {
          const fix = notFoundFix(plan, ctx.environment, component, image);
          return {
            ...base,
            cause: `image ${image} is not in registry ${registry} (manifest unknown): ${built(plan, component) ? 'the plan builds it, and it was not pushed' : 'that tag does not exist'}`,
            ...withDecision,
            ...(fix ? { fix } : {}),
          };
        }
        case 'unauthorized':
          return {
            ...base,
            cause: `registry ${registry} refused to let the node pull ${image} (unauthorized): the namespace needs an image pull secret for ${registry}, or the image must be public; STACKPILOT_REGISTRY_USERNAME/PASSWORD only serve build and verify`,
            ...withDecision,
          };
        case 'unknown-host':
          return {
            ...base,
            cause: `the node cannot reach registry ${registry} for ${image} (no such host): check the image name's registry prefix (stackpilot:registry) and that the nodes resolve it`,
            ...withDecision,
          };
        case 'invalid-name':
          return {
            ...base,
            cause: `image reference ${image} is not a valid image name: check the image override or stackpilot:registry`,
            ...withDecision,
          };
        default:
          return {
            ...base,
            cause: `the node cannot pull ${image} from ${registry}: see the pull event`,
            ...withDecision,
          };
      }
    },
  );
}

function built(plan: DeploymentPlan, component: string | undefined): boolean {
  const source = plan.images.find((i) => i.component === component)?.source;
  return source === 'dockerfile' || source === 'generated';
}

function notFoundFix(
  plan: DeploymentPlan,
  environment: string,
  component: string | undefined,
  image: string,
): Fix | undefined {
  if (!component) return undefined;
  if (built(plan, component))
    return commandFix(
      buildCommand(environment),
      `the plan builds ${image} from source and the registry has no such tag: build and push it, then \`stackpilot up\``,
    );
  const repo = image.replace(/[:@][^/]*$/, '');
  return configFix(
    componentOverride(component, { image: `${repo}:${placeholder('a tag that exists')}` }),
    `${image} is not in the registry and the plan does not build it: name a tag the registry has`,
  );
}
