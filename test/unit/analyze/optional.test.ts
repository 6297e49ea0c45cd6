/**
 * Development aids are optional components: test harnesses, load generators, dev mail catchers
 * and admin UIs are found with evidence, and plans leave them out (with the reason and how to
 * deploy them) unless an environment enables them.
 */
import { strict as assert } from 'node:assert';
import type { DeploymentPlan } from '../../../src/model/plan';
import { planFor } from '../plan/support/plan';
import { assembleFiles, component } from './support';

const COMPOSE = `services:
  vote:
    build: ./vote
    ports: ["8080:80"]
  result-tests:
    build: ./result/tests
  loadgen:
    build: ./loadgen
  mail:
    image: axllent/mailpit:v1.21
  pgadmin:
    image: dpage/pgadmin4:8.12
`;

const FILES = {
  'docker-compose.yml': COMPOSE,
  'vote/requirements.txt': 'flask==3.0.3\ngunicorn==23.0.0\n',
  'vote/app.py': 'from flask import Flask\n\napp = Flask(__name__)\n',
  'vote/Dockerfile': 'FROM python:3.12-slim\nEXPOSE 80\nCMD ["gunicorn", "app:app"]\n',
  'result/tests/Dockerfile': 'FROM node:20-slim\nCMD ["sh", "tests.sh"]\n',
  'loadgen/requirements.txt': 'locust==2.31.8\n',
  'loadgen/Dockerfile': 'FROM python:3.12-slim\nCMD ["locust"]\n',
};

describe('analyze: optional development components', () => {
  const model = assembleFiles(FILES);

  it('marks test harnesses, load generators, mail catchers and admin UIs optional, with evidence', () => {
    const rows = model.components.map((c) => [c.name, c.features.optional?.role ?? '-']);
    assert.deepEqual(rows, [
      ['loadgen', 'load-generator'],
      ['mail', 'mail-catcher'],
      ['pgadmin', 'admin-ui'],
      ['result-tests', 'test'],
      ['vote', '-'],
    ]);
    const loadgen = component(model, 'loadgen');
    assert.equal(
      loadgen.features.optional?.reason,
      'loadgen runs locust: not a service of the app',
    );
    assert.deepEqual(
      loadgen.evidence.filter((e) => e.field === 'features.optional').map((e) => [e.file, e.line]),
      [['loadgen/requirements.txt', 1]],
    );
    const mail = component(model, 'mail').evidence.find((e) => e.field === 'features.optional');
    assert.deepEqual([mail?.file, mail?.line], ['docker-compose.yml', 10]);
  });

  it('plans none of them, saying why and how to deploy one, unless the environment enables it', async () => {
    const workloads = (plan: DeploymentPlan) =>
      plan.nodes.filter((n) => n.kind === 'workload').map((n) => n.id);
    const dev = await planFor('dev', {}, model);
    assert.deepEqual(workloads(dev), ['workload/vote']);
    const why = dev.decisions.find((d) => d.subject === 'loadgen' && d.topic === 'controller');
    assert.equal(why?.choice, 'none (not deployed)');
    assert.match(
      why?.reason ?? '',
      /runs locust: not a service of the app; set stackpilot:components\.loadgen\.disabled: false/,
    );
    const enabled = await planFor('dev', { components: { loadgen: { disabled: false } } }, model);
    assert.deepEqual(workloads(enabled), ['workload/loadgen', 'workload/vote']);
  });
});
