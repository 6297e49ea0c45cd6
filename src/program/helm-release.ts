/**
 * Helm delivery (`stackpilot:delivery: helm`): the plan's objects arrive on the cluster as one
 * `k8s.helm.v3.Release` of the app's chart instead of one Pulumi resource each. What the chart
 * leaves out — the Namespace, the Secrets and the generated passwords feeding them — is
 * registered exactly as under manifest delivery, through the same declarations, and the
 * Release waits for all of it: the chart's pods name the plan's Secrets (existingSecret), so
 * they must exist before Helm starts them, and secret values never enter chart files or Helm's
 * release records.
 *
 * The chart itself is written by the engine (`src/chart/`, which imports this folder, so this
 * folder must not import it); the program receives only its directory and release name.
 */
import * as path from 'node:path';
import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import { InputError, type InputIssue } from '../model/errors';
import type { DeploymentPlan, PlanNodeKind } from '../model/plan';
import { construct } from './construct';
import type { ResourceDecl } from './decl';

/**
 * Plan node kinds that stay Pulumi resources beside the chart: the chart holds every other
 * node. The chart module reads this list, so both sides agree on the split.
 */
export const CHART_OUTSIDE_KINDS = ['namespace', 'secret', 'generated-secret'] as const;
/** A node kind that stays outside the chart. */
export type ChartOutsideKind = (typeof CHART_OUTSIDE_KINDS)[number];

/** Whether nodes of `kind` stay Pulumi resources beside the chart. */
export function isOutsideChart(kind: PlanNodeKind): kind is ChartOutsideKind {
  return (CHART_OUTSIDE_KINDS as readonly string[]).includes(kind);
}

/** What the engine hands the program for helm delivery. */
export interface HelmDelivery {
  /** Absolute directory holding the app's chart (`Chart.yaml`), written from the same plan. */
  chartDirectory: string;
  /** The Helm release name: the plan's `app.kubernetes.io/instance` label value. */
  releaseName: string;
  /**
   * The release's description. A new one makes Helm upgrade an unchanged chart, which puts
   * back what was changed by hand on its objects (the engine's repair). Default none.
   */
  description?: string;
}

/**
 * The Pulumi resource name of the Release: `release-<app>`. From the app alone, so that every
 * plan version updates the same Release (and a rollback diffs back to it). No plan node kind is
 * `release`, so it never meets a node's resource name.
 */
export function helmReleaseResourceName(plan: DeploymentPlan): string {
  return `release-${plan.app}`;
}

/**
 * The Release's inputs. `skipAwait: false` makes Helm wait (`--wait`, and `waitForJobs` for
 * the Jobs, as manifest delivery waits for each Job to complete) until every object of the
 * chart is ready, within `timeoutSeconds` (the environment's readiness timeout). The namespace
 * is the plan's own Namespace resource, never created by Helm.
 *
 * Helm's wait counts a PersistentVolumeClaim as ready only once it is Bound: a claim of a
 * WaitForFirstConsumer class that no pod mounts yet (a backup volume before its CronJob first
 * runs) keeps the release waiting until the timeout, where manifest delivery does not wait for
 * claims at all. Such a class needs a mounted claim, or an Immediate class, under helm.
 */
export function helmReleaseArgs(
  plan: DeploymentPlan,
  helm: HelmDelivery,
  timeoutSeconds: number,
): k8s.helm.v3.ReleaseArgs {
  return {
    chart: helm.chartDirectory,
    name: helm.releaseName,
    namespace: plan.namespace,
    createNamespace: false,
    skipAwait: false,
    waitForJobs: true,
    timeout: timeoutSeconds,
    ...(helm.description ? { description: helm.description } : {}),
  };
}

/**
 * Throws an {@link InputError} listing every problem that stops `plan` from being delivered as
 * a chart: a target that is not a cluster, or any of {@link helmIssues}.
 */
export function checkHelmDelivery(
  plan: DeploymentPlan,
  helm: HelmDelivery,
  decls: readonly ResourceDecl[],
  targetKind: string,
): void {
  const issues = helmIssues(plan, helm, decls);
  if (targetKind !== 'cluster')
    issues.unshift({
      field: 'target.kind',
      message: `a Helm release is installed into a cluster and cannot be rendered (got ${targetKind})`,
    });
  if (issues.length) throw new InputError('the plan cannot be delivered as a Helm chart', issues);
}

/**
 * Problems that stop a plan from being delivered as a chart: a chart directory that is not
 * absolute, an empty release name, or an out-of-chart node waiting for one inside the chart
 * (the Release waits for the out-of-chart resources, so such an edge would be a cycle).
 */
export function helmIssues(
  plan: DeploymentPlan,
  helm: HelmDelivery,
  decls: readonly ResourceDecl[],
): InputIssue[] {
  const issues: InputIssue[] = [];
  if (!path.isAbsolute(helm.chartDirectory))
    issues.push({ field: 'chartDirectory', message: `not absolute: ${helm.chartDirectory}` });
  if (!helm.releaseName) issues.push({ field: 'releaseName', message: 'empty' });
  const kinds = new Map(plan.nodes.map((n) => [n.id, n.kind]));
  for (const d of decls) {
    if (!isOutsideChart(kinds.get(d.nodeId)!)) continue;
    for (const dep of d.dependsOn)
      if (!isOutsideChart(kinds.get(dep)!))
        issues.push({
          field: `nodes.${d.nodeId}.dependsOn`,
          message: `${d.nodeId} stays outside the chart but waits for ${dep}, which is inside it`,
        });
  }
  return issues;
}

/**
 * Registers the out-of-chart declarations as manifest delivery would (same names, inputs,
 * `dependsOn` and readiness bounds), then the Release, depending on exactly those resources.
 * The caller has checked {@link helmIssues}.
 */
export function constructHelmDelivery(
  plan: DeploymentPlan,
  decls: readonly ResourceDecl[],
  provider: k8s.Provider,
  helm: HelmDelivery,
  readinessTimeoutSeconds: number,
): pulumi.CustomResource {
  const kinds = new Map(plan.nodes.map((n) => [n.id, n.kind]));
  const outside = decls.filter((d) => isOutsideChart(kinds.get(d.nodeId)!));
  const registered = construct(outside, provider, { readinessTimeoutSeconds });
  return new k8s.helm.v3.Release(
    helmReleaseResourceName(plan),
    helmReleaseArgs(plan, helm, readinessTimeoutSeconds),
    { provider, dependsOn: outside.map((d) => registered.get(d.nodeId)!) },
  );
}
