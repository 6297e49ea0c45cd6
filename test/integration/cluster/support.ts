/**
 * Set-up shared by the cluster suites: environments aimed at the test cluster, plans of the
 * fixture apps, and reads of what the cluster holds.
 */
import { join } from 'node:path';
import { analyzeRepository } from '../../../src/analyze';
import type { AppModel } from '../../../src/model/app';
import type { Environment } from '../../../src/model/environment';
import type { DeploymentPlan } from '../../../src/model/plan';
import { loadEnvironment, planDeployment } from '../../../src/plan';
import type { TestCluster } from '../../support/cluster';
import { REPO_ROOT, STACKS } from '../support/engine';

/** Secret values every fixture app's plans read, as `STACKPILOT_SECRET_*` variables. */
export const FIXTURE_SECRETS: Record<string, string> = {
  STACKPILOT_SECRET_OPENAI_API_KEY: 'sk-cluster-canary-1',
  STACKPILOT_SECRET_ANTHROPIC_API_KEY: 'sk-cluster-canary-2',
  STACKPILOT_SECRET_DATABASE_URL:
    'postgresql://app:cluster-canary-3@ep-test.neon.tech/app?sslmode=require',
  STACKPILOT_SECRET_DATABASE_URL_UNPOOLED:
    'postgresql://app:cluster-canary-3@ep-test.neon.tech/app',
  STACKPILOT_SECRET_REDIS_URL: 'rediss://default:cluster-canary-4@cache.example.com:6380',
};

const models = new Map<string, Promise<AppModel>>();

/** The AppModel of a fixture app, analyzed once per run. */
export function fixtureModel(name: string): Promise<AppModel> {
  let m = models.get(name);
  if (!m) models.set(name, (m = analyzeRepository(join(REPO_ROOT, 'test', 'fixtures', name))));
  return m;
}

/** `envName` from the repo's stack files, aimed at the test cluster, in its own namespace. */
export async function clusterEnvironment(
  cluster: TestCluster,
  envName: string,
  namespace: string,
  tweak: (env: Environment) => Environment = (e) => e,
): Promise<Environment> {
  const env = await loadEnvironment(STACKS, envName);
  return tweak({
    ...env,
    namespace,
    target: { kind: 'cluster', context: cluster.context, kubeconfig: cluster.kubeconfig },
    cluster: { ...env.cluster, readinessTimeoutSeconds: 60 },
    // kwok nodes pull nothing and these apps' images are in no registry: the registry
    // preflight has its own suite, against a real registry (test/integration/images).
    images: { ...env.images, verify: 'off' },
  });
}

/** The plan of a fixture app in `env`. */
export async function fixturePlan(name: string, env: Environment): Promise<DeploymentPlan> {
  return planDeployment(await fixtureModel(name), env);
}

/** A Deployment's or StatefulSet's object as the cluster holds it. */
export interface LiveWorkload {
  metadata: { name: string; generation: number; uid: string; annotations?: Record<string, string> };
  spec: {
    replicas: number;
    template: {
      spec: {
        containers: { name: string; image: string; env?: { name: string; value?: string }[] }[];
      };
    };
  };
  status: {
    readyReplicas?: number;
    availableReplicas?: number;
    updatedReplicas?: number;
    observedGeneration?: number;
  };
}

/** Every Deployment and StatefulSet of a namespace, by name. */
export async function liveWorkloads(
  cluster: TestCluster,
  ns: string,
): Promise<Map<string, LiveWorkload & { kind: string }>> {
  const out = new Map<string, LiveWorkload & { kind: string }>();
  for (const [kind, path] of [
    ['Deployment', `/apis/apps/v1/namespaces/${ns}/deployments`],
    ['StatefulSet', `/apis/apps/v1/namespaces/${ns}/statefulsets`],
  ] as const) {
    for (const w of await cluster.api.list<LiveWorkload>(path))
      out.set(w.metadata.name, { ...w, kind });
  }
  return out;
}

/** The workloads of a namespace that are not ready, as `kind/name ready/desired`. */
export async function unreadyWorkloads(cluster: TestCluster, ns: string): Promise<string[]> {
  const out: string[] = [];
  for (const [name, w] of await liveWorkloads(cluster, ns)) {
    const ready = w.status.readyReplicas ?? 0;
    if (ready < w.spec.replicas) out.push(`${w.kind}/${name} ${ready}/${w.spec.replicas}`);
  }
  return out.sort();
}
