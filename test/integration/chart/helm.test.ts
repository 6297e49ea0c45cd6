/**
 * The chart of every test plan (the reference app, the planner's own, every fixture), checked
 * with the real helm: `lint --strict` is clean; `template -f values-<env>.yaml` gives the very
 * objects the program registers for that environment (compared field by field with the
 * recordings, which test/unit/program/render.test.ts shows are what `render` writes); the values
 * schema refuses bad values; Secrets stay out; the output is deterministic.
 */
import assert from 'node:assert/strict';
import { buildChart } from '../../../src/chart';
import { manifestsOf, type Manifest } from '../../unit/program/support/manifests';
import { recordPlan } from '../../unit/program/support/recordings';
import { CANARIES } from '../../unit/program/support/reference-plan';
import {
  assertHelm,
  chartCases,
  helm,
  keyOf,
  objectsOf,
  template,
  type ChartCase,
} from './support';

describe('chart: helm lint and template over every test plan', function () {
  this.timeout(600_000);
  let cases: ChartCase[] = [];

  before(async function () {
    this.timeout(600_000);
    assertHelm();
    cases = await chartCases();
  });

  it('makes one chart per app, for dev, staging and prod', () => {
    assert.ok(cases.length >= 7, `only ${cases.length} charts`);
    for (const c of cases) {
      assert.deepEqual(c.chart.environments, ['dev', 'staging', 'prod'], c.label);
      for (const f of ['Chart.yaml', 'values.yaml', 'values.schema.json', 'templates/NOTES.txt']) {
        assert.ok(c.chart.files[f], `${c.label}: ${f}`);
      }
      for (const env of c.chart.environments) assert.ok(c.chart.files[`values-${env}.yaml`]);
    }
  });

  it('helm lint --strict finds nothing, with each environment’s values', () => {
    for (const c of cases) {
      for (const env of c.chart.environments) {
        const r = helm(['lint', '--strict', c.dir, '-f', `${c.dir}/values-${env}.yaml`]);
        assert.equal(r.status, 0, `${c.label}/${env}: ${r.stdout}${r.stderr}`);
        assert.doesNotMatch(r.stdout, /\[(WARNING|ERROR)\]/, `${c.label}/${env}`);
      }
    }
  });

  it('helm template -f values-<env>.yaml gives the objects the program registers, field by field', async () => {
    for (const c of cases) {
      for (const plan of c.plans) {
        const r = template(c, plan, ['--set', 'namespace.create=true', '--skip-tests']);
        assert.equal(r.status, 0, `${c.label}/${plan.environment}: ${r.stderr}`);
        const got = new Map(objectsOf(r.stdout).map((m) => [keyOf(m), m]));
        const want = manifestsOf((await recordPlan(plan)).registrations).filter(
          (m) => m.kind !== 'Secret',
        );
        assert.deepEqual([...got.keys()].sort(), want.map(keyOf).sort(), c.label);
        for (const m of want) {
          assert.deepEqual(got.get(keyOf(m)), m, `${c.label}/${plan.environment}: ${keyOf(m)}`);
        }
      }
    }
  });

  it('installs into an existing namespace by default: no Namespace object unless asked', () => {
    for (const c of cases) {
      const plan = c.plans[0]!;
      const r = template(c, plan, ['--skip-tests']);
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(
        objectsOf(r.stdout).filter((m) => m.kind === 'Namespace'),
        [],
        c.label,
      );
    }
  });

  it('holds no Secret and no secret value; pods name each Secret through values', () => {
    const c = cases.find((x) => x.label === 'reference')!;
    const text = Object.values(c.chart.files).join('\n');
    for (const canary of Object.values(CANARIES)) assert.ok(!text.includes(canary), canary);
    assert.doesNotMatch(text, /^kind: Secret$/m);
    const plan = c.plans[0]!;
    const secret = plan.nodes.find((n) => n.kind === 'secret')!.name;
    const refs = (objects: Manifest[]) =>
      JSON.stringify(objects).match(/"secretKeyRef":\{"name":"[^"]+"/g) ?? [];
    const before = refs(objectsOf(template(c, plan, ['--skip-tests']).stdout));
    assert.ok(
      before.some((r) => r.endsWith(`"${secret}"`)),
      `no pod reads ${secret}`,
    );
    const renamed = template(c, plan, [
      '--skip-tests',
      '--set',
      `secrets.${secret}.existingSecret=vault-synced`,
    ]);
    const after = refs(objectsOf(renamed.stdout));
    assert.ok(after.some((r) => r.endsWith('"vault-synced"')));
    assert.ok(!after.some((r) => r.endsWith(`"${secret}"`)), 'a reference kept the old name');
  });

  it('is deterministic: the same plans make byte-identical files', () => {
    for (const c of cases) assert.deepEqual(buildChart(c.plans).files, c.chart.files, c.label);
  });

  it('makes every tunable field a value, even where all environments agree or only one has it', () => {
    for (const c of cases) {
      for (const chart of [c.chart, buildChart([c.plans[0]!])]) {
        const templates = Object.entries(chart.files).filter(
          ([f]) => f.startsWith('templates/') && !f.startsWith('templates/tests/'),
        );
        for (const [file, text] of templates) {
          assert.doesNotMatch(text, /^\s+image: [^{]/m, `${c.label} ${file}: a literal image`);
          assert.doesNotMatch(
            text,
            /^\s+(replicas|minReplicas|maxReplicas): \d/m,
            `${c.label} ${file}`,
          );
          assert.doesNotMatch(text, /^\s+(cpu|memory|storage): [^{]/m, `${c.label} ${file}`);
          assert.doesNotMatch(text, /^\s+host: [^{]/m, `${c.label} ${file}: a literal host`);
        }
      }
    }
  });

  it('Chart.yaml: appVersion is the plan hash (several environments: the hash of their hashes)', () => {
    const c = cases[0]!;
    for (const p of c.plans) {
      assert.ok(
        c.chart.files['Chart.yaml']!.includes(`stackpilot.dev/plan-${p.environment}: sha256:`),
      );
      assert.ok(c.chart.files['Chart.yaml']!.includes(p.hash));
    }
    const one = buildChart([c.plans[2]!]);
    assert.match(one.files['Chart.yaml']!, new RegExp(`^appVersion: ${c.plans[2]!.hash}$`, 'm'));
    assert.deepEqual(
      Object.keys(one.files).filter((f) => f.startsWith('values-')),
      ['values-prod.yaml'],
    );
  });
});

describe('chart: values.schema.json and what values tune', function () {
  this.timeout(300_000);
  let c: ChartCase;
  const prod = () => c.plans.find((p) => p.environment === 'prod')!;
  const staging = () => c.plans.find((p) => p.environment === 'staging')!;

  before(async function () {
    this.timeout(600_000);
    assertHelm();
    c = (await chartCases()).find((x) => x.label === 'fixture:compose-microservices')!;
    assert.ok(c, 'no chart of fixture:compose-microservices');
  });

  const refused: [string, string[], RegExp][] = [
    ['a negative replica count', ['--set', 'workloads.mailer.replicas=-1'], /replicas/],
    ['a misspelt key', ['--set', 'workloads.mailer.replica=2'], /replica/],
    ['the latest tag', ['--set', 'workloads.mailer.containers.mailer.image.tag=latest'], /tag/],
    [
      'an unknown pull policy',
      ['--set', 'workloads.mailer.containers.mailer.image.pullPolicy=Sometimes'],
      /pullPolicy/,
    ],
    ['a switch that is not a boolean', ['--set-string', 'serviceMonitor.enabled=yes'], /enabled/],
    ['a storage size that is not a quantity', ['--set', 'volumes.redis-backup.size=lots'], /size/],
    ['autoscaling below one replica', ['--set', 'autoscalers.orders.minReplicas=0'], /minReplicas/],
  ];
  for (const [what, args, names] of refused) {
    it(`refuses ${what}, naming the key`, () => {
      const r = template(c, prod(), args);
      assert.notEqual(r.status, 0, `${what} was accepted`);
      assert.match(r.stderr, /values don't meet the specifications of the schema/);
      assert.match(r.stderr, names);
    });
  }

  it('takes what an operator tunes: replicas, image tag, resources, host, storage class', () => {
    const r = template(c, staging(), [
      '--skip-tests',
      '--set',
      'workloads.mailer.replicas=4',
      '--set',
      'workloads.mailer.containers.mailer.image.tag=v9',
      '--set',
      'workloads.mailer.containers.mailer.resources.limits.memory=1Gi',
      '--set',
      'ingresses.gateway.host=shop.example.org',
      '--set',
      'volumes.redis-backup.storageClass=fast',
    ]);
    assert.equal(r.status, 0, r.stderr);
    const objects = new Map(objectsOf(r.stdout).map((m) => [keyOf(m), m as never as Obj]));
    const mailer = objects.get('Deployment/mailer')!;
    assert.equal(mailer.spec.replicas, 4);
    const container = mailer.spec.template.spec.containers[0]!;
    assert.match(container.image, /:v9$/);
    assert.equal(container.resources.limits.memory, '1Gi');
    assert.equal(objects.get('Ingress/gateway')!.spec.rules[0]!.host, 'shop.example.org');
    assert.equal(objects.get('PersistentVolumeClaim/redis-backup')!.spec.storageClassName, 'fast');
  });

  it('serviceMonitor.enabled switches every ServiceMonitor off', () => {
    const on = objectsOf(template(c, prod(), ['--skip-tests']).stdout);
    assert.ok(
      on.some((m) => m.kind === 'ServiceMonitor'),
      'prod has ServiceMonitors',
    );
    const off = objectsOf(
      template(c, prod(), ['--skip-tests', '--set', 'serviceMonitor.enabled=false']).stdout,
    );
    assert.deepEqual(
      off.filter((m) => m.kind === 'ServiceMonitor'),
      [],
    );
  });

  it('the helm test hook opens every port of every enabled Service', () => {
    const objects = objectsOf(template(c, prod()).stdout);
    const services = objects.filter((m) => m.kind === 'Service') as never as Obj[];
    const pod = objects.find(
      (m) => m.kind === 'Pod' && m.metadata.annotations?.['helm.sh/hook'] === 'test',
    ) as never as Obj;
    assert.ok(pod, 'no test hook pod');
    const script = pod.spec.containers[0]!.args.join('\n');
    assert.ok(services.length > 0);
    for (const s of services) {
      for (const p of s.spec.ports) {
        assert.ok(script.includes(`nc -z -w 5 ${s.metadata.name} ${p.port}`), s.metadata.name);
      }
    }
    const hooks = objects.filter((m) => m.metadata.annotations?.['helm.sh/hook'] === 'test');
    assert.deepEqual(hooks.map((m) => m.kind).sort(), ['NetworkPolicy', 'NetworkPolicy', 'Pod']);
    const without = objectsOf(
      template(c, prod(), ['--set', 'services.users.enabled=false']).stdout,
    );
    const script2 = (
      without.find((m) => m.kind === 'Pod') as never as Obj
    ).spec.containers[0]!.args.join('\n');
    assert.ok(!script2.includes(' users '), 'a disabled Service is still checked');
  });
});

/** The fields the assertions read, loosely typed. */
interface Obj {
  metadata: { name: string };
  spec: {
    replicas?: number;
    storageClassName?: string;
    rules: { host: string }[];
    ports: { port: number }[];
    containers: { args: string[] }[];
    template: {
      spec: { containers: { image: string; resources: { limits: Record<string, string> } }[] };
    };
  };
}
