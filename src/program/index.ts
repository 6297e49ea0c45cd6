/**
 * DeploymentPlan → Pulumi program. The only part of stackpilot that imports
 * `@pulumi/kubernetes` and `@pulumi/random`: one plan node becomes one resource, named from the
 * node id and waiting for exactly the node's `dependsOn`.
 */
import * as path from 'node:path';
import * as k8s from '@pulumi/kubernetes';
import { InputError } from '../model/errors';
import type { Target } from '../model/environment';
import type { DeploymentPlan } from '../model/plan';
import { construct } from './construct';
import { declareResources } from './declare';
import { checkHelmDelivery, constructHelmDelivery, type HelmDelivery } from './helm-release';
import { PROVIDER_NAME } from './names';
import { providerArgs } from './provider';

export { ejectProject, writeEjectedProject, type EjectOptions } from './eject';
export { declareResources } from './declare';
export {
  CHART_OUTSIDE_KINDS,
  helmReleaseResourceName,
  isOutsideChart,
  type ChartOutsideKind,
  type HelmDelivery,
} from './helm-release';
export { resourceName, PROVIDER_NAME } from './names';

/** How the program reaches Kubernetes. */
export interface ProgramOptions {
  /** From the environment: a kube context, or render YAML to a directory. */
  target: Target;
  /** Absolute directory the manifests are rendered to; required when `target.kind` is `render`. */
  renderDirectory?: string;
  /**
   * Plan nodes to leave out on this target (a cluster that does not serve their CRD, as
   * preflight decided), together with the edges to them. Default none.
   */
  omit?: readonly string[];
  /** Seconds each resource may take to become ready on a cluster. Default 300. */
  readinessTimeoutSeconds?: number;
  /**
   * Deliver the plan as a Helm release of the chart in this directory (cluster targets only):
   * see `helm-release.ts`. Default: manifest delivery, one resource per plan node.
   */
  helm?: HelmDelivery;
}

/** The stack outputs. Plain plan values: never a secret. */
export interface ProgramOutputs {
  /** The namespace everything is deployed to. */
  namespace: string;
  /** Public URLs of the routes, e.g. `https://shop.example.com`. */
  publicUrls: string[];
  /** Component name → in-cluster address, e.g. `http://api.shop-dev.svc.cluster.local:8000`. */
  addresses: Record<string, string>;
  /** The deployed plan's content hash (`sha256:…`). */
  planHash: string;
}

/**
 * The inline Pulumi program of a plan: registers an explicit `k8s.Provider`, then one resource
 * per plan node in dependency order, and returns the {@link ProgramOutputs}.
 *
 * The plan is checked before anything runs: a `dependsOn` naming an unknown node, a cycle, two
 * nodes with one resource name, a Secret reading a generated password it does not depend on,
 * a render target without an absolute directory, or helm delivery to anything but a cluster is
 * an {@link InputError} listing every issue.
 */
export function createProgram(
  plan: DeploymentPlan,
  options: ProgramOptions,
): () => Promise<ProgramOutputs> {
  const omit = new Set(options.omit ?? []);
  const decls = declareResources(plan, options.target)
    .filter((d) => !omit.has(d.nodeId))
    .map((d) => ({ ...d, dependsOn: d.dependsOn.filter((id) => !omit.has(id)) }));
  const { target, renderDirectory, readinessTimeoutSeconds } = options;
  if (target.kind === 'render' && !(renderDirectory && path.isAbsolute(renderDirectory))) {
    throw new InputError('a render target needs an absolute render directory', [
      { field: 'renderDirectory', message: `got ${renderDirectory ?? 'nothing'}` },
    ]);
  }
  if (options.helm) checkHelmDelivery(plan, options.helm, decls, target.kind);
  const args = providerArgs(target, plan.namespace, renderDirectory ?? '');
  const timeout = readinessTimeoutSeconds ?? 300;
  return async () => {
    const provider = new k8s.Provider(PROVIDER_NAME, args);
    if (options.helm) constructHelmDelivery(plan, decls, provider, options.helm, timeout);
    else
      construct(
        decls,
        provider,
        target.kind === 'cluster' ? { readinessTimeoutSeconds: timeout } : undefined,
      );
    return {
      namespace: plan.namespace,
      publicUrls: [...plan.outputs.publicUrls],
      addresses: { ...plan.outputs.addresses },
      planHash: plan.hash,
    };
  };
}
