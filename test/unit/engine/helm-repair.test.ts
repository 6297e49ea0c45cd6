/**
 * The release record of a helm-delivered stack and the description its Release gets, in the
 * cases that need no cluster: a new chart gets its digest, the chart already installed keeps
 * its description, and a record that cannot be read counts as none.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stateLayout } from '../../../src/engine';
import {
  readReleaseRecord,
  releaseIntent,
  writeReleaseRecord,
} from '../../../src/engine/helm-repair';
import type { DeploymentPlan } from '../../../src/model/plan';
import { resolveEnvironment } from '../../../src/plan/environment';

const env = resolveEnvironment('dev', {
  target: { kind: 'cluster', context: 'unreachable' },
  delivery: 'helm',
});
const plan = { app: 'shop' } as DeploymentPlan;
const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

describe('engine: helm release record', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stackpilot-helm-record-'));
  const layout = stateLayout(dir);
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps what a successful operation installed, per stack', () => {
    assert.equal(readReleaseRecord(layout, 'shop', 'dev'), undefined);
    writeReleaseRecord(layout, 'shop', 'dev', { chart: A, description: 'repaired, repair 1' });
    assert.deepEqual(readReleaseRecord(layout, 'shop', 'dev'), {
      chart: A,
      description: 'repaired, repair 1',
    });
    assert.equal(readReleaseRecord(layout, 'shop', 'prod'), undefined);
  });

  it('describes a new chart by its digest, without reading the cluster', async () => {
    assert.deepEqual(await releaseIntent(layout, plan, env, B, true), {
      record: { chart: B, description: `stackpilot chart sha256:${'b'.repeat(16)}` },
    });
  });

  it('keeps the description of the chart already installed when repair is off', async () => {
    assert.deepEqual(await releaseIntent(layout, plan, env, A, false), {
      record: { chart: A, description: 'repaired, repair 1' },
    });
  });

  it('treats an unreadable record as none', async () => {
    writeFileSync(join(dir, 'charts', 'shop', 'dev.release.json'), '{"chart": 1');
    assert.equal(readReleaseRecord(layout, 'shop', 'dev'), undefined);
    assert.deepEqual(await releaseIntent(layout, plan, env, A, true), {
      record: { chart: A, description: `stackpilot chart sha256:${'a'.repeat(16)}` },
    });
  });
});
