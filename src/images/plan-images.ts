/** Every image a plan runs, with who runs it and whether the plan builds it. */
import type { DeploymentPlan, PlanNode } from '../model/plan';

/** One distinct image of a plan. */
export interface PlannedImage {
  image: string;
  /** Components (or, for objects of no component, node names) whose pods run it; sorted. */
  users: string[];
  /** Whether the plan builds it from source (an existing or a generated Dockerfile). */
  built: boolean;
}

function templates(node: PlanNode) {
  if (node.kind === 'workload') return [node.spec.template];
  if (node.kind === 'job') return [node.spec.template];
  if (node.kind === 'cron-job') return [node.spec.job.template];
  return [];
}

/** The plan's images in name order; built ones are those `plan.images` builds from source. */
export function plannedImages(plan: DeploymentPlan): PlannedImage[] {
  const built = new Set(
    plan.images
      .filter((i) => i.source === 'dockerfile' || i.source === 'generated')
      .map((i) => i.image),
  );
  const users = new Map<string, Set<string>>();
  const add = (image: string, user: string) =>
    users.set(image, (users.get(image) ?? new Set()).add(user));
  for (const i of plan.images) add(i.image, i.component);
  for (const node of plan.nodes)
    for (const t of templates(node))
      for (const c of [...t.initContainers, ...t.containers])
        add(c.image, node.component ?? node.name);
  return [...users]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([image, u]) => ({ image, users: [...u].sort(), built: built.has(image) }));
}
