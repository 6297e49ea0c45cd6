/**
 * planDeployment: AppModel + Environment → DeploymentPlan. Validates its inputs, runs the
 * skills through the orchestrator, computes the dependency graph and waves, and seals the
 * plan with its content hash. Either a whole valid plan or an error: never a partial plan.
 */
import { AppModelSchema, type AppModel } from '../model/app';
import { contentHash } from '../model/canonical';
import { EnvironmentSchema, type Environment } from '../model/environment';
import { InputError, SkillError, UnusableInputError, type InputIssue } from '../model/errors';
import { DeploymentPlanSchema, type Decision, type DeploymentPlan } from '../model/plan';
import { externalSkill, type ExternalSkillSpec } from './external-skill';
import { buildGraph, CycleError, findCycle } from './graph';
import { runSkills } from './orchestrator';
import type { Skill } from './skill';
import { builtinSkills } from './skills';
import { healthPathOverrideProblem, portOverrideProblem } from './skills/components';

/** Options of `planDeployment`. */
export interface PlanOptions {
  /** Extra skills (modules) run alongside the built-in ones. Default none. */
  skills?: Skill[];
  /** Extra skills run as external executables. Default none. */
  externalSkills?: ExternalSkillSpec[];
  /**
   * The plan currently deployed in this environment, when known. Blue-green uses it to
   * keep the previous release on the standby colour. Default none (a first release).
   */
  previous?: DeploymentPlan;
}

/**
 * Refuses an AppModel without components with an `UnusableInputError` (code `no_components`)
 * naming the app and, when given, the repository it was analyzed from: an analysis that found
 * nothing (an empty or wrong directory) must never become a plan of only a Namespace and its
 * policies, deployed as if it were the app.
 */
export function requireComponents(app: Pick<AppModel, 'name' | 'components'>, repo?: string): void {
  if (app.components.length > 0) return;
  const what = repo ? `the repository ${repo} (app ${app.name})` : `app ${app.name}`;
  throw new UnusableInputError(
    `${what} has no components: nothing was found to deploy, so nothing is planned`,
    [
      {
        field: 'components',
        message:
          'no component detected; check that the directory is the application repository (a package.json, pyproject.toml, Dockerfile, compose file or stackpilot.yaml)',
      },
    ],
    'no_components',
  );
}

/**
 * Validates an AppModel beyond its schema: at least one component ({@link requireComponents}),
 * unique names, no dangling edges, no call cycles.
 */
export function validateAppModel(input: unknown): AppModel {
  const parsed = AppModelSchema.safeParse(input);
  if (!parsed.success)
    throw new InputError(
      'invalid AppModel',
      parsed.error.issues.map((i) => ({ field: i.path.map(String).join('.'), message: i.message })),
    );
  const app = parsed.data;
  requireComponents(app);
  const issues: InputIssue[] = [];
  const components = new Set<string>();
  app.components.forEach((c, i) => {
    if (components.has(c.name))
      issues.push({
        field: `components.${i}.name`,
        message: `component "${c.name}" appears twice`,
      });
    components.add(c.name);
  });
  const externals = new Set(app.externalServices.map((s) => s.id));
  app.edges.forEach((e, i) => {
    if (!components.has(e.from))
      issues.push({ field: `edges.${i}.from`, message: `edge from unknown component "${e.from}"` });
    const known = e.target === 'component' ? components.has(e.to) : externals.has(e.to);
    if (!known)
      issues.push({ field: `edges.${i}.to`, message: `edge to unknown ${e.target} "${e.to}"` });
  });
  const deps = new Map<string, string[]>([...components].map((c) => [c, []]));
  for (const e of app.edges)
    if (e.target === 'component' && e.from !== e.to && deps.has(e.from) && deps.has(e.to))
      deps.get(e.from)!.push(e.to);
  const cycle = findCycle(deps);
  if (cycle)
    issues.push({
      field: 'edges',
      message: `components depend on each other in a cycle: ${cycle.join(' -> ')}; stackpilot cannot order their start`,
    });
  if (issues.length) throw new InputError(`invalid AppModel ${app.name}`, issues);
  return app;
}

