/**
 * The stack settings `stackpilot diagnose --fix` writes: `storageClass`, and per component
 * `port` and `healthPath`. On real fixture apps, each changes exactly the plan fields it
 * should (everything else is compared whole), records why, and a bad value is refused with
 * the field it is in.
 */
import { strict as assert } from 'node:assert';
import type { AppModel } from '../../../src/model/app';
import { InputError } from '../../../src/model/errors';
import type { Decision, DeploymentPlan } from '../../../src/model/plan';
import { changedPaths } from '../../../src/plan/diff';
import { parseStackConfig, resolveEnvironment } from '../../../src/plan/environment';
import { planDeployment } from '../../../src/plan/planner';
import { fixtureModel } from './support/golden';
import { envOf, node } from './support/plan';

type Settings = Parameters<typeof resolveEnvironment>[1];

function plan(app: AppModel, env: string, settings: Settings = {}): Promise<DeploymentPlan> {
  return planDeployment(app, resolveEnvironment(env, settings));
}

/** Paths where two plans differ, decisions and the hash left out (compared on their own). */
function changed(before: DeploymentPlan, after: DeploymentPlan): string[] {
  const strip = ({ hash: _h, decisions: _d, ...rest }: DeploymentPlan) => rest;
  return changedPaths(strip(before), strip(after));
}

/** Decisions added or changed (choice or reason), as `skill subject topic`. */
function changedDecisions(before: DeploymentPlan, after: DeploymentPlan): string[] {
  const key = (d: Decision): string => `${d.skill} ${d.subject} ${d.topic}`;
  const old = new Map(before.decisions.map((d) => [key(d), d]));
  assert.deepEqual(
    before.decisions.map(key).filter((k) => !after.decisions.some((d) => key(d) === k)),
    [],
    'no decision disappears',
  );
  return after.decisions
    .filter((d) => {
      const o = old.get(key(d));
      return !o || o.choice !== d.choice || o.reason !== d.reason;
    })
    .map(key)
    .sort();
}

function decisionOf(p: DeploymentPlan, skill: string, subject: string, topic: string): Decision {
  const d = p.decisions.find(
    (x) => x.skill === skill && x.subject === subject && x.topic === topic,
  );
  assert.ok(d, `decision ${skill} ${subject} ${topic}`);
  return d;
}

/** The InputError issues of a rejected promise or call, as [field, message]. */
async function issuesOf(run: () => unknown): Promise<Array<[string | undefined, string]>> {
  try {
    await run();
  } catch (err) {
    assert.ok(err instanceof InputError, String(err));
    return err.issues.map((i) => [i.field, i.message]);
  }
  assert.fail('expected an InputError');
}

