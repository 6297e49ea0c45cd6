/**
 * GET /v1/stacks/:env/diagnosis over the HTTP layer: a viewer may read it, the answer is the
 * Diagnosis schema, and bad input (no project, unknown environment, a render target) is a 4xx
 * that says what is wrong. The render-target refusal is the real engine's.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { Engine } from '../../../src/engine';
import { DiagnosisSchema, type Diagnosis } from '../../../src/model/diagnosis';
import { createApp } from '../../../src/server/app';
import { fakeDeps } from './support/fakes';

const OOM: Diagnosis = {
  project: 'shop',
  environment: 'dev',
  namespace: 'shop-dev',
  planHash: `sha256:${'a'.repeat(64)}`,
  healthy: false,
  findings: [
    {
      class: 'oom-killed',
      component: 'worker',
      object: 'Deployment shop-dev/worker',
      evidence: ['pod worker-1 container worker: lastState terminated OOMKilled, exit code 137'],
      cause: 'exit code 137: killed at its memory limit',
      decision: {
        skill: 'workloads',
        topic: 'worker resources',
        choice: 'memory 256Mi',
        reason: 'small tier',
      },
      fix: {
        summary: 'raise worker memory to 512Mi',
        reason: 'OOMKilled at its 256Mi limit, 3 times',
        config: { components: { worker: { memory: '512Mi' } } },
      },
    },
  ],
  notes: ['logs of worker-1: the kwok node serves none'],
};

describe('server: GET /v1/stacks/:env/diagnosis', () => {
  const { deps, tokens, engine } = fakeDeps();
  const app = createApp(deps);
  const state = mkdtempSync(join(tmpdir(), 'stackpilot-diagnosis-route-'));
  after(() => {
    deps.store.close();
    rmSync(state, { recursive: true, force: true });
  });
  const get = (path: string, token = tokens.viewer) =>
    request(app)
      .get(path)
      .set({ Authorization: `Bearer ${token}` });

  it('answers a viewer with the Diagnosis, as the schema has it', async () => {
    engine.diagnose = async (project, env) => ({ ...OOM, project, environment: env.name });
    const res = await get('/v1/stacks/dev/diagnosis?project=shop').expect(200);
    assert.deepEqual(DiagnosisSchema.parse(res.body), OOM);
    await request(app).get('/v1/stacks/dev/diagnosis?project=shop').expect(401);
  });

  it('refuses a request without a project with 400 naming the field', async () => {
    const res = await get('/v1/stacks/dev/diagnosis').expect(400);
    assert.equal(res.body.code, 'invalid_input');
    assert.deepEqual(
      (res.body.issues as { field: string }[]).map((i) => i.field),
      ['query.project'],
    );
  });

  it('answers 404 for an unknown environment', async () => {
    const res = await get('/v1/stacks/nowhere/diagnosis?project=shop').expect(404);
    assert.match(res.body.detail, /unknown environment "nowhere"/);
  });

  it('answers 400 for a render target, saying there is no live cluster (the real engine)', async () => {
    const real = new Engine({ stateDir: state });
    engine.diagnose = (project, env) => real.diagnose(project, env);
    const res = await get('/v1/stacks/dev/diagnosis?project=shop').expect(400);
    assert.equal(res.body.code, 'invalid_input');
    assert.match(
      res.body.detail,
      /dev renders YAML to a directory: there is no live cluster to diagnose/,
    );
  });
});
