/** Planning helpers shared by the planner tests. */
import type { AppModel } from '../../../../src/model/app';
import type { DeploymentPlan, NodeOf, PlanNode } from '../../../../src/model/plan';
import { resolveEnvironment, type EnvironmentSettings } from '../../../../src/plan/environment';
import { planDeployment, type PlanOptions } from '../../../../src/plan/planner';
import { referenceApp } from './reference-app';

/** Plans `app` (the reference app by default) in environment `env` with raw stack settings. */
export function planFor(
  env: string,
  config: EnvironmentSettings = {},
  app: AppModel = referenceApp(),
  options: PlanOptions = {},
): Promise<DeploymentPlan> {
  return planDeployment(app, resolveEnvironment(env, config), options);
}

/** The node with `id`, asserting its kind. */
export function node<K extends PlanNode['kind']>(
  plan: DeploymentPlan,
  id: string,
  kind: K,
): NodeOf<K> {
  const n = plan.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`no node ${id} in plan (${plan.nodes.map((x) => x.id).join(', ')})`);
  if (n.kind !== kind) throw new Error(`${id} is a ${n.kind}, not a ${kind}`);
  return n as NodeOf<K>;
}

/** Decisions of one skill about one subject, by topic → choice. */
export function choices(
  plan: DeploymentPlan,
  skill: string,
  subject: string,
): Record<string, string> {
  return Object.fromEntries(
    plan.decisions
      .filter((d) => d.skill === skill && d.subject === subject)
      .map((d) => [d.topic, d.choice]),
  );
}

/** Env entries of a workload's main container by name, rendered as `value`, `secret:<name>/<key>` or `config:<name>/<key>`. */
export function envOf(n: NodeOf<'workload'> | NodeOf<'job'>): Record<string, string> {
  return Object.fromEntries(
    n.spec.template.containers[0]!.env.map((e) => [
      e.name,
      'value' in e
        ? e.value
        : 'secret' in e
          ? `secret:${e.secret.name}/${e.secret.key}`
          : `config:${e.config.name}/${e.config.key}`,
    ]),
  );
}
