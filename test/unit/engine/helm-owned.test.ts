/**
 * Under helm delivery the plan's NetworkPolicies carry Helm's `managed-by` label; the engine
 * hands the diagnosis a snapshot where they are stackpilot's again, and nothing else changes.
 */
import { strict as assert } from 'node:assert';
import { releaseOwned } from '../../../src/engine/operations/diagnose';
import type { DeploymentPlan } from '../../../src/model/plan';
import type { DiagnosisSnapshot, NetworkPolicySnapshot } from '../../../src/model/snapshot';
import { resolveEnvironment } from '../../../src/plan/environment';

const policy = (name: string, managed: boolean): NetworkPolicySnapshot => ({
  name,
  managed,
  podSelector: {},
  policyTypes: ['Ingress'],
  ingress: [],
  egress: [],
});
const snapshot = {
  networkPolicies: [policy('default-deny', false), policy('api', false), policy('vpn', false)],
} as DiagnosisSnapshot;
const plan = {
  nodes: [
    { id: 'network-policy/default-deny', kind: 'network-policy', name: 'default-deny' },
    { id: 'network-policy/api', kind: 'network-policy', name: 'api' },
    { id: 'workload/vpn', kind: 'workload', name: 'vpn' },
  ],
} as DeploymentPlan;
const cluster = { target: { kind: 'cluster' as const, context: 'c' } };

describe('engine: diagnosis snapshot of a helm-delivered stack', () => {
  it("counts the plan's policies as stackpilot's, and no other", () => {
    const env = resolveEnvironment('dev', { ...cluster, delivery: 'helm' });
    assert.deepEqual(
      releaseOwned(snapshot, plan, env).networkPolicies.map((p) => [p.name, p.managed]),
      [
        ['default-deny', true],
        ['api', true],
        ['vpn', false],
      ],
    );
  });

  it('leaves a manifest-delivered snapshot as it is', () => {
    const env = resolveEnvironment('dev', cluster);
    assert.equal(releaseOwned(snapshot, plan, env), snapshot);
  });
});
