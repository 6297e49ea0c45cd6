/**
 * Image builds over HTTP: `POST /v1/plans/:id/builds` builds (and pushes) the images of a
 * stored plan from the repository its analysis read. The repository is analyzed again first:
 * image tags are content hashes, so a repository that changed since the analysis would get
 * images whose tags lie about their content, and the request is refused with 409.
 */
import { contentHash } from '../model/canonical';
import { ConflictError, InputError } from '../model/errors';
import type { BuildEvent } from '../model/images';
import type { Target } from '../model/environment';
import type { OperationEvent } from '../model/operations';
import type { AppDeps } from './deps';
import { admit, findPlan, type Accepted, type Caller } from './operations';
import { resolveRepositoryPath } from './paths';
import type { Task } from './runner';

/** A build's progress as an operation event: `progress` of the image, `step-failed` on failure. */
export function buildEvent(e: BuildEvent, sequence: number): OperationEvent {
  const what =
    e.state === 'output' ? e.message : `${e.phase} ${e.state}${e.message ? `: ${e.message}` : ''}`;
  return {
    sequence,
    kind: e.state === 'failed' ? 'step-failed' : 'progress',
    type: 'image',
    name: `${e.component} ${e.image}`,
    ...(what ? { message: what } : {}),
  };
}

function buildTask(
  deps: AppDeps,
  plan: Parameters<AppDeps['buildImages']>[0],
  repo: string,
  push: boolean,
  target: Target,
): Task {
  return async (emit, { signal }) => {
    let sequence = 0;
    const result = await deps.buildImages(plan, repo, {
      push,
      signal,
      onEvent: (e) => emit(buildEvent(e, ++sequence)),
      ...(target.kind === 'cluster' ? { cluster: { target } } : {}),
    });
    return { status: result.status, result };
  };
}

/** Starts a build of a stored plan's images; `push` sends them to their registries. */
export async function requestBuild(
  deps: AppDeps,
  caller: Caller,
  planRef: string,
  push: boolean,
): Promise<Accepted> {
  const plan = findPlan(deps, planRef);
  const analysis = plan.analysisId ? deps.store.analyses.get(plan.analysisId) : undefined;
  if (!analysis)
    throw new InputError(`plan ${plan.id} has no analysis to build from`, [
      {
        field: 'params.id',
        message: 'only a plan made from an analysis (POST /v1/analyses) names a repository',
      },
    ]);
  const repo = await resolveRepositoryPath(analysis.path, deps.settings.allowedRoots);
  const now = await deps.pipeline.analyze(repo, deps.settings.allowedRoots);
  if (contentHash(now) !== analysis.modelHash)
    throw new ConflictError(
      `the repository ${analysis.path} changed since analysis ${analysis.id}: analyze and plan it again, so that image tags match its content`,
      'repository_changed',
    );
  const env = await deps.pipeline.loadEnvironment(plan.environment);
  return admit(
    deps,
    caller,
    {
      kind: 'build',
      project: plan.app,
      environment: plan.environment,
      planId: plan.id,
      planHash: plan.hash,
      params: { push },
    },
    () => undefined,
    buildTask(deps, plan.plan, repo, push, env.target),
  );
}
