/** The default pipeline: the library's own analyze and plan stages over a stacks directory. */
import { analyzeRepository } from '../analyze';
import { diffPlans, formatPlanDiff, loadEnvironment, planDeployment, renderReport } from '../plan';
import type { Pipeline } from './deps';

/** The library pipeline, reading environments from `stacksDir`. */
export function libraryPipeline(stacksDir: string): Pipeline {
  return {
    analyze: (root) => analyzeRepository(root),
    loadEnvironment: (name) => loadEnvironment(stacksDir, name),
    plan: (app, env) => planDeployment(app, env),
    report: (plan) => renderReport(plan),
    diff: (a, b) => diffPlans(a, b),
    formatDiff: (diff) => formatPlanDiff(diff as Parameters<typeof formatPlanDiff>[0]),
  };
}
