/**
 * The recorded inputs of every registration carry the plan: images, probes, resources,
 * security contexts, selectors that match pod labels, Services that target existing named
 * container ports, HPA targets, PDB selectors, routes, monitors and secret values.
 */
import assert from 'node:assert/strict';
import type { Container, NodeOf, PlanNode, Probe } from '../../../src/model/plan';
import {
  containersOf,
  podTemplateOf,
  selects,
  specOf,
  WORKLOADS,
  type ContainerView,
} from './support/k8s';
import { manifestsOf, type Manifest } from './support/manifests';
import { allPlans, expectedPlanLabels, type TestPlan } from './support/plans';
import { isSecret, type Registration } from './support/recorder';
import { recordPlan, secretConfig } from './support/recordings';

const nameOf = (id: string): string => id.replace('/', '-');

function expectedProbe(p: Probe | undefined): Record<string, unknown> | undefined {
  if (!p) return undefined;
  const h = p.handler;
  const handler =
    'http' in h
      ? { httpGet: { path: h.http.path, port: h.http.port } }
      : 'tcp' in h
        ? { tcpSocket: { port: h.tcp.port } }
        : { exec: { command: h.exec.command } };
  const { handler: _h, ...timings } = p;
  return { ...handler, ...timings };
}

/** Every plan container deep-equals its recorded container on the fields the plan sets. */
function assertContainers(where: string, planned: Container[], recorded: ContainerView[]): void {
  assert.deepEqual(
    recorded.map((c) => c.name),
    planned.map((c) => c.name),
    where,
  );
  planned.forEach((c, i) => {
    const r = recorded[i]!;
    const at = `${where} container ${c.name}`;
    assert.equal(r.image, c.image, at);
    assert.deepEqual(r.resources, c.resources, at);
    assert.deepEqual(r.livenessProbe, expectedProbe(c.probes.liveness), at);
    assert.deepEqual(r.readinessProbe, expectedProbe(c.probes.readiness), at);
    assert.deepEqual(r.startupProbe, expectedProbe(c.probes.startup), at);
    assert.deepEqual(r.securityContext, c.securityContext, at);
    assert.deepEqual(
      (r.ports ?? []).map((p) => ({ name: p.name, containerPort: p.containerPort })),
      c.ports,
      at,
    );
    assert.deepEqual(
      (r.volumeMounts ?? []).map((m) => m.name),
      c.volumeMounts.map((m) => m.name),
      at,
    );
    assert.equal((r.env ?? []).length, c.env.length, at);
  });
}

