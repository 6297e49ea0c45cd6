/**
 * The plan a gate deploys. With `--plan` it is one the server made earlier. With `--app-dir`
 * the repository is analyzed where it is, on the machine the gate runs on (a CI runner), by
 * the same analyzer the server and `stackpilot plan` use; the AppModel (no secret values, each
 * component's `sourceDigest` for image tags) and the ids of the repository's declared skills
 * go to `POST /v1/plans`, which plans them with the server's stack config and its own skills.
 * The server never reads the runner's filesystem, and nothing of the repository's code runs
 * on the server.
 */
import { resolve } from 'node:path';
import { analyzeRepository } from '../analyze';
import type { AppModel } from '../model/app';
import { requireComponents } from '../plan';
import type { Api } from './gate-api';

/** Where the plan comes from. */
export interface PlanSource {
  /** A plan made earlier on the server (id or hash). */
  planId?: string;
  /** Repository directory on this machine, to analyze here and plan on the server. */
  appDir?: string;
  /** Ids of the user skills the repository's skills file declares. Default none. */
  declaredSkills?: () => readonly string[];
  /** Environment to plan for. */
  env: string;
  out: (line: string) => void;
}

/** The plan to deploy: given, or made on the server from the local analysis of `appDir`. */
export async function resolvePlan(api: Api, source: PlanSource): Promise<string | undefined> {
  if (source.planId) return source.planId;
  if (!source.appDir) {
    source.out('error: give a plan id or an app directory');
    return undefined;
  }
  const dir = resolve(source.appDir);
  const app = await analyzeRepository(dir);
  source.out(`analyzed ${app.name} in ${dir}: ${componentsLine(app)}`);
  // Nothing found is an error here already, before anything is sent.
  requireComponents(app, dir);
  const skills = [...new Set(source.declaredSkills?.() ?? [])].sort();
  if (skills.length)
    source.out(
      `skills the repository declares: ${skills.join(', ')} (the server runs its own, if it allows them)`,
    );
  const plan = await api.post<{ id: string; hash: string; plan?: { nodes?: unknown[] } }>(
    '/v1/plans',
    { environment: source.env, app, ...(skills.length ? { skills } : {}) },
  );
  source.out(
    `plan ${plan.id} (${plan.hash}) of ${app.name} for ${source.env}` +
      (plan.plan?.nodes ? `: ${plan.plan.nodes.length} nodes` : ''),
  );
  return plan.id;
}

/** `3 components (api, web, worker), 1 warning`. */
function componentsLine(app: AppModel): string {
  const n = app.components.length;
  const names = app.components.map((c) => c.name).join(', ');
  const warnings = app.warnings.length;
  return (
    `${n} component${n === 1 ? '' : 's'}${n ? ` (${names})` : ''}` +
    (warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : '')
  );
}
