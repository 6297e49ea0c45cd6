/**
 * Helm delivery on the engine's side (`stackpilot:delivery: helm`): the app's chart, built
 * from the very plan an operation runs and written to the stack's own directory under the
 * state directory, and the program that installs it as one Helm release beside the
 * Namespace, Secrets and generated passwords (`src/program/helm-release.ts`).
 *
 * The Kubernetes provider decides whether a Release needs an upgrade from its inputs alone
 * (chart path, chart version, values, description …), never from the files of a local chart:
 * a chart rewritten in the same directory with the same `version` is no change to it. So the
 * Release's description names the digest of the chart's files (`stackpilot chart sha256:…`):
 * a plan that changes the chart changes the description, and Helm upgrades; one that does not,
 * does not (see `helm-repair.ts` for the other reason a description changes).
 */
import { join } from 'node:path';
import type { PulumiFn } from '@pulumi/pulumi/automation';
import { buildChart, writeChart, type Chart } from '../chart';
import { contentHash } from '../model/canonical';
import type { Environment } from '../model/environment';
import type { DeploymentPlan } from '../model/plan';
import { createProgram, type ProgramOptions } from '../program';
import { releaseIntent, type ReleaseIntent } from './helm-repair';
import type { StateLayout } from './state';

/** The chart directory of one stack: `<state>/charts/<app>/<env>`, the same for every plan. */
export function chartDirectory(layout: StateLayout, project: string, environment: string): string {
  return join(layout.chartsDir, project, environment);
}

/** A plan's chart on one stack, where it goes, and what its Release carries. */
export interface HelmStack {
  chart: Chart;
  directory: string;
  /** `sha256:…` of the chart's files. */
  digest: string;
  release: ReleaseIntent;
}

/**
 * The chart of `plan` on `env`'s stack. Built now, so a plan it cannot template fails the
 * operation before the stack is touched, from the plan without the nodes preflight left out
 * (`omit`), which the cluster could not accept from Helm either. `repair` as in
 * {@link releaseIntent}.
 */
export async function helmStack(
  layout: StateLayout,
  plan: DeploymentPlan,
  env: Environment,
  omit: readonly string[],
  repair: boolean,
): Promise<HelmStack> {
  const chart = buildChart([withoutNodes(plan, new Set(omit))]);
  const digest = contentHash(chart.files);
  return {
    chart,
    directory: chartDirectory(layout, plan.app, env.name),
    digest,
    release: await releaseIntent(layout, plan, env, digest, repair),
  };
}

/**
 * The inline program that delivers `plan` as the Helm release of `helm`, named after the
 * plan's instance label. The chart is written when the program starts, that is once the engine
 * holds the stack's lock: another process's operation on the same stack, refused by that lock,
 * never rewrites the directory under a running release. One directory per stack keeps the
 * Release's `chart` input the same across plans; a rollback writes the older plan's chart back.
 */
export function helmProgram(
  plan: DeploymentPlan,
  options: ProgramOptions,
  helm: HelmStack,
): PulumiFn {
  const program = createProgram(plan, {
    ...options,
    helm: {
      chartDirectory: helm.directory,
      releaseName: helm.chart.releaseName(plan.environment),
      description: helm.release.record.description,
    },
  });
  return async () => {
    writeChart(helm.chart, helm.directory, { force: true });
    return program();
  };
}

/** `plan` without the nodes `omit` names, the edges and waves to them included. */
function withoutNodes(plan: DeploymentPlan, omit: ReadonlySet<string>): DeploymentPlan {
  if (!omit.size) return plan;
  return {
    ...plan,
    nodes: plan.nodes
      .filter((n) => !omit.has(n.id))
      .map((n) => ({ ...n, dependsOn: n.dependsOn.filter((d) => !omit.has(d)) })),
    waves: plan.waves.map((w) => w.filter((id) => !omit.has(id))).filter((w) => w.length),
  };
}
