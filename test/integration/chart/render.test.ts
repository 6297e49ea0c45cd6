/**
 * The chart against `stackpilot render` itself (the real engine, writing YAML through the
 * Kubernetes provider): for one fixture in every environment, `helm template -f
 * values-<env>.yaml` gives the objects render writes, Secrets aside (a chart names them), with
 * the one normalization the provider's writer needs (it leaves out zero `omitempty` fields).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findToolchain, renderManifests } from '../../../src/engine';
import { loadEnvironment } from '../../../src/plan';
import { dropEmpty, readRendered } from '../../unit/program/support/rendered';
import { assertHelm, chartCases, keyOf, objectsOf, template } from './support';

const ROOT = path.resolve(__dirname, '../../..');

describe('chart: helm template equals the real engine render', function () {
  this.timeout(600_000);

  for (const env of ['dev', 'staging', 'prod']) {
    it(`fixture:compose-microservices/${env}: the same objects, field by field`, async function () {
      assertHelm();
      findToolchain();
      const c = (await chartCases()).find((x) => x.label === 'fixture:compose-microservices')!;
      const plan = c.plans.find((p) => p.environment === env)!;
      const out = path.join(
        fs.mkdtempSync(path.join(os.tmpdir(), 'stackpilot-chart-render-')),
        'out',
      );
      try {
        await renderManifests(plan, await loadEnvironment(path.join(ROOT, 'stacks'), env), out);
        const rendered = readRendered(out)
          .map((r) => r.manifest)
          .filter((m) => m.kind !== 'Secret');
        const r = template(c, plan, ['--set', 'namespace.create=true', '--skip-tests']);
        assert.equal(r.status, 0, r.stderr);
        const templated = new Map(objectsOf(r.stdout).map((m) => [keyOf(m), m]));
        assert.deepEqual([...templated.keys()].sort(), rendered.map(keyOf).sort());
        for (const m of rendered) assert.deepEqual(dropEmpty(templated.get(keyOf(m))), m, keyOf(m));
      } finally {
        fs.rmSync(path.dirname(out), { recursive: true, force: true });
      }
    });
  }
});