/**
 * Component overrides of the stack that cannot apply to the component they name (a port on
 * a worker or a pinned data service, a health path on something without HTTP probes), each
 * located by its key. Overrides of components the app does not have are warnings instead
 * (the stack may be shared by versions of the app).
 */
export function componentOverrideIssues(app: AppModel, env: Environment): InputIssue[] {
  const issues: InputIssue[] = [];
  for (const [name, o] of Object.entries(env.components).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const c = app.components.find((x) => x.name === name);
    if (!c) continue;
    const port = o.port !== undefined ? portOverrideProblem(c) : undefined;
    if (port) issues.push({ field: `stackpilot:components.${name}.port`, message: port });
    const path = o.healthPath !== undefined ? healthPathOverrideProblem(c) : undefined;
    if (path) issues.push({ field: `stackpilot:components.${name}.healthPath`, message: path });
  }
  return issues;
}

function compareDecisions(a: Decision, b: Decision): number {
  for (const k of ['subject', 'topic', 'skill', 'choice'] as const) {
    if (a[k] < b[k]) return -1;
    if (a[k] > b[k]) return 1;
  }
  return 0;
}

/**
 * Plans one environment: validates the app and environment, runs the built-in skills plus
 * `options.skills` and `options.externalSkills`, builds the graph and seals the plan with
 * its hash. Throws `InputError` for bad input and `SkillError` naming the skill that failed.
 */
export async function planDeployment(
  app: AppModel,
  env: Environment,
  options: PlanOptions = {},
): Promise<DeploymentPlan> {
  const model = validateAppModel(app);
  const envParsed = EnvironmentSchema.safeParse(env);
  if (!envParsed.success)
    throw new InputError(
      'invalid environment',
      envParsed.error.issues.map((i) => ({
        field: i.path.map(String).join('.'),
        message: i.message,
      })),
    );
  const environment = envParsed.data;
  const overrides = componentOverrideIssues(model, environment);
  if (overrides.length)
    throw new InputError(
      `stack overrides of ${environment.name} that do not fit ${model.name}`,
      overrides,
    );
  const skills = [
    ...builtinSkills,
    ...(options.skills ?? []),
    ...(options.externalSkills ?? []).map(externalSkill),
  ];
  const merged = await runSkills(skills, {
    app: model,
    env: environment,
    ...(options.previous ? { previous: options.previous } : {}),
  });

  let graph;
  try {
    graph = buildGraph(merged.nodes);
  } catch (err) {
    if (err instanceof CycleError)
      throw new SkillError(
        'planner',
        `the plan's nodes wait on each other: ${err.path.join(' -> ')}`,
      );
    throw err;
  }
  const { images, cost, rollout, recovery, publicUrls, addresses } = merged.sections;
  const missing = Object.entries({ images, cost, rollout, recovery }).filter(
    ([, v]) => v === undefined,
  );
  if (missing.length)
    throw new SkillError(
      'planner',
      `no skill wrote the plan section(s) ${missing.map(([k]) => k).join(', ')}`,
    );

  const known = new Set(model.components.map((c) => c.name));
  const warnings = [...merged.warnings];
  for (const name of Object.keys(environment.components))
    if (!known.has(name))
      warnings.push(`stackpilot:components.${name} names no component of ${model.name}; ignored`);

  const body = {
    schemaVersion: 1 as const,
    app: model.name,
    environment: environment.name,
    namespace: environment.namespace,
    images: images!,
    nodes: graph.nodes,
    waves: graph.waves,
    decisions: [...merged.decisions].sort(compareDecisions),
    cost: cost!,
    rollout: rollout!,
    recovery: recovery!,
    outputs: { publicUrls: publicUrls ?? [], addresses: addresses ?? {} },
    warnings: [...new Set(warnings)].sort(),
  };
  const checked = DeploymentPlanSchema.omit({ hash: true }).safeParse(body);
  if (!checked.success)
    throw new SkillError(
      'planner',
      `the merged plan breaks the plan schema: ${checked.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.map(String).join('.')}: ${i.message}`)
        .join('; ')}`,
    );
  // Validated above; the hash is a sha256 of that exact content, so no second parse is needed.
  return { ...checked.data, hash: contentHash(checked.data) };
}
