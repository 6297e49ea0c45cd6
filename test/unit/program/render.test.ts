/**
 * The real engine's render (Pulumi CLI + kubernetes and random plugins, `renderYamlToDirectory`)
 * of the program writes exactly the objects the mock-recorded inputs describe — which is what
 * lets the other tests check mock-recorded manifests — keeps the secret canaries inside Secrets,
 * and passes our own rules. Fails, naming `npm run setup`, where the engine toolchain is not set up.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findToolchain, renderManifests, secretEnvVar } from '../../../src/engine';
import type { DeploymentPlan } from '../../../src/model/plan';
import { loadEnvironment } from '../../../src/plan';
import { manifestsOf, REDACTED, type Manifest } from './support/manifests';
import { recordPlan, secretConfig } from './support/recordings';
import { CANARIES, referencePlan } from './support/reference-plan';
import { checkRules } from './support/rules';
import { dropEmpty, readRendered } from './support/rendered';

const ROOT = path.resolve(__dirname, '../../..');

describe('program: real engine render', function () {
  // Recording many real plans with the real SDKs takes a while on a shared 2-core machine.
  this.timeout(300_000);
  let reason: string | undefined;
  try {
    findToolchain();
  } catch (err) {
    reason = (err as Error).message;
  }

  const cases: Array<{ label: string; plan: () => DeploymentPlan }> = [
    { label: 'reference/prod', plan: () => referencePlan('prod') },
    { label: 'reference/staging', plan: () => referencePlan('staging') },
  ];
  for (const { label, plan: makePlan } of cases) {
    it(`${label}: renders the recorded objects, secrets only inside Secrets`, async function () {
      // `npm run setup` installs the engine: without it this is a broken set-up, never a skip.
      if (reason) assert.fail(`${reason} (these tests need it: \`npm run setup\`)`);
      this.timeout(300_000);
      const plan = makePlan();
      const out = path.join(
        fs.mkdtempSync(path.join(os.tmpdir(), 'stackpilot-render-test-')),
        'out',
      );
      const config = secretConfig(plan);
      const env = {
        ...process.env,
        ...Object.fromEntries(Object.entries(config).map(([k, v]) => [secretEnvVar(k), v])),
      };
      try {
        await renderManifests(
          plan,
          await loadEnvironment(path.join(ROOT, 'stacks'), plan.environment),
          out,
          {
            missingSecrets: 'error',
            env,
          },
        );
        const rendered = readRendered(out);
        const recorded = manifestsOf((await recordPlan(plan)).registrations);
        const key = (m: Manifest) => `${m.kind}/${m.metadata.name}`;
        assert.deepEqual(rendered.map((r) => key(r.manifest)).sort(), recorded.map(key).sort());

        for (const r of rendered) {
          const mock = recorded.find((m) => key(m) === key(r.manifest))!;
          if (r.manifest.kind !== 'Secret') {
            assert.deepEqual(r.manifest, dropEmpty(mock), key(mock));
            assert.deepEqual(
              Object.values(CANARIES).filter(
                (c) => r.text.includes(c) || r.text.includes(Buffer.from(c).toString('base64')),
              ),
              [],
              r.file,
            );
            continue;
          }
          // The values differ (redacted in the recording, generated passwords): same keys.
          const { data, ...rest } = r.manifest as Manifest & { data: Record<string, string> };
          const { data: mockData, ...mockRest } = mock as Manifest & {
            data: Record<string, string>;
          };
          assert.deepEqual(rest, dropEmpty(mockRest), key(mock));
          assert.deepEqual(Object.keys(data).sort(), Object.keys(mockData).sort(), key(mock));
          assert.ok(Object.values(mockData).every((v) => v === REDACTED));
        }
        const secrets = rendered.filter((r) => r.manifest.kind === 'Secret');
        const decoded = secrets.flatMap((s) =>
          Object.values((s.manifest as unknown as { data: Record<string, string> }).data).map((b) =>
            Buffer.from(b, 'base64').toString(),
          ),
        );
        // Positive control: each canary is in a rendered Secret.
        for (const c of Object.values(CANARIES))
          assert.ok(
            decoded.some((d) => d.includes(c)),
            c,
          );
        assert.deepEqual(
          checkRules(
            rendered.map((r) => r.manifest),
            { label, env: plan.environment },
          ),
          [],
        );
      } finally {
        fs.rmSync(path.dirname(out), { recursive: true, force: true });
      }
    });
  }
});
