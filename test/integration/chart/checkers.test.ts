/**
 * The best-practice checkers that test/unit/program/checkers.test.ts runs over the program's
 * manifests (kubernetes-validate, checkov, kube-score, our own rules), run over what each chart
 * templates for each environment, its `helm test` hook included, with the same exceptions file:
 * a finding is accepted only where the same finding on the same plan's own manifests would be.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  findCheckers,
  runCheckov,
  runKubernetesValidate,
  runKubeScore,
  writeForCheckers,
  type Checker,
  type WrittenManifest,
} from '../../unit/program/support/checkers';
import { exceptionFor, loadExceptions } from '../../unit/program/support/exceptions';
import { formatFinding, type Finding } from '../../unit/program/support/findings';
import type { Manifest } from '../../unit/program/support/manifests';
import { checkRules } from '../../unit/program/support/rules';
import { assertHelm, chartCases, objectsOf, template } from './support';

interface Templated {
  label: string;
  env: string;
  manifests: Manifest[];
  files: WrittenManifest[];
}

describe('chart: best-practice checkers on what the charts template', function () {
  this.timeout(600_000);
  const checkers = findCheckers();
  const exceptions = loadExceptions();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'stackpilot-chart-checkers-'));
  let outputs: Templated[] = [];

  before(async function () {
    this.timeout(600_000);
    assertHelm();
    outputs = [];
    for (const [i, c] of (await chartCases()).entries()) {
      for (const plan of c.plans) {
        const label = `${c.label}/${plan.environment}`;
        const r = template(c, plan);
        assert.equal(r.status, 0, `${label}: ${r.stderr}`);
        const manifests = objectsOf(r.stdout);
        const dir = path.join(root, `${i}-${plan.environment}`);
        const files = writeForCheckers(manifests, dir, label, plan.environment);
        outputs.push({ label, env: plan.environment, manifests, files });
      }
    }
  });

  after(() => fs.rmSync(root, { recursive: true, force: true }));

  function assertAccepted(findings: readonly Finding[]): void {
    const open = findings.filter((f) => {
      const out = outputs.find((o) => o.label === f.plan)!;
      return !exceptionFor(f, exceptions, out.manifests);
    });
    assert.deepEqual(open.map(formatFinding), [], 'findings on chart output');
  }

  it('templates the test hook in every output (so the checkers see it)', () => {
    assert.ok(outputs.length >= 21);
    for (const o of outputs) {
      assert.ok(
        o.manifests.some((m) => m.kind === 'Pod' && m.metadata.annotations?.['helm.sh/hook']),
        o.label,
      );
    }
  });

  it('our own rules hold', () => {
    assertAccepted(outputs.flatMap((o) => checkRules(o.manifests, o)));
  });

  const run: Record<Checker['name'], (c: Checker) => Finding[]> = {
    'kubernetes-validate': (c) =>
      runKubernetesValidate(
        c,
        outputs.flatMap((o) => o.files),
      ),
    checkov: (c) =>
      runCheckov(
        c,
        root,
        outputs.flatMap((o) => o.files),
      ),
    'kube-score': (c) => outputs.flatMap((o) => runKubeScore(c, o.files)),
  };
  for (const checker of checkers) {
    it(`${checker.name}: every finding is one the exceptions file accepts for render`, function () {
      assert.ok(checker.version, `${checker.name} is not installed: run \`npm run setup\``);
      assertAccepted(run[checker.name](checker));
    });
  }
});
