/**
 * probe-mismatch on the real test cluster: a readiness probe edited out of band (a path the
 * plan never set) is found on the pods the edit rolled out, named as drift with the plan's
 * own probe beside it, and `stackpilot up` (the fix) puts the plan's probe back.
 */
import { strict as assert } from 'node:assert';
import { startCluster, type TestCluster } from '../../support/cluster';
import { ClassStack, eventually, objectRef } from './classes-support';

const NS = 'dx-probes';

interface LiveDeployment {
  spec: {
    template: {
      spec: {
        containers: { name: string; readinessProbe?: { httpGet?: { path?: string } } }[];
      };
    };
  };
}

describe('diagnose: a probe changed out of band (real test cluster)', function () {
  this.timeout(600_000);
  let cluster: TestCluster;
  let stack: ClassStack;

  before(async () => {
    cluster = await startCluster();
    await cluster.situation({ storage: 'default', ingress: 'controller' });
    stack = new ClassStack(cluster, 'fullstack', 'dev', NS);
    await stack.upOk('the healthy stack');
  });
  after(async () => {
    stack?.cleanup();
    await cluster?.stop();
  });

  it('names the live probe and the plan’s, and up restores the plan’s', async () => {
    const path = `/apis/apps/v1/namespaces/${NS}/deployments/api`;
    const live = await cluster.api.get<LiveDeployment>(path);
    const container = live.spec.template.spec.containers[0]!;
    const planned = container.readinessProbe?.httpGet?.path;
    assert.ok(planned, `the plan gives api an HTTP readiness probe: ${JSON.stringify(container)}`);
    const edited = structuredClone(live.spec.template.spec.containers);
    edited[0]!.readinessProbe!.httpGet!.path = '/edited-by-hand';
    await cluster.api.mergePatch(path, { spec: { template: { spec: { containers: edited } } } });

    const mismatch = await stack.finding('probe-mismatch', objectRef('Deployment', NS, 'api'));
    assert.equal(mismatch.component, 'api');
    assert.match(mismatch.cause, /readiness probe differs from the plan's.*drift/);
    assert.ok(
      mismatch.evidence.some((e) => e.includes('/edited-by-hand')),
      mismatch.evidence.join('\n'),
    );
    assert.ok(
      mismatch.evidence.some((e) => e.startsWith('plan ') && e.includes(planned)),
      mismatch.evidence.join('\n'),
    );
    assert.equal(mismatch.decision?.skill, 'observability', JSON.stringify(mismatch.decision));
    assert.match(mismatch.fix?.command ?? '', /^stackpilot up\b/);

    await stack.upOk('putting the plan back');
    const restored = await cluster.api.get<LiveDeployment>(path);
    assert.equal(restored.spec.template.spec.containers[0]?.readinessProbe?.httpGet?.path, planned);
    await eventually('no probe finding once the plan’s pods are back', async () =>
      (await stack.diagnose()).diagnosis.findings.every((f) => f.class !== 'probe-mismatch'),
    );
  });
});
