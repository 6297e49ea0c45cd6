import { strict as assert } from 'node:assert';
import { FIXTURE_PLANS, FIXTURES } from './fixtures';
import { applied } from './applied';
import { run, snapshot } from './support';
import type { DiagnosisSnapshot } from '../../../src/model/snapshot';
import { DiagnosisSchema } from '../../../src/model/diagnosis';

/** The same snapshot with every list reversed and rotated: the cluster promises no order. */
function shuffled(s: DiagnosisSnapshot): DiagnosisSnapshot {
  const mix = <T>(xs: T[]): T[] => {
    const r = [...xs].reverse();
    return r.length > 1 ? [...r.slice(1), r[0]!] : r;
  };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) out[k] = Array.isArray(v) ? mix(v) : v;
  return out as unknown as DiagnosisSnapshot;
}

describe('diagnose', () => {
  it('finds nothing in an empty namespace', () => {
    const d = run(snapshot());
    assert.deepEqual(d.findings, []);
    assert.equal(d.healthy, true);
    assert.equal(d.namespace, 'stackpilot-dev');
    assert.match(d.planHash ?? '', /^sha256:/);
  });

  for (const [name, build] of Object.entries(FIXTURES)) {
    it(`${name}: valid, deterministic, and independent of list order`, () => {
      const plan = FIXTURE_PLANS[name]?.();
      const a = run(build(), plan);
      assert.doesNotThrow(() => DiagnosisSchema.parse(a));
      assert.equal(a.healthy, false);
      assert.deepEqual(run(build(), plan), a);
      assert.deepEqual(run(shuffled(build()), plan), a);
    });
  }
});

describe('diagnose: a healthy applied plan', () => {
  it('gives no findings on the fullstack dev plan applied as planned', () => {
    const d = run(applied());
    assert.deepEqual(d.findings, []);
    assert.equal(d.healthy, true);
    assert.deepEqual(d.notes, []);
  });
});

describe('diagnose: notes', () => {
  it('says what it could not check in a snapshot recorded without IngressClasses or pod specs', () => {
    const s = applied();
    delete s.ingressClasses;
    s.pods = s.pods.map(({ specs: _specs, ...p }) => p);
    s.unreadable = ['Secrets: forbidden by RBAC'];
    assert.deepEqual(run(s).notes, [
      "IngressClasses: not in the snapshot, so the Ingresses' classes were not checked",
      'Secrets: forbidden by RBAC',
      'pod specs: not in the snapshot, so probes and env references were not checked',
    ]);
  });
});
