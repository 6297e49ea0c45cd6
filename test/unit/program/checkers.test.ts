/**
 * Best-practice checks of the manifests the program produces, for every test plan: our own rules
 * (always), and the third-party checkers `scripts/setup-checkers.sh` installs —
 * kubernetes-validate (strict OpenAPI schema validation), checkov (Kubernetes framework) and
 * kube-score. A finding fails unless `test/checkers/exceptions.yaml` lists it with a reason; a
 * checker that is not installed fails its tests with the reason and `npm run setup` (which
 * installs them), never skips.
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
} from './support/checkers';
import { exceptionFor, loadExceptions, type CheckerException } from './support/exceptions';
import { formatFinding, type Finding } from './support/findings';
import { manifestsOf, type Manifest } from './support/manifests';
import { allPlans, expectedPlanLabels } from './support/plans';
import { recordPlan } from './support/recordings';
import { checkRules } from './support/rules';

interface PlanManifests {
  label: string;
  env: string;
  manifests: Manifest[];
  files: WrittenManifest[];
}

/** A Deployment that breaks most rules, to show each checker does report (control). */
const BAD: Manifest[] = [
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'bad', namespace: 'control' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'bad' } },
      template: {
        metadata: { labels: { app: 'bad' } },
        spec: {
          containers: [
            {
              name: 'bad',
              image: 'nginx:latest',
              securityContext: { privileged: true, runAsUser: 0 },
              livenessProbe: { httpGet: { path: '/', port: 80 } },
              readinessProbe: { httpGet: { path: '/', port: 80 } },
            },
          ],
        },
      },
    },
  },
];

describe('program: best-practice checkers on the rendered manifests', function () {
  // Recording many real plans with the real SDKs takes a while on a shared 2-core machine.
  this.timeout(300_000);
  const checkers = findCheckers();
  const exceptions = loadExceptions();
  const used = new Set<CheckerException>();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'stackpilot-checkers-'));
  let plans: PlanManifests[] = [];

  before(async function () {
    this.timeout(180_000);
    for (const c of checkers) {
      console.log(
        `      ${c.name}: ${c.version ? `version ${c.version}` : `not installed (${c.missing})`}`,
      );
    }
    console.log(
      '      polaris: not installed (its Go module is not served by the module proxy); our own rules cover its core checks',
    );
    const all = (await allPlans()).plans;
    plans = [];
    for (const [i, { label, plan }] of all.entries()) {
      const manifests = manifestsOf((await recordPlan(plan)).registrations);
      const dir = path.join(
        root,
        `${String(i).padStart(2, '0')}-${label.replace(/[^a-z0-9]+/gi, '-')}`,
      );
      const files = writeForCheckers(manifests, dir, label, plan.environment);
      plans.push({ label, env: plan.environment, manifests, files });
    }
  });

  after(() => {
    const unused = exceptions.filter((e) => !used.has(e));
    if (plans.length && unused.length && checkers.every((c) => c.version)) {
      console.log(
        `      exceptions that matched no finding (remove them?): ${unused.map((e) => `${e.checker} ${e.check}`).join(', ')}`,
      );
    }
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** Fails with every finding that no exception covers. */
  function assertAccepted(findings: readonly Finding[]): void {
    const open = findings.filter((f) => {
      const plan = plans.find((p) => p.label === f.plan)!;
      const e = exceptionFor(f, exceptions, plan.manifests);
      if (e) used.add(e);
      return !e;
    });
    assert.deepEqual(
      open.map(formatFinding),
      [],
      'findings neither fixed nor listed in test/checkers/exceptions.yaml',
    );
  }

  it('our own rules hold for every plan (always run)', () => {
    assert.deepEqual(plans.map((p) => p.label).sort(), expectedPlanLabels());
    assertAccepted(plans.flatMap((p) => checkRules(p.manifests, p)));
  });

  it('our own rules catch a bad Deployment (control)', () => {
    const checks = new Set(
      checkRules(BAD, { label: 'control', env: 'control' }).map((f) => f.check),
    );
    for (const c of [
      'resources',
      'distinct-probes',
      'non-root',
      'read-only-root-filesystem',
      'no-privilege-escalation',
      'drop-all-capabilities',
      'seccomp',
      'image-tag',
      'service-account-token',
      'network-policy-per-pod',
      'pdb-per-replicated-workload',
    ]) {
      assert.ok(checks.has(c), c);
    }
  });

  const run: Record<Checker['name'], (c: Checker, p: readonly PlanManifests[]) => Finding[]> = {
    'kubernetes-validate': (c, ps) =>
      runKubernetesValidate(
        c,
        ps.flatMap((p) => p.files),
      ),
    checkov: (c, ps) =>
      runCheckov(
        c,
        root,
        ps.flatMap((p) => p.files),
      ),
    'kube-score': (c, ps) => ps.flatMap((p) => runKubeScore(c, p.files)),
  };

  /** `npm run setup` installs every checker, so a missing one is a broken set-up, not a skip. */
  function assertInstalled(checker: Checker): void {
    assert.ok(
      checker.version,
      `${checker.name} is not installed (${checker.missing}): run \`npm run setup\``,
    );
  }

  for (const checker of checkers) {
    it(`${checker.name}: every finding is fixed or listed with a reason`, function () {
      assertInstalled(checker);
      this.timeout(300_000);
      assertAccepted(run[checker.name](checker, plans));
    });

    it(`${checker.name}: reports a bad Deployment (control)`, function () {
      assertInstalled(checker);
      this.timeout(120_000);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stackpilot-control-'));
      try {
        // One field schema validation must refuse: a replica count that is not a number.
        const bad = structuredClone(BAD);
        if (checker.name === 'kubernetes-validate')
          (bad[0]!.spec as { replicas: unknown }).replicas = 'three';
        const files = writeForCheckers(bad, dir, 'control', 'control');
        const findings =
          checker.name === 'checkov'
            ? runCheckov(checker, dir, files)
            : run[checker.name](checker, [
                { label: 'control', env: 'control', manifests: bad, files },
              ]);
        assert.ok(
          findings.length > 0,
          `${checker.name} found nothing wrong with the control manifest`,
        );
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