describe('stack overrides for diagnose --fix', function () {
  this.timeout(60_000);
  let shop: AppModel;
  let fullstack: AppModel;
  before(async () => {
    [shop, fullstack] = await Promise.all([
      fixtureModel('compose-microservices'),
      fixtureModel('fullstack'),
    ]);
  });

  describe('components.<c>.port', () => {
    it('moves the container port, Service, probes, network policies, metrics and dependents’ URLs together, and nothing else', async () => {
      const before = await plan(shop, 'dev');
      const after = await plan(shop, 'dev', { components: { users: { port: 8100 } } });
      assert.deepEqual(changed(before, after), [
        // gateway and orders call users: their egress allows the new port.
        'nodes[id=network-policy/gateway].spec.egress[1].ports[0].port',
        'nodes[id=network-policy/orders].spec.egress[3].ports[0].port',
        // users accepts gateway, orders and Prometheus on it.
        'nodes[id=network-policy/users].spec.ingress[0].ports[0].port',
        'nodes[id=network-policy/users].spec.ingress[1].ports[0].port',
        'nodes[id=network-policy/users].spec.ingress[2].ports[0].port',
        'nodes[id=service/users].spec.ports[name=http].port',
        'nodes[id=workload/orders].spec.template.containers[name=orders].env[name=USERS_SERVICE_URL].value',
        'nodes[id=workload/users].spec.template.annotations.prometheus.io/port',
        'nodes[id=workload/users].spec.template.containers[name=users].ports[name=http].containerPort',
        'nodes[id=workload/users].spec.template.containers[name=users].probes.liveness.handler.tcp.port',
        'nodes[id=workload/users].spec.template.containers[name=users].probes.readiness.handler.http.port',
        'nodes[id=workload/users].spec.template.containers[name=users].probes.startup.handler.tcp.port',
        'outputs.addresses.users',
      ]);

      const users = node(after, 'workload/users', 'workload').spec.template;
      const container = users.containers[0]!;
      assert.deepEqual(container.ports, [{ name: 'http', containerPort: 8100 }]);
      assert.deepEqual(
        [container.probes.liveness?.handler, container.probes.readiness?.handler],
        [{ tcp: { port: 8100 } }, { http: { path: '/health', port: 8100 } }],
      );
      assert.equal(users.annotations['prometheus.io/port'], '8100');
      // The Service still targets the named port, which is now 8100.
      assert.deepEqual(node(after, 'service/users', 'service').spec.ports, [
        { name: 'http', port: 8100, targetPort: 'http' },
      ]);
      const usersIngress = node(after, 'network-policy/users', 'network-policy').spec.ingress;
      assert.deepEqual(
        usersIngress.map((r) => r.ports),
        usersIngress.map(() => [{ port: 8100, protocol: 'TCP' }]),
      );
      const ordersEgress = node(after, 'network-policy/orders', 'network-policy').spec.egress;
      assert.deepEqual(
        ordersEgress.filter((r) => /-> users/.test(r.reason)).map((r) => r.ports),
        [[{ port: 8100, protocol: 'TCP' }]],
      );
      assert.equal(
        envOf(node(after, 'workload/orders', 'workload')).USERS_SERVICE_URL,
        'http://users.stackpilot-dev.svc.cluster.local:8100',
      );
      assert.equal(
        after.outputs.addresses.users,
        'http://users.stackpilot-dev.svc.cluster.local:8100',
      );
      // The image describes where the process listens; the override does not rebuild it.
      assert.deepEqual(after.images, before.images);

      assert.deepEqual(changedDecisions(before, after), [
        'containerize users port',
        'exposure users service',
        'networking orders env USERS_SERVICE_URL',
        'observability users metrics',
        'observability users probes',
      ]);
      const port = decisionOf(after, 'containerize', 'users', 'port');
      assert.equal(port.choice, '8100');
      assert.match(port.reason, /^with the stack override stackpilot:components\.users\.port/);
      assert.match(port.reason, /where the analysis found 8000/);
      assert.deepEqual(port.alternatives, ['the analyzed port 8000']);
      assert.equal(
        decisionOf(after, 'exposure', 'users', 'service').choice,
        'ClusterIP users:8100',
      );
    });

    it('warns when the image is generated for the analyzed port, and leaves the Dockerfile as it is', async () => {
      const before = await plan(fullstack, 'dev');
      const after = await plan(fullstack, 'dev', { components: { chat: { port: 9001 } } });
      assert.deepEqual(after.images, before.images);
      assert.deepEqual(
        after.warnings.filter((w) => !before.warnings.includes(w)),
        [
          "chat: stackpilot:components.chat.port is 9001, but its generated Dockerfile is made for port 8001 (PORT, EXPOSE and the server's bind flag) and is not changed by the override; it holds only for a process that listens on 9001 whatever it is told",
        ],
      );
      assert.deepEqual(
        node(after, 'workload/chat', 'workload').spec.template.containers[0]!.ports,
        [{ name: 'http', containerPort: 9001 }],
      );
    });

    it('is refused outside 1–65535 or fractional, naming the field and its line', async () => {
      for (const bad of ['0', '65536', '80.5', '-1']) {
        const text = `config:\n  stackpilot:components:\n    users:\n      port: ${bad}\n`;
        const issues = await issuesOf(() => parseStackConfig(text, 'Pulumi.dev.yaml', 'dev'));
        assert.equal(issues.length, 1, bad);
        assert.equal(issues[0]![0], 'config.stackpilot:components.users.port', bad);
        assert.match(issues[0]![1], /port number/, bad);
      }
      assert.deepEqual(
        await issuesOf(() =>
          parseStackConfig(
            'config:\n  stackpilot:components:\n    users:\n      port: 0\n',
            'Pulumi.dev.yaml',
            'dev',
          ),
        ),
        [['config.stackpilot:components.users.port', 'must be a port number from 1 to 65535']],
      );
      assert.throws(
        () =>
          parseStackConfig(
            'config:\n  stackpilot:components:\n    users:\n      port: 0\n',
            'Pulumi.dev.yaml',
            'dev',
          ),
        (err: unknown) => err instanceof InputError && err.issues[0]?.line === 4,
      );
      // A resolved environment handed to the planner directly is checked too.
      const env = resolveEnvironment('dev', {});
      const invalid = { ...env, components: { users: { port: 0 } } };
      assert.deepEqual(await issuesOf(() => planDeployment(shop, invalid)), [
        ['components.users.port', 'must be a port number from 1 to 65535'],
      ]);
    });

    it('is refused on a component without a port and on a pinned data service', async () => {
      assert.deepEqual(
        await issuesOf(() =>
          plan(shop, 'dev', { components: { mailer: { port: 9000 }, redis: { port: 6380 } } }),
        ),
        [
          [
            'stackpilot:components.mailer.port',
            'mailer is a worker that listens on no port; a port override would change nothing',
          ],
          [
            'stackpilot:components.redis.port',
            'redis runs the pinned redis image, which listens on 6379; its port is not a stack setting',
          ],
        ],
      );
    });
  });

  describe('components.<c>.healthPath', () => {
    it('changes only the path readiness requests when the app has one health path', async () => {
      const before = await plan(fullstack, 'dev');
      const after = await plan(fullstack, 'dev', {
        components: { chat: { healthPath: '/healthz' } },
      });
      assert.deepEqual(changed(before, after), [
        'nodes[id=workload/chat].spec.template.containers[name=chat].probes.readiness.handler.http.path',
      ]);
      const probes = node(after, 'workload/chat', 'workload').spec.template.containers[0]!.probes;
      assert.deepEqual(
        [probes.liveness?.handler, probes.readiness?.handler, probes.startup?.handler],
        [
          { tcp: { port: 8001 } },
          { http: { path: '/healthz', port: 8001 } },
          { tcp: { port: 8001 } },
        ],
      );
      assert.deepEqual(changedDecisions(before, after), ['observability chat probes']);
      const d = decisionOf(after, 'observability', 'chat', 'probes');
      assert.equal(d.choice, 'liveness TCP :8001; readiness GET /healthz; startup TCP :8001');
      assert.match(
        d.reason,
        /^readiness on \/healthz \(the health path with the stack override stackpilot:components\.chat\.healthPath, in place of the analyzed health path \/health\);/,
      );
    });

    it('replaces the analyzed readiness path too: the probes ask only for the path the stack names', async () => {
      const before = await plan(fullstack, 'dev');
      const after = await plan(fullstack, 'dev', {
        components: { api: { healthPath: '/status' } },
      });
      const probesAt = 'nodes[id=workload/api].spec.template.containers[name=api].probes';
      assert.deepEqual(changed(before, after), [
        `${probesAt}.liveness.handler.http`,
        `${probesAt}.liveness.handler.tcp`,
        `${probesAt}.readiness.handler.http.path`,
        `${probesAt}.startup.handler.http`,
        `${probesAt}.startup.handler.tcp`,
      ]);
      const probes = node(after, 'workload/api', 'workload').spec.template.containers[0]!.probes;
      assert.deepEqual(
        [probes.liveness?.handler, probes.readiness?.handler, probes.startup?.handler],
        [
          { tcp: { port: 8000 } },
          { http: { path: '/status', port: 8000 } },
          { tcp: { port: 8000 } },
        ],
      );
      assert.deepEqual(changedDecisions(before, after), ['observability api probes']);
      assert.match(
        decisionOf(after, 'observability', 'api', 'probes').reason,
        /with the stack override stackpilot:components\.api\.healthPath, in place of the analyzed health path \/healthz and readiness path \/readyz/,
      );
      // Routing still reads the analyzed paths: where the app serves is not what probes ask.
      assert.deepEqual(
        after.nodes.filter((n) => n.kind === 'route'),
        before.nodes.filter((n) => n.kind === 'route'),
      );
    });

    it('combines with a port override in the same component', async () => {
      const after = await plan(fullstack, 'dev', {
        components: { chat: { healthPath: '/healthz', port: 9001 } },
      });
      assert.deepEqual(
        node(after, 'workload/chat', 'workload').spec.template.containers[0]!.probes.readiness
          ?.handler,
        { http: { path: '/healthz', port: 9001 } },
      );
    });

    it('is refused without a leading slash, naming the field; and on a component without HTTP probes', async () => {
      for (const bad of ['healthz', '', 'http://x/healthz', '/health z']) {
        const text = `config:\n  stackpilot:components:\n    api:\n      healthPath: "${bad}"\n`;
        assert.deepEqual(
          await issuesOf(() => parseStackConfig(text, 'Pulumi.dev.yaml', 'dev')),
          [
            [
              'config.stackpilot:components.api.healthPath',
              'must be an HTTP path starting with "/" (e.g. "/healthz")',
            ],
          ],
          bad,
        );
      }
      assert.deepEqual(
        await issuesOf(() =>
          plan(fullstack, 'dev', { components: { worker: { healthPath: '/x' } } }),
        ),
        [
          [
            'stackpilot:components.worker.healthPath',
            'worker is a worker that serves no HTTP, so no probe requests a path',
          ],
        ],
      );
    });
  });

  describe('storageClass', () => {
    it('names the class on every claim (data services and backups) with a decision, and nothing else', async () => {
      const before = await plan(fullstack, 'prod');
      const after = await plan(fullstack, 'prod', { storageClass: 'fast-ssd' });
      assert.deepEqual(changed(before, after), [
        'nodes[id=volume/rabbitmq-backup].spec.storageClass',
        'nodes[id=volume/redis-backup].spec.storageClass',
        'nodes[id=workload/rabbitmq].spec.volumeClaims[name=data].storageClass',
        'nodes[id=workload/redis].spec.volumeClaims[name=data].storageClass',
      ]);
      for (const id of ['volume/rabbitmq-backup', 'volume/redis-backup'])
        assert.equal(node(after, id, 'volume').spec.storageClass, 'fast-ssd');
      for (const id of ['workload/rabbitmq', 'workload/redis'])
        assert.deepEqual(
          node(after, id, 'workload').spec.volumeClaims?.map((c) => c.storageClass),
          ['fast-ssd'],
        );
      assert.deepEqual(changedDecisions(before, after), [
        'data-services environment storage class',
      ]);
      const d = decisionOf(after, 'data-services', 'environment', 'storage class');
      assert.equal(d.choice, 'StorageClass fast-ssd');
      assert.match(
        d.reason,
        /^stackpilot:storageClass is set in prod: every PersistentVolumeClaim/,
      );
      assert.match(d.reason, /rabbitmq, redis/);
      assert.deepEqual(d.alternatives, ["the cluster's default StorageClass"]);
    });

    it('leaves a plan without claims as it is', async () => {
      const managed = { managed: { redis: true, rabbitmq: true } };
      const before = await plan(fullstack, 'dev', managed);
      const after = await plan(fullstack, 'dev', { ...managed, storageClass: 'fast-ssd' });
      assert.equal(after.hash, before.hash);
    });

    it('is refused when it is not a StorageClass name, naming the field', async () => {
      assert.deepEqual(
        await issuesOf(() =>
          parseStackConfig(
            'config:\n  stackpilot:storageClass: Fast_SSD\n',
            'Pulumi.dev.yaml',
            'dev',
          ),
        ),
        [
          [
            'config.stackpilot:storageClass',
            'must be a StorageClass name (lowercase letters, digits, "-" and ".")',
          ],
        ],
      );
      assert.equal(
        parseStackConfig('config:\n  stackpilot:storageClass: gp3.encrypted\n', 'f.yaml', 'dev')
          .storageClass,
        'gp3.encrypted',
      );
    });
  });

  it('keeps ignoring overrides of components the app does not have, with a warning', async () => {
    const before = await plan(fullstack, 'dev');
    const after = await plan(fullstack, 'dev', {
      components: { ghost: { port: 9000, healthPath: '/healthz' } },
    });
    assert.deepEqual(changed(before, after), ['warnings']);
    assert.deepEqual(changedDecisions(before, after), []);
    assert.deepEqual(
      after.warnings.filter((w) => !before.warnings.includes(w)),
      [`stackpilot:components.ghost names no component of ${fullstack.name}; ignored`],
    );
  });
});
