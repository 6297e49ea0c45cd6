/**
 * One stack of a fixture app on the test cluster for the failure-class suite: its stack config
 * kept as the text of a stack file, so that an injected failure and a diagnosis's fix are merged
 * the way `stackpilot diagnose --fix` merges them (`applyConfigFixes`) and read back the way
 * every front door reads them (`parseStackConfig`); ups through the real engine; diagnoses of
 * what the cluster holds through the real reader and the real detectors.
 */
import { strict as assert } from 'node:assert';
import { stringify } from 'yaml';
import { clusterClient } from '../../../src/cluster/client';
import { readDiagnosisSnapshot } from '../../../src/cluster/diagnosis-snapshot';
import { applyConfigFixes } from '../../../src/diagnose/apply-fix';
import { diagnose } from '../../../src/diagnose';
import type { UpOptions } from '../../../src/engine';
import type { Diagnosis, FailureClass, Finding, Fix } from '../../../src/model/diagnosis';
import type { Environment } from '../../../src/model/environment';
import type { UpResult } from '../../../src/model/operations';
import type { DeploymentPlan } from '../../../src/model/plan';
import type { DiagnosisSnapshot } from '../../../src/model/snapshot';
import { parseStackConfig } from '../../../src/plan/environment';
import type { TestCluster } from '../../support/cluster';
import { tempEngine } from '../support/engine';
import { FIXTURE_SECRETS, fixturePlan } from '../cluster/support';

/** A diagnosis with the snapshot it was made from. */
export interface Diagnosed {
  diagnosis: Diagnosis;
  snapshot: DiagnosisSnapshot;
}

/** A stack of `fixture` in `envName`, deployed to its own namespace of the test cluster. */
export class ClassStack {
  readonly t = tempEngine({ env: FIXTURE_SECRETS });
  /** The stack file as it stands: the base settings, then whatever was merged since. */
  text: string;
  private readonly base: string;
  /** The plan of the last up. */
  plan: DeploymentPlan | undefined;

  constructor(
    readonly cluster: TestCluster,
    readonly fixture: string,
    readonly envName: string,
    readonly namespace: string,
    settings: Record<string, unknown> = {},
  ) {
    const config: Record<string, unknown> = {
      'stackpilot:namespace': namespace,
      'stackpilot:target': {
        kind: 'cluster',
        context: cluster.context,
        kubeconfig: cluster.kubeconfig,
      },
      // Ups that succeed are done in seconds on kwok; ups meant to fail lower it further.
      'stackpilot:cluster': { readinessTimeoutSeconds: 30 },
      // kwok pulls nothing: the registry preflight has its own suite.
      'stackpilot:images': { verify: 'off' },
    };
    for (const [k, v] of Object.entries(settings)) config[`stackpilot:${k}`] = v;
    this.base = this.text = stringify({ config });
  }

  /** Merges `config` (a partial `stackpilot:` config) into the stack file, as a fix merge would. */
  set(config: Record<string, unknown>, why = 'the test sets it'): this {
    this.text = applyConfigFixes(this.text, [{ summary: why, reason: why, config }]).text;
    return this;
  }

  /** Merges a diagnosis's config fix into the stack file; the fix must have one. */
  applyFix(fix: Fix | undefined): this {
    assert.ok(fix?.config, `a config fix, got ${JSON.stringify(fix)}`);
    const merged = applyConfigFixes(this.text, [fix]);
    assert.ok(merged.changes.length, `the fix changes the stack file: ${fix.summary}`);
    this.text = merged.text;
    return this;
  }

  /** Back to the base settings: the failure injected by {@link set} undone. */
  reset(): this {
    this.text = this.base;
    return this;
  }

  /** The environment the stack file says. */
  env(): Environment {
    return parseStackConfig(this.text, `Pulumi.${this.envName}.yaml`, this.envName);
  }

  /** Plans the fixture for the stack file as it stands and runs `up`. */
  async up(options: UpOptions = {}): Promise<UpResult> {
    const env = this.env();
    this.plan = await fixturePlan(this.fixture, env);
    return this.t.engine.up(this.plan, env, options);
  }

  /** An up that must succeed. */
  async upOk(what: string): Promise<UpResult> {
    const result = await this.up();
    assert.equal(
      result.status,
      'succeeded',
      `${what}: ${result.error}\n${(result.causes ?? []).join('\n')}`,
    );
    return result;
  }

  /** Reads the namespace with the diagnosis reader and diagnoses it against the last up's plan. */
  async diagnose(): Promise<Diagnosed> {
    assert.ok(this.plan, 'an up ran first');
    const env = this.env();
    assert.equal(env.target.kind, 'cluster');
    if (env.target.kind !== 'cluster') throw new Error('unreachable');
    const snapshot = await readDiagnosisSnapshot(clusterClient(env.target), this.namespace);
    const diagnosis = diagnose({
      plan: this.plan,
      snapshot,
      project: this.plan.app,
      environment: this.envName,
    });
    const text = JSON.stringify({ diagnosis, snapshot });
    for (const [name, value] of Object.entries(FIXTURE_SECRETS))
      assert.ok(!text.includes(value), `the value of ${name} appears nowhere`);
    return { diagnosis, snapshot };
  }

  /** Diagnoses until a finding of `cls` about `object` shows up (controllers take a moment). */
  async finding(cls: FailureClass, object: string, ms = 60_000): Promise<Finding & Diagnosed> {
    const deadline = Date.now() + ms;
    for (;;) {
      const d = await this.diagnose();
      const f = d.diagnosis.findings.find((x) => x.class === cls && x.object === object);
      if (f) return { ...f, ...d };
      if (Date.now() > deadline)
        assert.fail(
          `no ${cls} finding about ${object} within ${ms} ms; findings:\n${d.diagnosis.findings
            .map((x) => `${x.class} ${x.object}: ${x.cause}`)
            .join('\n')}\nnotes: ${d.diagnosis.notes.join('; ')}`,
        );
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  /** Removes the engine's state directory. */
  cleanup(): void {
    this.t.cleanup();
  }
}

/** `Deployment <ns>/<name>`, as findings name objects. */
export function objectRef(kind: string, namespace: string, name: string): string {
  return `${kind} ${namespace}/${name}`;
}

/** Polls `check` every 500 ms until it holds, failing with `what` and the last `detail()` after `ms`. */
export async function eventually(
  what: string,
  check: () => Promise<boolean>,
  ms = 60_000,
  detail: () => Promise<string> = async () => '',
): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline)
      assert.fail(`${what} did not happen within ${ms} ms\n${await detail()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
