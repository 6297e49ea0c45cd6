/**
 * Cluster figures on the real control plane: the time from `up` to every workload ready for
 * the reference app, against the floor on the same cluster in the same run (server-side apply
 * of the same rendered objects, then waiting for readiness), and the time of a blue-green
 * switch back. Prints the ratio; asserts nothing.
 */
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { clusterClient } from '../src/cluster/client';
import { renderManifests } from '../src/engine';
import { planDeployment } from '../src/plan';
import { startCluster, type TestCluster } from '../test/support/cluster';
import { tempEngine } from '../test/integration/support/engine';
import {
  clusterEnvironment,
  FIXTURE_SECRETS,
  fixtureModel,
  unreadyWorkloads,
} from '../test/integration/cluster/support';

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return [value, Number(process.hrtime.bigint() - start) / 1e6];
}

/** Waits, polling the API, until every workload of `ns` is ready and every Job complete. */
async function ready(cluster: TestCluster, ns: string, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const jobs = await cluster.api.list<{ status: { succeeded?: number } }>(
      `/apis/batch/v1/namespaces/${ns}/jobs`,
    );
    const workloads = await unreadyWorkloads(cluster, ns);
    if (!workloads.length && jobs.every((j) => (j.status.succeeded ?? 0) > 0)) return;
    if (Date.now() > deadline) throw new Error(`not ready in ${ns}: ${workloads.join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Server-side applies every rendered object (the namespace first), as `kubectl apply --server-side` would. */
async function applyAll(cluster: TestCluster, dir: string): Promise<void> {
  const client = clusterClient({
    kind: 'cluster',
    context: cluster.context,
    kubeconfig: cluster.kubeconfig,
  });
  const api = KubernetesObjectApi.makeApiClient(client.kc);
  const objects: KubernetesObject[] = [];
  for (const sub of ['0-crd', '1-manifest']) {
    let files: string[] = [];
    try {
      files = readdirSync(join(dir, sub)).sort();
    } catch {
      continue;
    }
    for (const f of files)
      for (const doc of parseAllDocuments(readFileSync(join(dir, sub, f), 'utf8')))
        objects.push(doc.toJS() as KubernetesObject);
  }
  const isNs = (o: KubernetesObject) => o.kind === 'Namespace';
  for (const o of objects.filter(isNs))
    await api.patch(o, undefined, undefined, 'bench', true, PatchStrategy.ServerSideApply);
  await Promise.all(
    objects
      .filter((o) => !isNs(o))
      .map((o) => api.patch(o, undefined, undefined, 'bench', true, PatchStrategy.ServerSideApply)),
  );
}

async function main(): Promise<void> {
  const cluster = await startCluster();
  const t = tempEngine({ env: FIXTURE_SECRETS });
  const scratch = mkdtempSync(join(tmpdir(), 'stackpilot-cluster-bench-'));
  try {
    await cluster.situation({ storage: 'default', ingress: 'controller' });
    const model = await fixtureModel('fullstack');

    const env = await clusterEnvironment(cluster, 'dev', 'bench-up');
    const plan = await planDeployment(model, env);
    const [result, upMs] = await timed(() => t.engine.up(plan, env));
    if (result.status !== 'succeeded') throw new Error(`up failed: ${result.error ?? ''}`);

    const floorEnv = await clusterEnvironment(cluster, 'dev', 'bench-floor');
    const floorPlan = await planDeployment(model, floorEnv);
    const rendered = await renderManifests(floorPlan, floorEnv, join(scratch, 'rendered'), {
      env: { ...process.env, ...FIXTURE_SECRETS },
    });
    const [, floorMs] = await timed(async () => {
      await applyAll(cluster, rendered);
      await ready(cluster, 'bench-floor');
    });
    const [again, noopMs] = await timed(() => t.engine.up(plan, env));
    if (again.status !== 'succeeded') throw new Error(`second up failed: ${again.error ?? ''}`);

    // Blue-green: release to green, then time the switch back to blue.
    const prod = await clusterEnvironment(cluster, 'prod', 'bench-bg');
    const blue = await planDeployment(model, prod);
    await t.engine.up(blue, prod);
    const next = { ...prod, components: { api: { image: 'example.org/fullstack/api:2.0.0' } } };
    await t.engine.up(await planDeployment(model, next, { previous: blue }), next);
    const [back, switchMs] = await timed(() => t.engine.rollback(blue.app, prod));
    if (back.status !== 'succeeded') throw new Error(`switch back failed: ${back.error ?? ''}`);

    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    console.log(`reference app (dev, ${plan.nodes.length} objects) on ${cluster.context}:`);
    console.log(`  stackpilot up to all ready:         ${s(upMs)}`);
    console.log(`  floor (server-side apply + watch):  ${s(floorMs)}`);
    console.log(
      `  ratio up/floor:                     ${(upMs / floorMs).toFixed(2)}  (aim ≤ 1.3)`,
    );
    console.log(`  second up, nothing changed:         ${s(noopMs)}`);
    // What an up costs before and after the cluster work: engine and CLI processes, stack
    // open, the refresh, Pulumi's own reads of outputs and summary. Shown so the ratio can be
    // read: the part that scales with the app is the difference.
    console.log(
      `  ratio (up − no-op up)/floor:        ${((upMs - noopMs) / floorMs).toFixed(2)}  (the cluster work, without the fixed engine cost)`,
    );
    console.log(`  blue-green switch back (rollback):  ${s(switchMs)}`);
  } finally {
    t.cleanup();
    rmSync(scratch, { recursive: true, force: true });
    await cluster.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
