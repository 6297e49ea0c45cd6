/** The default pipeline: the library's own analyze and plan stages over a stacks directory. */
import { analyzeRepository } from '../analyze';
import { NotFoundError } from '../model/errors';
import {
  diffPlans,
  formatPlanDiff,
  listEnvironments,
  loadEnvironment,
  planDeployment,
  renderReport,
} from '../plan';
import type { Pipeline } from './deps';

/** The library pipeline, reading environments from `stacksDir`. */
export function libraryPipeline(stacksDir: string): Pipeline {
  return {
    analyze: (root, within) => analyzeRepository(root, within ? { within } : {}),
    loadEnvironment: async (name) => {
      try {
        return await loadEnvironment(stacksDir, name);
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
        // Say which environments exist, without telling clients where the server keeps them.
        const known = await listEnvironments(stacksDir);
        throw new NotFoundError(
          `unknown environment "${name}"; known environments: ${known.join(', ') || '(none)'}`,
        );
      }
    },
    plan: (app, env, previous, skills) =>
      planDeployment(app, env, { ...skills, ...(previous ? { previous } : {}) }),
    report: (plan) => renderReport(plan),
    diff: (a, b) => diffPlans(a, b),
    formatDiff: (diff) => formatPlanDiff(diff as Parameters<typeof formatPlanDiff>[0]),
  };
}
