/**
 * Helm delivery under Pulumi's mock runtime, read from the resource-registration requests: the
 * Namespace, Secrets and generated passwords are registered exactly as under manifest delivery,
 * nothing of the chart is, and one Release carries the chart directory, the release name, the
 * plan's namespace and the readiness timeout, waiting for exactly the out-of-chart resources.
 */
import assert from 'node:assert/strict';
import type { Target } from '../../../src/model/environment';
import { InputError } from '../../../src/model/errors';
import type { DeploymentPlan } from '../../../src/model/plan';
import {
  CHART_OUTSIDE_KINDS,
  createProgram,
  helmReleaseResourceName,
  resourceName,
  type HelmDelivery,
} from '../../../src/program';
import { runRecorded, type Recording, type Registration } from './support/recorder';
import { secretConfig } from './support/recordings';
import { referencePlan } from './support/reference-plan';

const CLUSTER: Target = { kind: 'cluster', context: 'kind-dev', kubeconfig: '/tmp/kubeconfig' };
const HELM: HelmDelivery = { chartDirectory: '/state/charts/shop/dev', releaseName: 'shop-dev' };
const RELEASE = 'kubernetes:helm.sh/v3:Release';

function record(plan: DeploymentPlan, helm?: HelmDelivery): Promise<Recording> {
  const config = secretConfig(plan);
  const program = createProgram(plan, {
    target: CLUSTER,
    readinessTimeoutSeconds: 120,
    ...(helm ? { helm } : {}),
  });
  return runRecorded(program, { config, secretKeys: Object.keys(config), stack: plan.environment });
}

/** What a registration is, without the URNs its mock run gave it. */
const shape = (r: Registration) => ({
  type: r.type,
  name: r.name,
  inputs: r.inputs,
  dependencies: [...r.dependencies].sort(),
});

describe('program: helm delivery', function () {
  // Two recordings of a real plan with the real SDKs take a while on a shared 2-core machine.
  this.timeout(300_000);
  const plan = referencePlan('dev');
  const outsideIds = plan.nodes
    .filter((n) => (CHART_OUTSIDE_KINDS as readonly string[]).includes(n.kind))
    .map((n) => n.id);
  let helm: Recording;
  let manifests: Recording;
  before(async () => {
    manifests = await record(plan);
    helm = await record(plan, HELM);
  });

  it('the plan has nodes on both sides of the chart (control)', () => {
    assert.ok(outsideIds.includes('namespace'));
    assert.ok(outsideIds.some((id) => id.startsWith('secret/')));
    assert.ok(outsideIds.some((id) => id.startsWith('generated-secret/')));
    assert.ok(plan.nodes.length > outsideIds.length + 5);
  });

  it('registers the out-of-chart resources exactly as manifest delivery does, and nothing of the chart', () => {
    const names = new Set(outsideIds.map(resourceName));
    const expected = manifests.registrations.filter(
      (r) => names.has(r.name) || r.type === 'pulumi:providers:kubernetes',
    );
    assert.equal(expected.length, outsideIds.length + 1);
    const registered = helm.registrations.filter((r) => r.type !== RELEASE);
    assert.deepEqual(registered.map(shape), expected.map(shape));
    assert.deepEqual(
      registered.map((r) => r.type).filter((t) => /Deployment|StatefulSet|Service$|Job/.test(t)),
      [],
    );
  });

  it('registers one Release of the chart directory with the plan namespace and readiness timeout', () => {
    const releases = helm.registrations.filter((r) => r.type === RELEASE);
    assert.equal(releases.length, 1);
    const release = releases[0]!;
    assert.equal(release.name, helmReleaseResourceName(plan));
    assert.equal(release.name, `release-${plan.app}`);
    assert.deepEqual(release.inputs, {
      // The SDK's own marker on every Release it registers.
      compat: 'true',
      chart: '/state/charts/shop/dev',
      name: 'shop-dev',
      namespace: plan.namespace,
      createNamespace: false,
      skipAwait: false,
      waitForJobs: true,
      timeout: 120,
    });
    const provider = helm.registrations.find((r) => r.type === 'pulumi:providers:kubernetes')!;
    assert.equal(release.provider, `${provider.urn}::${provider.name}-id`);
  });

  it('carries a description only when the engine gives one', async () => {
    const described = await record(plan, { ...HELM, description: 'put back by hand' });
    const release = described.registrations.find((r) => r.type === RELEASE)!;
    assert.equal(release.inputs.description, 'put back by hand');
    assert.equal(helm.registrations.find((r) => r.type === RELEASE)!.inputs.description, undefined);
  });

  it('makes the Release wait for exactly every out-of-chart resource', () => {
    const release = helm.registrations.find((r) => r.type === RELEASE)!;
    const names = new Set(outsideIds.map(resourceName));
    const outside = helm.registrations.filter((r) => names.has(r.name));
    assert.equal(outside.length, outsideIds.length);
    assert.deepEqual([...release.dependencies].sort(), outside.map((r) => r.urn).sort());
  });

  it('returns the same stack outputs as manifest delivery', () => {
    assert.deepEqual(helm.outputs, manifests.outputs);
  });

  it('refuses a render target, a relative chart directory and an out-of-chart node waiting inside the chart', () => {
    assert.throws(
      () => createProgram(plan, { target: { kind: 'render' }, renderDirectory: '/r', helm: HELM }),
      (err: unknown) =>
        err instanceof InputError && err.issues.some((i) => i.field === 'target.kind'),
    );
    assert.throws(
      () => createProgram(plan, { target: CLUSTER, helm: { ...HELM, chartDirectory: 'charts' } }),
      (err: unknown) =>
        err instanceof InputError && err.issues.some((i) => i.field === 'chartDirectory'),
    );
    const secret = plan.nodes.find((n) => n.kind === 'secret')!;
    const service = plan.nodes.find((n) => n.kind === 'service')!;
    const tangled: DeploymentPlan = {
      ...plan,
      nodes: plan.nodes.map((n) =>
        n.id === secret.id ? { ...n, dependsOn: [...n.dependsOn, service.id].sort() } : n,
      ),
    };
    assert.throws(
      () => createProgram(tangled, { target: CLUSTER, helm: HELM }),
      (err: unknown) =>
        err instanceof InputError &&
        err.issues.some(
          (i) => i.field === `nodes.${secret.id}.dependsOn` && i.message.includes(service.id),
        ),
    );
  });
});
