/**
 * A plan's dependency graph as JSON (nodes, edges, waves) or as a Mermaid flowchart: one
 * rendering for the report, the CLI and the HTTP API.
 */
import type { DeploymentPlan } from '../model/plan';

export interface PlanGraphView {
  nodes: { id: string; kind: string; name: string; component?: string }[];
  /** `to` depends on `from`. */
  edges: { from: string; to: string }[];
  waves: string[][];
}

/** Nodes and edges sorted by id, so equal plans give identical graphs. */
export function planGraph(plan: DeploymentPlan): PlanGraphView {
  const nodes = [...plan.nodes].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    nodes: nodes.map((n) => ({
      id: n.id,
      kind: n.kind,
      name: n.name,
      ...(n.component ? { component: n.component } : {}),
    })),
    edges: nodes.flatMap((n) => [...n.dependsOn].sort().map((from) => ({ from, to: n.id }))),
    waves: plan.waves.map((w) => [...w]),
  };
}

/**
 * A Mermaid flowchart (default direction `TD`): one box per node labelled with its id, arrows
 * from dependency to dependent.
 */
export function mermaid(plan: DeploymentPlan, direction: 'TD' | 'LR' = 'TD'): string {
  const graph = planGraph(plan);
  const key = new Map(graph.nodes.map((n, i) => [n.id, `n${i}`]));
  const lines = [`flowchart ${direction}`];
  for (const n of graph.nodes) lines.push(`  ${key.get(n.id)}["${escape(n.id)}"]`);
  for (const e of graph.edges) {
    const from = key.get(e.from);
    const to = key.get(e.to);
    if (from && to) lines.push(`  ${from} --> ${to}`);
  }
  return `${lines.join('\n')}\n`;
}

function escape(label: string): string {
  return label.replace(/"/g, '#quot;');
}