describe('program: recorded inputs match the plan', function () {
  // Recording many real plans with the real SDKs takes a while on a shared 2-core machine.
  this.timeout(300_000);
  let plans: TestPlan[] = [];
  before(async function () {
    this.timeout(120_000);
    plans = (await allPlans()).plans;
  });

  const each = async (
    fn: (t: TestPlan, regs: Registration[], manifests: Manifest[]) => void,
  ): Promise<void> => {
    assert.deepEqual(plans.map((p) => p.label).sort(), expectedPlanLabels());
    for (const t of plans) {
      const { registrations } = await recordPlan(t.plan);
      fn(t, registrations, manifestsOf(registrations));
    }
  };
  const regOf = (regs: Registration[], node: PlanNode): Registration => {
    const r = regs.find((x) => x.name === nameOf(node.id));
    assert.ok(r, node.id);
    return r;
  };
  const nodesOf = <K extends PlanNode['kind']>(t: TestPlan, kind: K): NodeOf<K>[] =>
    t.plan.nodes.filter((n): n is NodeOf<K> => n.kind === kind);

  it('workloads: images, probes, resources, security contexts, selectors and replicas', async () => {
    await each((t, regs) => {
      for (const node of nodesOf(t, 'workload')) {
        const where = `${t.label} ${node.id}`;
        const m = regOf(regs, node).inputs as Manifest;
        const spec = specOf<
          Record<string, unknown> & { selector: { matchLabels: Record<string, string> } }
        >(m);
        const tpl = podTemplateOf(m)!;
        assert.equal(
          m.kind,
          node.spec.controller === 'deployment' ? 'Deployment' : 'StatefulSet',
          where,
        );
        assert.deepEqual(spec.selector.matchLabels, node.spec.selector, where);
        assert.ok(
          selects(spec.selector.matchLabels, tpl.metadata.labels),
          `${where}: selector must match pod labels`,
        );
        assert.deepEqual(tpl.metadata.labels, node.spec.template.labels, where);
        assert.equal(spec.replicas, node.spec.replicas, `${where}: replicas only when planned`);
        assert.equal(tpl.spec.serviceAccountName, node.spec.template.serviceAccount, where);
        assert.equal(tpl.spec.automountServiceAccountToken, false, where);
        assert.deepEqual(tpl.spec.securityContext, node.spec.template.securityContext, where);
        assertContainers(where, node.spec.template.containers, tpl.spec.containers);
        if (node.spec.controller === 'statefulset') {
          assert.equal(spec.serviceName, node.spec.serviceName, where);
          const claims = (spec.volumeClaimTemplates ?? []) as Array<{
            metadata: { name: string };
            spec: unknown;
          }>;
          assert.deepEqual(
            claims.map((c) => [c.metadata.name, c.spec]),
            (node.spec.volumeClaims ?? []).map((c) => [
              c.name,
              { accessModes: c.accessModes, resources: { requests: { storage: c.storage } } },
            ]),
            where,
          );
        } else {
          const strategy = spec.strategy as { type: string; rollingUpdate?: unknown };
          assert.deepEqual(
            strategy,
            node.spec.strategy.type === 'rolling'
              ? {
                  type: 'RollingUpdate',
                  rollingUpdate: {
                    maxSurge: node.spec.strategy.maxSurge,
                    maxUnavailable: node.spec.strategy.maxUnavailable,
                  },
                }
              : { type: 'Recreate' },
            where,
          );
        }
      }
    });
  });

  it('jobs and cron jobs: schedule, limits, restart policy and containers', async () => {
    await each((t, regs) => {
      for (const node of nodesOf(t, 'job')) {
        const m = regOf(regs, node).inputs as Manifest;
        const spec = specOf<Record<string, unknown>>(m);
        const where = `${t.label} ${node.id}`;
        assert.equal(spec.backoffLimit, node.spec.backoffLimit, where);
        assert.equal(spec.activeDeadlineSeconds, node.spec.activeDeadlineSeconds, where);
        assert.equal(podTemplateOf(m)!.spec.restartPolicy, node.spec.template.restartPolicy, where);
        assertContainers(where, node.spec.template.containers, podTemplateOf(m)!.spec.containers);
      }
      for (const node of nodesOf(t, 'cron-job')) {
        const m = regOf(regs, node).inputs as Manifest;
        const spec = specOf<Record<string, unknown>>(m);
        const where = `${t.label} ${node.id}`;
        assert.equal(spec.schedule, node.spec.schedule, where);
        assert.equal(spec.concurrencyPolicy, node.spec.concurrencyPolicy, where);
        assert.equal(
          podTemplateOf(m)!.spec.restartPolicy,
          node.spec.job.template.restartPolicy,
          where,
        );
        assertContainers(
          where,
          node.spec.job.template.containers,
          podTemplateOf(m)!.spec.containers,
        );
      }
    });
  });

  it('services select workload pods and target named container ports that exist', async () => {
    await each((t, regs, manifests) => {
      const pods = manifests
        .filter((m) => WORKLOADS.includes(m.kind))
        .map((m) => podTemplateOf(m)!);
      for (const node of nodesOf(t, 'service')) {
        const where = `${t.label} ${node.id}`;
        const spec = specOf<{
          selector: Record<string, string>;
          clusterIP?: string;
          ports: Array<{ name: string; port: number; targetPort: string | number }>;
        }>(regOf(regs, node).inputs as Manifest);
        assert.deepEqual(spec.selector, node.spec.selector, where);
        assert.equal(spec.clusterIP, node.spec.headless ? 'None' : undefined, where);
        const targets = pods.filter((p) => selects(spec.selector, p.metadata.labels));
        assert.ok(targets.length > 0, `${where}: selects no workload pods`);
        for (const port of spec.ports) {
          for (const p of targets) {
            const containerPorts = containersOf(p.spec).flatMap((c) => c.ports ?? []);
            assert.ok(
              containerPorts.some((cp) =>
                typeof port.targetPort === 'string'
                  ? cp.name === port.targetPort
                  : cp.containerPort === port.targetPort,
              ),
              `${where}: port ${port.name} targets ${port.targetPort}, which the pods do not expose`,
            );
          }
        }
      }
    });
  });

  it('autoscalers target an existing workload that leaves its replica count to them', async () => {
    await each((t, regs, manifests) => {
      for (const node of nodesOf(t, 'autoscaler')) {
        const where = `${t.label} ${node.id}`;
        const spec = specOf<{
          scaleTargetRef: { apiVersion: string; kind: string; name: string };
          minReplicas: number;
          maxReplicas: number;
          metrics: Array<{ resource: { name: string; target: { averageUtilization: number } } }>;
          behavior: { scaleDown: { stabilizationWindowSeconds: number } };
        }>(regOf(regs, node).inputs as Manifest);
        assert.deepEqual(
          spec.scaleTargetRef,
          { apiVersion: 'apps/v1', ...node.spec.target },
          where,
        );
        const target = manifests.find(
          (m) => m.kind === node.spec.target.kind && m.metadata.name === node.spec.target.name,
        );
        assert.ok(target, `${where}: no ${node.spec.target.kind} ${node.spec.target.name}`);
        assert.equal(
          (target.spec as { replicas?: number }).replicas,
          undefined,
          `${where}: target fixes replicas`,
        );
        assert.deepEqual(
          spec.metrics.map((x) => [x.resource.name, x.resource.target.averageUtilization]),
          [
            ['cpu', node.spec.cpuUtilization],
            ...(node.spec.memoryUtilization !== undefined
              ? [['memory', node.spec.memoryUtilization]]
              : []),
          ],
          where,
        );
        assert.equal(
          spec.behavior.scaleDown.stabilizationWindowSeconds,
          node.spec.scaleDownStabilizationSeconds,
          where,
        );
        assert.deepEqual(
          [spec.minReplicas, spec.maxReplicas],
          [node.spec.minReplicas, node.spec.maxReplicas],
          where,
        );
      }
    });
  });

  it('disruption budgets select the pods of a workload', async () => {
    await each((t, regs, manifests) => {
      const pods = manifests
        .filter((m) => WORKLOADS.includes(m.kind))
        .map((m) => podTemplateOf(m)!);
      for (const node of nodesOf(t, 'disruption-budget')) {
        const where = `${t.label} ${node.id}`;
        const spec = specOf<{
          selector: { matchLabels: Record<string, string> };
          minAvailable?: unknown;
          maxUnavailable?: unknown;
        }>(regOf(regs, node).inputs as Manifest);
        assert.deepEqual(spec.selector.matchLabels, node.spec.selector, where);
        assert.ok(
          pods.some((p) => selects(spec.selector.matchLabels, p.metadata.labels)),
          `${where}: selects no workload`,
        );
        assert.equal(spec.minAvailable, node.spec.minAvailable, where);
        assert.equal(spec.maxUnavailable, node.spec.maxUnavailable, where);
      }
    });
  });

  it('routes send each path to an existing Service port by name, with TLS for the host', async () => {
    await each((t, regs, manifests) => {
      for (const node of nodesOf(t, 'route')) {
        const where = `${t.label} ${node.id}`;
        const spec = specOf<{
          ingressClassName: string;
          tls?: Array<{ hosts: string[]; secretName: string }>;
          rules: Array<{
            host: string;
            http: {
              paths: Array<{
                path: string;
                pathType: string;
                backend: { service: { name: string; port: { name: string } } };
              }>;
            };
          }>;
        }>(regOf(regs, node).inputs as Manifest);
        assert.equal(spec.ingressClassName, node.spec.className, where);
        assert.deepEqual(
          spec.tls,
          node.spec.tls
            ? [{ hosts: [node.spec.host], secretName: node.spec.tls.secretName }]
            : undefined,
          where,
        );
        assert.deepEqual(
          spec.rules.flatMap((r) =>
            r.http.paths.map((p) => [
              r.host,
              p.path,
              p.pathType,
              p.backend.service.name,
              p.backend.service.port.name,
            ]),
          ),
          node.spec.paths.map((p) => [node.spec.host, p.path, p.pathType, p.service, p.port]),
          where,
        );
        for (const p of node.spec.paths) {
          const svc = manifests.find((m) => m.kind === 'Service' && m.metadata.name === p.service);
          assert.ok(svc, `${where}: no Service ${p.service}`);
          const ports = (svc.spec as { ports: Array<{ name: string }> }).ports;
          assert.ok(
            ports.some((x) => x.name === p.port),
            `${where}: Service ${p.service} has no port ${p.port}`,
          );
        }
      }
    });
  });

  it('service monitors select a Service by its labels and scrape one of its named ports', async () => {
    await each((t, regs, manifests) => {
      for (const node of nodesOf(t, 'service-monitor')) {
        const where = `${t.label} ${node.id}`;
        const m = regOf(regs, node).inputs as Manifest;
        assert.equal(m.apiVersion, 'monitoring.coreos.com/v1', where);
        const spec = specOf<{
          selector: { matchLabels: Record<string, string> };
          endpoints: Array<{ port: string; path: string; interval: string }>;
        }>(m);
        assert.deepEqual(
          spec.endpoints,
          [{ port: node.spec.port, path: node.spec.path, interval: node.spec.interval }],
          where,
        );
        const services = manifests.filter(
          (s) => s.kind === 'Service' && selects(spec.selector.matchLabels, s.metadata.labels),
        );
        assert.ok(services.length > 0, `${where}: selects no Service`);
        for (const s of services) {
          const ports = (s.spec as { ports: Array<{ name: string }> }).ports;
          assert.ok(
            ports.some((p) => p.name === node.spec.port),
            `${where}: Service ${s.metadata.name} has no port ${node.spec.port}`,
          );
        }
      }
    });
  });

  it('network policies, config maps, claims and generated passwords carry the plan values', async () => {
    await each((t, regs) => {
      for (const node of nodesOf(t, 'network-policy')) {
        const spec = specOf<{
          podSelector: { matchLabels: Record<string, string> };
          policyTypes: string[];
          ingress?: unknown[];
          egress?: unknown[];
        }>(regOf(regs, node).inputs as Manifest);
        const where = `${t.label} ${node.id}`;
        assert.deepEqual(spec.podSelector.matchLabels, node.spec.podSelector, where);
        assert.deepEqual(spec.policyTypes, node.spec.policyTypes, where);
        assert.equal((spec.ingress ?? []).length, node.spec.ingress.length, where);
        assert.equal((spec.egress ?? []).length, node.spec.egress.length, where);
      }
      for (const node of nodesOf(t, 'config')) {
        assert.deepEqual(regOf(regs, node).inputs.data, node.spec.data, `${t.label} ${node.id}`);
      }
      for (const node of nodesOf(t, 'volume')) {
        const spec = specOf<{
          accessModes: string[];
          resources: { requests: { storage: string } };
        }>(regOf(regs, node).inputs as Manifest);
        assert.deepEqual(
          [spec.accessModes, spec.resources.requests.storage],
          [node.spec.accessModes, node.spec.storage],
          node.id,
        );
      }
      for (const node of nodesOf(t, 'generated-secret')) {
        const { length, special } = regOf(regs, node).inputs;
        assert.deepEqual({ length, special }, node.spec, `${t.label} ${node.id}`);
      }
    });
  });

  it('secrets hold their entries as secret values assembled from config, generated passwords and text', async () => {
    await each((t, regs) => {
      const config = secretConfig(t.plan);
      for (const node of nodesOf(t, 'secret')) {
        const where = `${t.label} ${node.id}`;
        const { stringData, data } = regOf(regs, node).inputs;
        assert.equal(stringData, undefined, where);
        assert.ok(isSecret(data), `${where}: data must be a secret`);
        const decoded = Object.fromEntries(
          Object.entries(data.value as Record<string, string>).map(([k, v]) => [
            k,
            Buffer.from(v, 'base64').toString('utf8'),
          ]),
        );
        const expected = Object.fromEntries(
          node.spec.entries.map((e) => [
            e.key,
            e.parts
              .map((p) =>
                'text' in p
                  ? p.text
                  : 'config' in p
                    ? config[p.config]
                    : `generated-${nameOf(p.generated)}`,
              )
              .join(''),
          ]),
        );
        assert.deepEqual(decoded, expected, where);
      }
    });
  });
});
