/**
 * The skill orchestrator: orders skills by `needs`, runs them one after another, validates
 * each contribution with the same zod schema for built-in and external skills, and merges
 * them, rejecting two skills that write the same fact field of a component, the same node
 * or the same plan section.
 */
import type { AppModel } from '../model/app';
import type { Environment } from '../model/environment';
import { InputError, SkillError } from '../model/errors';
import type { Decision, DeploymentPlan, PlanNode } from '../model/plan';
import { CycleError, topologicalOrder } from './graph';
import {
  SkillContributionSchema,
  type ComponentFacts,
  type PlanSections,
  type Skill,
  type SkillInput,
} from './skill';

const SKILL_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Orders skills so that each runs after everything it needs; ties are broken by id. Fails
 * before anything runs on a duplicate or malformed id, a missing skill (named, with who
 * needs it), or a cycle (with its whole path, `a -> b -> a`).
 */
export function orderSkills(skills: readonly Skill[]): Skill[] {
  const byId = new Map<string, Skill>();
  const issues: Array<{ field: string; message: string }> = [];
  for (const s of skills) {
    if (!SKILL_ID.test(s.id))
      issues.push({ field: `skills.${s.id}`, message: 'skill id must be lowercase with dashes' });
    if (byId.has(s.id))
      issues.push({ field: `skills.${s.id}`, message: `two skills have the id "${s.id}"` });
    byId.set(s.id, s);
  }
  for (const s of [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : 1)))
    for (const need of s.needs)
      if (!byId.has(need))
        issues.push({
          field: `skills.${s.id}.needs`,
          message: `skill "${s.id}" needs skill "${need}", which is not registered`,
        });
  if (issues.length) throw new InputError('invalid skill set', issues);
  const deps = new Map([...byId.values()].map((s) => [s.id, [...s.needs]] as const));
  try {
    return topologicalOrder(deps).map((id) => byId.get(id)!);
  } catch (err) {
    if (err instanceof CycleError)
      throw new InputError(`skill dependency cycle: ${err.path.join(' -> ')}`, [
        { field: `skills.${err.path[0]}.needs`, message: `cycle ${err.path.join(' -> ')}` },
      ]);
    throw err;
  }
}

/** Everything the skills produced, merged. */
export interface MergedContributions {
  /** Skill ids in the order they ran. */
  order: string[];
  facts: Record<string, Partial<ComponentFacts>>;
  /** Which skill wrote each fact, by `<component>.<field>`. */
  factOwners: Record<string, string>;
  nodes: PlanNode[];
  sections: Partial<PlanSections>;
  sectionOwners: Partial<Record<keyof PlanSections, string>>;
  decisions: Decision[];
  warnings: string[];
}

/** What every skill sees besides the merged output of the skills before it. */
export interface OrchestratorContext {
  app: AppModel;
  env: Environment;
  previous?: DeploymentPlan;
}

/** Freezes a value and everything inside it, so that one skill cannot change what another sees. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function describeIssues(error: {
  issues: Array<{ path: PropertyKey[]; message: string }>;
}): string {
  return error.issues
    .slice(0, 10)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/**
 * Runs the skills in dependency order and merges their contributions. Every failure names
 * the skill: a throw, an invalid contribution, a node or decision attributed to another
 * skill, facts about an unknown component, or a write to something another skill owns.
 */
export async function runSkills(
  skills: readonly Skill[],
  context: OrchestratorContext,
): Promise<MergedContributions> {
  const ordered = orderSkills(skills);
  const components = new Set(context.app.components.map((c) => c.name));
  const merged: MergedContributions = {
    order: [],
    facts: {},
    factOwners: {},
    nodes: [],
    sections: {},
    sectionOwners: {},
    decisions: [],
    warnings: [],
  };
  const nodeOwners = new Map<string, string>();
  // Skills see frozen copies: the caller's objects stay theirs, and no skill can change
  // what the next one reads.
  const app = deepFreeze(structuredClone(context.app));
  const env = deepFreeze(structuredClone(context.env));
  const previous = context.previous ? deepFreeze(structuredClone(context.previous)) : undefined;

  for (const skill of ordered) {
    const input: SkillInput = {
      app,
      env,
      facts: Object.fromEntries(
        Object.entries(merged.facts).map(([c, f]) => [c, Object.freeze({ ...f })]),
      ),
      nodes: Object.freeze([...merged.nodes].sort((a, b) => (a.id < b.id ? -1 : 1))),
      sections: Object.freeze({ ...merged.sections }),
      ...(previous ? { previous } : {}),
    };
    let raw: unknown;
    try {
      raw = await skill.run(input);
    } catch (err) {
      if (err instanceof SkillError) throw err;
      const e = new SkillError(skill.id, err instanceof Error ? err.message : String(err));
      (e as Error & { cause?: unknown }).cause = err;
      throw e;
    }
    const parsed = SkillContributionSchema.safeParse(raw);
    if (!parsed.success)
      throw new SkillError(skill.id, `invalid contribution: ${describeIssues(parsed.error)}`);
    const c = deepFreeze(parsed.data);

    for (const [component, facts] of Object.entries(c.facts)) {
      if (!components.has(component))
        throw new SkillError(skill.id, `wrote facts about unknown component "${component}"`);
      const target = (merged.facts[component] ??= {});
      for (const [field, value] of Object.entries(facts)) {
        if (value === undefined) continue;
        const key = `${component}.${field}`;
        const owner = merged.factOwners[key];
        if (owner)
          throw new SkillError(
            skill.id,
            `fact ${key} is already written by skill "${owner}"; each fact has one owner`,
          );
        merged.factOwners[key] = skill.id;
        (target as Record<string, unknown>)[field] = value;
      }
    }
    for (const node of c.nodes) {
      if (node.skill !== skill.id)
        throw new SkillError(skill.id, `node ${node.id} claims to come from skill "${node.skill}"`);
      const owner = nodeOwners.get(node.id);
      if (owner)
        throw new SkillError(
          skill.id,
          `node ${node.id} is already contributed by skill "${owner}"`,
        );
      nodeOwners.set(node.id, skill.id);
      merged.nodes.push(node);
    }
    for (const [section, value] of Object.entries(c.sections) as Array<
      [keyof PlanSections, unknown]
    >) {
      if (value === undefined) continue;
      const owner = merged.sectionOwners[section];
      if (owner)
        throw new SkillError(
          skill.id,
          `plan section ${section} is already written by skill "${owner}"`,
        );
      merged.sectionOwners[section] = skill.id;
      (merged.sections as Record<string, unknown>)[section] = value;
    }
    for (const d of c.decisions) {
      if (d.skill !== skill.id)
        throw new SkillError(
          skill.id,
          `a decision on ${d.subject} claims to come from skill "${d.skill}"`,
        );
      merged.decisions.push(d);
    }
    merged.warnings.push(...c.warnings);
    merged.order.push(skill.id);
  }
  return merged;
}
