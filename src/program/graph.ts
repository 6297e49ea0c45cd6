/**
 * Checks that a plan's graph is one the program can register as given — every `dependsOn`
 * id exists, no cycle, one resource name per node, and every output a node reads from another
 * resource is among its `dependsOn` (Pulumi adds such reads as dependencies, so a missing one
 * would make the registered graph broader than the plan's) — and orders the nodes so that each
 * comes after everything it waits for.
 */
import type { DeploymentPlan, PlanNode } from '../model/plan';
import { InputError, type InputIssue } from '../model/errors';
import { resourceName, PROVIDER_NAME } from './names';

/** Every problem that stops the plan from becoming a program, collected (not only the first). */
export function graphIssues(plan: DeploymentPlan): InputIssue[] {
  const issues: InputIssue[] = [];
  const ids = new Map<string, number>();
  const names = new Map<string, string>();
  plan.nodes.forEach((node, i) => {
    const field = `nodes[${i}]`;
    if (ids.has(node.id)) issues.push({ field, message: `duplicate node id ${node.id}` });
    ids.set(node.id, i);
    const name = resourceName(node.id);
    const other = names.get(name);
    if (other !== undefined || name === PROVIDER_NAME) {
      issues.push({
        field,
        message: `node ${node.id} maps to resource name ${name}, already taken by ${other ?? 'the provider'}`,
      });
    }
    names.set(name, node.id);
  });
  plan.nodes.forEach((node, i) => {
    node.dependsOn.forEach((dep, j) => {
      const field = `nodes[${i}].dependsOn[${j}]`;
      if (dep === node.id) issues.push({ field, message: `node ${node.id} depends on itself` });
      else if (!ids.has(dep)) issues.push({ field, message: `unknown node ${dep}` });
    });
    for (const ref of outputReads(node)) {
      const target = plan.nodes[ids.get(ref) ?? -1];
      if (target?.kind !== 'generated-secret') {
        issues.push({
          field: `nodes[${i}].spec`,
          message: `${node.id} reads ${ref}, which is not a generated-secret node`,
        });
      } else if (!node.dependsOn.includes(ref)) {
        issues.push({
          field: `nodes[${i}].dependsOn`,
          message: `${node.id} reads the value of ${ref} but does not list it in dependsOn`,
        });
      }
    }
  });
  const cycle = findCycle(plan.nodes, ids);
  if (cycle) issues.push({ field: 'nodes', message: `dependency cycle: ${cycle.join(' → ')}` });
  return issues;
}

/** Node ids whose resource outputs this node's inputs read (generated secret values). */
export function outputReads(node: PlanNode): string[] {
  if (node.kind !== 'secret') return [];
  const refs = node.spec.entries.flatMap((e) =>
    e.parts.flatMap((p) => ('generated' in p ? [p.generated] : [])),
  );
  return [...new Set(refs)].sort();
}

/**
 * The plan's nodes with every node after all of its `dependsOn`; among nodes that are ready
 * together, plan order is kept, so the order is deterministic. Throws {@link InputError} with
 * every graph issue when the plan cannot be registered as given.
 */
export function registrationOrder(plan: DeploymentPlan): PlanNode[] {
  const issues = graphIssues(plan);
  if (issues.length) throw new InputError('the plan graph cannot become a program', issues);
  const placed = new Set<string>();
  const order: PlanNode[] = [];
  let pending = [...plan.nodes];
  while (pending.length) {
    const ready = pending.filter((n) => n.dependsOn.every((d) => placed.has(d)));
    // graphIssues has ruled out cycles and unknown ids, so every round places at least one node.
    for (const n of ready) placed.add(n.id);
    order.push(...ready);
    pending = pending.filter((n) => !placed.has(n.id));
  }
  return order;
}

function findCycle(nodes: readonly PlanNode[], ids: Map<string, number>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    const s = state.get(id);
    if (s === 'done') return undefined;
    if (s === 'open') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'open');
    stack.push(id);
    for (const dep of nodes[ids.get(id) ?? -1]?.dependsOn ?? []) {
      // Unknown ids and self-dependencies are reported on their own.
      if (!ids.has(dep) || dep === id) continue;
      const found = visit(dep);
      if (found) return found;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const n of nodes) {
    const found = visit(n.id);
    if (found) return found;
  }
  return undefined;
}
