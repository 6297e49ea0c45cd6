/**
 * The engine's last step of a diagnosis: every secret value the stack knows is masked in every
 * string of it (log lines quoted as evidence above all), raw and base64, before it leaves.
 */
import { strict as assert } from 'node:assert';
import { redactDiagnosis } from '../../../src/engine/operations/diagnose';
import type { Diagnosis } from '../../../src/model/diagnosis';
import { container, deployment, deploymentPod, run, snapshot, spec } from '../diagnose/support';

const SECRET = 'postgresql://app:s3cr3t-canary@ep-test.neon.tech/app';
const TOKEN = 'sk-canary-0123456789';
const b64 = (s: string) => Buffer.from(s).toString('base64');

const leaky: Diagnosis = {
  project: 'shop',
  environment: 'dev',
  namespace: 'shop-dev',
  healthy: false,
  findings: [
    {
      class: 'crash-loop',
      component: 'api',
      object: 'Deployment shop-dev/api',
      evidence: [
        'pod api-1 container api: CrashLoopBackOff, last exit code 1 (Error)',
        `log api-1/api (previous run): connecting to ${SECRET}`,
        `log api-1/api (previous run): auth header Bearer ${TOKEN} refused`,
        `log api-1/api (previous run): env dump DATABASE_URL=${b64(SECRET)}`,
      ],
      cause: `exit code 1: the process failed talking to ${SECRET}`,
      decision: {
        skill: 'secrets',
        topic: 'api env',
        choice: 'DATABASE_URL from Secret',
        reason: 'a secret',
      },
      fix: {
        summary: 'set DATABASE_URL',
        reason: `the log says ${TOKEN} is refused`,
        command: 'stackpilot secrets set DATABASE_URL --env dev',
      },
    },
  ],
  notes: [`logs of api-2: ${TOKEN}`],
};

describe('engine: redactDiagnosis', () => {
  it('masks every secret value, raw and base64, in log evidence, causes, fixes and notes', () => {
    const out = redactDiagnosis(leaky, [SECRET, TOKEN]);
    const text = JSON.stringify(out);
    for (const s of [SECRET, TOKEN, b64(SECRET), 's3cr3t-canary'])
      assert.ok(!text.includes(s), `${s} leaked: ${text}`);
    const finding = out.findings[0];
    assert.deepEqual(finding?.evidence, [
      'pod api-1 container api: CrashLoopBackOff, last exit code 1 (Error)',
      'log api-1/api (previous run): connecting to [secret]',
      'log api-1/api (previous run): auth header Bearer [secret] refused',
      'log api-1/api (previous run): env dump DATABASE_URL=[secret]',
    ]);
    assert.equal(finding?.cause, 'exit code 1: the process failed talking to [secret]');
    assert.deepEqual(out.notes, ['logs of api-2: [secret]']);
  });

  it('leaves a diagnosis without secret values as it was', () => {
    assert.deepEqual(redactDiagnosis(leaky, []), leaky);
    assert.deepEqual(redactDiagnosis(leaky, ['not-in-it-anywhere']), leaky);
  });

  it("masks a secret in a crash-looping container's log as the real diagnosis quotes it", () => {
    const snap = snapshot({
      ...deployment('api'),
      pods: [
        deploymentPod('api', 'a1', {
          containers: [
            container('api', {
              restartCount: 4,
              waiting: { reason: 'CrashLoopBackOff' },
              lastTerminated: { reason: 'Error', exitCode: 1 },
            }),
          ],
          specs: [spec('api')],
        }),
      ],
      logs: [
        {
          pod: 'api-rs1-a1',
          container: 'api',
          previous: true,
          lines: [`FATAL could not connect to ${SECRET}`, `token=${b64(TOKEN)}`],
        },
      ],
    });
    const raw = run(snap);
    // The detector quotes the log: without the engine's last step the secret would leave.
    assert.ok(JSON.stringify(raw).includes(SECRET), 'the log line is evidence');
    const out = JSON.stringify(redactDiagnosis(raw, [SECRET, TOKEN]));
    for (const s of [SECRET, b64(TOKEN), TOKEN]) assert.ok(!out.includes(s), `${s} leaked: ${out}`);
    assert.match(out, /could not connect to \[secret\]/);
  });
});
