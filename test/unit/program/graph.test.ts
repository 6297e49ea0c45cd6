/**
 * The registered dependency graph — read from the resource monitor's registration requests —
 * equals the plan's `dependsOn` graph, node for node, for every test plan; names are the stable
 * node-derived names; every Kubernetes resource goes through the one explicit provider.
 */
import assert from 'node:assert/strict';
import type { PlanNodeKind } from '../../../src/model/plan';
import { allPlans, expectedPlanLabels, type TestPlan } from './support/plans';
import { recordPlan } from './support/recordings';
import { syntheticPlan } from './support/synthetic';

/** The Pulumi type each node kind must register as. */
const TYPE_OF: Record<PlanNodeKind, string[]> = {
  namespace: ['kubernetes:core/v1:Namespace'],
  'service-account': ['kubernetes:core/v1:ServiceAccount'],
  config: ['kubernetes:core/v1:ConfigMap'],
  secret: ['kubernetes:core/v1:Secret'],
  'generated-secret': ['random:index/randomPassword:RandomPassword'],
  volume: ['kubernetes:core/v1:PersistentVolumeClaim'],
  workload: ['kubernetes:apps/v1:Deployment', 'kubernetes:apps/v1:StatefulSet'],
  job: ['kubernetes:batch/v1:Job'],
  'cron-job': ['kubernetes:batch/v1:CronJob'],
  service: ['kubernetes:core/v1:Service'],
  route: ['kubernetes:networking.k8s.io/v1:Ingress'],
  'network-policy': ['kubernetes:networking.k8s.io/v1:NetworkPolicy'],
  autoscaler: ['kubernetes:autoscaling/v2:HorizontalPodAutoscaler'],
  'disruption-budget': ['kubernetes:policy/v1:PodDisruptionBudget'],
  'service-monitor': ['kubernetes:monitoring.coreos.com/v1:ServiceMonitor'],
};

/** The naming rule, restated independently of the program: `workload/api` → `workload-api`. */
const expectedName = (id: string): string => id.replace('/', '-');

describe('program: registered dependency graph', function () {
  // Recording many real plans with the real SDKs takes a while on a shared 2-core machine.
  this.timeout(300_000);
  let plans: TestPlan[] = [];
  before(async function () {
    this.timeout(120_000);
    const all = await allPlans();
    plans = all.plans;
    if (all.skipped) console.log(`      (skipped: ${all.skipped})`);
  });

  it('registers exactly one resource per plan node plus the provider, with node-derived names', async () => {
    assert.deepEqual(plans.map((p) => p.label).sort(), expectedPlanLabels());
    for (const { label, plan } of plans) {
      const { registrations } = await recordPlan(plan);
      const names = registrations.map((r) => r.name).sort();
      const expected = [...plan.nodes.map((n) => expectedName(n.id)), 'kubernetes'].sort();
      assert.deepEqual(names, expected, label);
      for (const node of plan.nodes) {
        const reg = registrations.find((r) => r.name === expectedName(node.id));
        assert.ok(
          reg && TYPE_OF[node.kind].includes(reg.type),
          `${label} ${node.id}: ${reg?.type}`,
        );
        assert.equal(reg.custom, true, `${label} ${node.id}`);
      }
    }
  });

  it('gives every resource exactly the dependsOn of its node (recorded graph deep-equals the plan graph)', async () => {
    for (const { label, plan } of plans) {
      const { registrations } = await recordPlan(plan);
      const nodeOfUrn = new Map<string, string>();
      for (const r of registrations) {
        const node = plan.nodes.find((n) => expectedName(n.id) === r.name);
        nodeOfUrn.set(r.urn, node ? node.id : `<${r.type}>`);
      }
      const recorded: Record<string, string[]> = {};
      const planned: Record<string, string[]> = {};
      for (const node of plan.nodes) {
        const reg = registrations.find((r) => r.name === expectedName(node.id));
        assert.ok(reg, `${label} ${node.id}`);
        recorded[node.id] = reg.dependencies
          .map((u) => nodeOfUrn.get(u) ?? `<unknown ${u}>`)
          .sort();
        planned[node.id] = [...node.dependsOn].sort();
      }
      assert.deepEqual(recorded, planned, label);
    }
  });

  it('sends every Kubernetes resource through the one explicit provider, and nothing else through it', async () => {
    for (const { label, plan } of plans) {
      const { registrations } = await recordPlan(plan);
      const provider = registrations.filter((r) => r.type === 'pulumi:providers:kubernetes');
      assert.equal(provider.length, 1, label);
      const ref = `${provider[0]!.urn}::${provider[0]!.name}-id`;
      for (const r of registrations) {
        if (r.type.startsWith('kubernetes:')) assert.equal(r.provider, ref, `${label} ${r.name}`);
        if (r.type.startsWith('random:')) assert.equal(r.provider, '', `${label} ${r.name}`);
      }
      assert.equal(provider[0]!.inputs.namespace, plan.namespace, label);
      assert.equal(typeof provider[0]!.inputs.renderYamlToDirectory, 'string', label);
    }
  });

  it('names every object explicitly from the plan, in the plan namespace', async () => {
    for (const { label, plan } of plans) {
      const { registrations } = await recordPlan(plan);
      for (const node of plan.nodes) {
        if (node.kind === 'generated-secret') continue;
        const reg = registrations.find((r) => r.name === expectedName(node.id))!;
        const meta = reg.inputs.metadata as { name: string; namespace?: string };
        assert.equal(meta.name, node.name, `${label} ${node.id}`);
        assert.equal(
          meta.namespace,
          node.kind === 'namespace' ? undefined : plan.namespace,
          `${label} ${node.id}`,
        );
      }
    }
  });

  it('keeps the graph exact at scale (a synthetic 40-component plan)', async function () {
    this.timeout(120_000);
    const plan = syntheticPlan(40);
    const { registrations } = await recordPlan(plan);
    const nodeOfUrn = new Map(registrations.map((r) => [r.urn, r.name]));
    const recorded = Object.fromEntries(
      registrations
        .filter((r) => r.type !== 'pulumi:providers:kubernetes')
        .map((r) => [r.name, r.dependencies.map((u) => nodeOfUrn.get(u)).sort()]),
    );
    const planned = Object.fromEntries(
      plan.nodes.map((n) => [expectedName(n.id), n.dependsOn.map(expectedName).sort()]),
    );
    assert.equal(Object.keys(planned).length, 40 * 8 + 14 + 2);
    assert.deepEqual(recorded, planned);
  });

  it('exports the namespace, public URLs, addresses and plan hash', async () => {
    for (const { label, plan } of plans) {
      const { outputs } = await recordPlan(plan);
      assert.deepEqual(
        outputs,
        {
          namespace: plan.namespace,
          publicUrls: plan.outputs.publicUrls,
          addresses: plan.outputs.addresses,
          planHash: plan.hash,
        },
        label,
      );
    }
  });
});
