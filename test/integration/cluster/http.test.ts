/**
 * The HTTP flow once against the cluster: preview → approval → deployment → history → drift →
 * a second release → rollback, on a gated prod stack whose target is the test cluster.
 */
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCluster, type TestCluster } from '../../support/cluster';
import { engineEnv, makeStacks, startHarness, type Harness } from '../server/support/harness';
import { FIXTURE_SECRETS, liveWorkloads, unreadyWorkloads } from './support';

const NS = 'http-prod';

describe('HTTP flow on a cluster target (real server, engine and control plane)', function () {
  this.timeout(600_000);
  let cluster: TestCluster;
  let h: Harness;
  let stacksDir: string;

  before(async () => {
    cluster = await startCluster();
    await cluster.situation({ storage: 'default', ingress: 'controller' });
    stacksDir = makeStacks();
    const prod = join(stacksDir, 'Pulumi.prod.yaml');
    writeFileSync(
      prod,
      readFileSync(prod, 'utf8')
        .replace('stackpilot:namespace: stackpilot-prod', `stackpilot:namespace: ${NS}`)
        .replace(
          / {2}stackpilot:target:\n {4}kind: render\n {4}directory: rendered\/prod\n/,
          [
            '  stackpilot:target:',
            '    kind: cluster',
            `    context: ${cluster.context}`,
            `    kubeconfig: ${cluster.kubeconfig}`,
            '  stackpilot:cluster:',
            '    readinessTimeoutSeconds: 60',
            // kwok pulls nothing; the registry preflight is tested against a real registry.
            '  stackpilot:images:',
            '    verify: off',
            '',
          ].join('\n'),
        ),
    );
    assert.match(readFileSync(prod, 'utf8'), /kind: cluster/);
    h = await startHarness({ stacksDir, env: { ...engineEnv(), ...FIXTURE_SECRETS } });
  });
  after(async () => {
    await h?.cleanup();
    await cluster?.stop();
  });

  it('previews, is approved, deploys, shows history and drift, and rolls back on the cluster', async () => {
    const deployer = h.as('deployer');
    const approver = h.as('approver');
    const planA = await deployer.plan('prod');
    const previewA = await deployer.run('/v1/stacks/prod/previews', { planId: planA.id });
    assert.deepEqual(previewA.approval, { required: true, state: 'pending' });
    await approver.expect(201, 'POST', '/v1/approvals', {
      previewOperationId: previewA.id,
      decision: 'approve',
    });
    const upA = await deployer.run('/v1/stacks/prod/deployments', {
      planId: planA.id,
      previewOperationId: previewA.id,
    });
    assert.equal((upA.result as { status: string }).status, 'succeeded');
    assert.deepEqual(await unreadyWorkloads(cluster, NS), []);

    const history = await deployer.expect(200, 'GET', '/v1/stacks/prod/history?project=fullstack');
    assert.deepEqual(
      (history.history as { planHash?: string }[]).map((e) => e.planHash),
      [planA.hash],
    );
    const clean = await deployer.expect(200, 'GET', '/v1/stacks/prod/drift?project=fullstack');
    assert.equal(clean.drifted, false);

    // A second release, approved and deployed; then back to the first without a new approval.
    const stackFile = join(stacksDir, 'Pulumi.prod.yaml');
    writeFileSync(
      stackFile,
      readFileSync(stackFile, 'utf8').replace('maxReplicas: 10', 'maxReplicas: 12'),
    );
    const planB = await deployer.plan('prod');
    assert.notEqual(planB.hash, planA.hash);
    const previewB = await deployer.run('/v1/stacks/prod/previews', { planId: planB.id });
    await approver.expect(201, 'POST', '/v1/approvals', {
      previewOperationId: previewB.id,
      decision: 'approve',
    });
    await deployer.run('/v1/stacks/prod/deployments', {
      planId: planB.id,
      previewOperationId: previewB.id,
    });
    const hpa = await cluster.api.list<{ spec: { maxReplicas: number } }>(
      `/apis/autoscaling/v2/namespaces/${NS}/horizontalpodautoscalers`,
    );
    assert.ok(hpa.length > 0 && hpa.every((a) => a.spec.maxReplicas === 12));

    const back = await deployer.run('/v1/stacks/prod/rollbacks', {
      project: 'fullstack',
      to: planA.hash,
    });
    assert.equal((back.result as { status: string }).status, 'succeeded');
    const hpaBack = await cluster.api.list<{ spec: { maxReplicas: number } }>(
      `/apis/autoscaling/v2/namespaces/${NS}/horizontalpodautoscalers`,
    );
    assert.ok(hpaBack.every((a) => a.spec.maxReplicas === 10));
    assert.ok((await liveWorkloads(cluster, NS)).size > 0);
    assert.deepEqual(await unreadyWorkloads(cluster, NS), []);
  });
});
