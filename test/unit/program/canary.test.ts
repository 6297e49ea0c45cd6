/**
 * Secret canaries: known secret values set through stack config must reach the Kubernetes
 * Secrets (as secret values) and nothing else — no other resource input, no stack output, no
 * ejected file, no manifest written for the checkers, no log line.
 */
import assert from 'node:assert/strict';
import { canonicalJson } from '../../../src/model/canonical';
import { ejectProject } from '../../../src/program';
import { manifestsOf } from './support/manifests';
import { isSecret, runRecorded } from './support/recorder';
import { recordPlan } from './support/recordings';
import { CANARIES, ENVS, referencePlan } from './support/reference-plan';

const canaries = Object.values(CANARIES);
/** The mocks' generated password of the plan's one generated-secret node. */
const generated = 'generated-generated-secret-redis-password';
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
/** Which secret values appear in `text`, as they are or base64-encoded. */
const leaks = (text: string): string[] =>
  [...canaries, generated].filter((c) => text.includes(c) || text.includes(b64(c)));
/** The decoded `data` of a recorded Secret. */
const decodedData = (inputs: Record<string, unknown>): Record<string, string> => {
  const data = inputs.data;
  assert.ok(isSecret(data), 'Secret data must be a secret value');
  return Object.fromEntries(
    Object.entries(data.value as Record<string, string>).map(([k, v]) => [
      k,
      Buffer.from(v, 'base64').toString('utf8'),
    ]),
  );
};

describe('program: secret canaries', function () {
  // Recording many real plans with the real SDKs takes a while on a shared 2-core machine.
  this.timeout(300_000);
  it('the log capture sees what a program prints (control for the log checks)', async () => {
    const { logs } = await runRecorded(() => {
      console.log(`value ${canaries[0]}`);
      return {};
    });
    assert.deepEqual(logs, [`value ${canaries[0]}`]);
  });

  for (const env of ENVS) {
    const plan = referencePlan(env);

    it(`${env}: the plan holds only the config keys, never the values`, () => {
      assert.deepEqual(leaks(canonicalJson(plan)), []);
      assert.ok(canonicalJson(plan).includes('secrets:OPENAI_API_KEY'));
    });

    it(`${env}: the values reach the Secrets, wrapped as secrets, and no other input or output`, async () => {
      const { registrations, outputs } = await recordPlan(plan);
      const secrets = registrations.filter((r) => r.type === 'kubernetes:core/v1:Secret');
      // Positive control: the canaries are really there, so their absence elsewhere means something.
      const inSecrets = leaks(JSON.stringify(secrets.map((s) => decodedData(s.inputs))));
      assert.deepEqual(inSecrets.sort(), [...canaries, generated].sort());
      for (const s of secrets) {
        const { data: _data, ...rest } = s.inputs;
        assert.deepEqual(leaks(JSON.stringify(rest)), [], s.name);
      }
      for (const r of registrations.filter((x) => x.type !== 'kubernetes:core/v1:Secret')) {
        assert.deepEqual(leaks(JSON.stringify(r.inputs)), [], `${r.type} ${r.name}`);
      }
      assert.deepEqual(leaks(JSON.stringify(outputs)), []);
      assert.deepEqual(leaks(JSON.stringify(manifestsOf(registrations))), []);
    });

    it(`${env}: no log line carries a value`, async () => {
      const { logs } = await recordPlan(plan);
      assert.deepEqual(
        logs.filter((l) => leaks(l).length),
        [],
      );
    });

    it(`${env}: the ejected project names the config keys and holds no value`, () => {
      const files = ejectProject(plan, { env, target: { kind: 'render' } });
      for (const [file, text] of Object.entries(files)) assert.deepEqual(leaks(text), [], file);
      assert.ok(files['index.ts']!.includes("secretsConfig.requireSecret('OPENAI_API_KEY')"));
    });
  }
});
