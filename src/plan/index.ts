/**
 * The planner's public API: load an environment, plan a deployment, render its report,
 * and compare two plans. The CLI, the server and the engine call these and nothing else.
 */
export {
  loadEnvironment,
  listEnvironments,
  parseStackConfig,
  resolveEnvironment,
  type EnvironmentSettings,
} from './environment';
export { planDeployment, requireComponents, validateAppModel, type PlanOptions } from './planner';
export { renderReport } from './report';
export { diffPlans, formatPlanDiff, type PlanDiff, type NodeChange } from './diff';
export { builtinSkills } from './skills';
export { externalSkill, ExternalSkillSpecSchema, type ExternalSkillSpec } from './external-skill';
export { orderSkills } from './orchestrator';
export { buildGraph, CycleError } from './graph';
export {
  decision,
  SkillContributionSchema,
  ComponentFactsSchema,
  type Skill,
  type SkillInput,
  type SkillContribution,
  type ComponentFacts,
} from './skill';
export { loadSkillsFile, SkillsFileSchema, type SkillsFile } from './skills-file';
export { planGraph, mermaid, type PlanGraphView } from './graph-view';
