/**
 * Invariants every plan must satisfy, checked from the plan's own content (not from the
 * planner's helpers): network allows per dependency edge, resources (ephemeral storage
 * included), probes and security contexts, backup deadlines, topology spread, waves and
 * dependencies, secrets kept out of ConfigMaps. Each check throws an
 * AssertionError naming the plan, node and rule.
 */
import { strict as assert } from 'node:assert';
import type { AppModel } from '../../../../src/model/app';
import { contentHash } from '../../../../src/model/canonical';
import {
  DeploymentPlanSchema,
  type DeploymentPlan,
  type NodeOf,
  type PlanNode,
  type PodTemplate,
} from '../../../../src/model/plan';

const NAME = 'app.kubernetes.io/name';

function strings(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') out.add(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object')
    for (const v of Object.values(value)) strings(v, out);
  return out;
}

function templates(n: PlanNode): PodTemplate[] {
  if (n.kind === 'workload' || n.kind === 'job') return [n.spec.template];
  if (n.kind === 'cron-job') return [n.spec.job.template];
  return [];
}

/** A probe's handler as text, so that two probes of the same thing compare equal whatever their timings. */
function handlerOf(p: { handler: unknown } | undefined): string | undefined {
  return p ? JSON.stringify(p.handler) : undefined;
}

/** MiB of a quantity such as `384Mi` or `1Gi`. */
function mib(q: string): number {
  const m = /^(\d+)(Mi|Gi)$/.exec(q);
  assert.ok(m, `quantity ${q} in Mi or Gi`);
  return Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1);
}

/**
 * `long` = a long-running workload pod (probed); `exposed` = a Service selects it, so it needs
 * a readiness probe.
 */
function checkPod(
  label: string,
  t: PodTemplate,
  pod: { long: boolean; exposed: boolean },
  writableRootAllowed: boolean,
): void {
  assert.equal(t.automountServiceAccountToken, false, `${label}: token automount`);
  assert.ok(
    t.securityContext.runAsNonRoot &&
      t.securityContext.runAsUser >= 10000 &&
      t.securityContext.runAsGroup >= 10000,
    `${label}: pod security context`,
  );
  assert.equal(t.securityContext.seccompProfile.type, 'RuntimeDefault');
  // A pod is evicted past the sum of its containers' ephemeral-storage limits, emptyDirs included.
  const scratch = t.volumes.reduce(
    (sum, v) =>
      sum + ('emptyDir' in v && v.emptyDir.medium !== 'Memory' ? mib(v.emptyDir.sizeLimit) : 0),
    0,
  );
  const diskLimits = [...t.containers, ...t.initContainers].reduce(
    (sum, c) => sum + mib(c.resources.limits['ephemeral-storage'] ?? '0Mi'),
    0,
  );
  assert.ok(
    diskLimits > scratch,
    `${label}: ephemeral-storage limits cover the emptyDirs and logs`,
  );
  for (const c of [...t.containers, ...t.initContainers]) {
    const where = `${label}/${c.name}`;
    assert.ok(c.resources.requests.cpu && c.resources.requests.memory, `${where}: requests`);
    assert.ok(c.resources.limits.memory && c.resources.limits.cpu, `${where}: limits`);
    const disk = [
      c.resources.requests['ephemeral-storage'],
      c.resources.limits['ephemeral-storage'],
    ];
    assert.ok(disk[0] && disk[1], `${where}: ephemeral-storage request and limit`);
    assert.ok(mib(disk[0]) <= mib(disk[1]), `${where}: ephemeral-storage request within its limit`);
    const s = c.securityContext;
    assert.ok(
      s.runAsNonRoot && s.runAsUser >= 10000 && s.runAsGroup >= 10000,
      `${where}: non-root uid/gid >= 10000`,
    );
    assert.equal(s.allowPrivilegeEscalation, false, `${where}: privilege escalation`);
    assert.equal(s.privileged, false);
    assert.ok(s.capabilities.drop.includes('ALL'), `${where}: drop ALL`);
    assert.equal(s.seccompProfile.type, 'RuntimeDefault');
    if (!writableRootAllowed)
      assert.equal(s.readOnlyRootFilesystem, true, `${where}: read-only root filesystem`);
    for (const m of c.volumeMounts)
      assert.ok(
        t.volumes.some((v) => v.name === m.name) || m.name === 'data',
        `${where}: mount ${m.name} has a volume`,
      );
    assert.doesNotMatch(c.image, /:latest$/, `${where}: image tag`);
    if (pod.long) {
      assert.ok(c.probes.liveness || c.probes.readiness, `${where}: liveness or readiness probe`);
      assert.ok(c.probes.startup, `${where}: startup probe`);
      if (pod.exposed) assert.ok(c.probes.readiness, `${where}: readiness behind a Service`);
      if (c.probes.liveness && c.probes.readiness)
        assert.notEqual(
          handlerOf(c.probes.liveness),
          handlerOf(c.probes.readiness),
          `${where}: liveness must not probe what readiness probes`,
        );
    } else {
      assert.deepEqual(c.probes, {}, `${where}: a run-to-completion pod has no probes`);
    }
  }
}

/** Asserts every invariant of `plan` (planned from `app`) and of its Markdown `report`. */
export function checkInvariants(
  app: AppModel,
  plan: DeploymentPlan,
  report: string,
  forbidden: string[] = [],
): void {
  const label = `${plan.app}/${plan.environment}`;
  DeploymentPlanSchema.parse(plan);
  const { hash, ...rest } = plan;
  assert.equal(hash, contentHash(rest), `${label}: hash`);
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  assert.equal(byId.size, plan.nodes.length, `${label}: unique node ids`);

  // No secret value anywhere.
  const text = JSON.stringify(plan);
  for (const f of forbidden) {
    assert.ok(!text.includes(f), `${label}: plan contains a secret value`);
    assert.ok(!report.includes(f), `${label}: report contains a secret value`);
  }
  // Secrets never in a ConfigMap.
  for (const n of plan.nodes)
    if (n.kind === 'config') {
      const c = app.components.find((x) => x.name === n.component);
      for (const key of Object.keys(n.spec.data))
        assert.notEqual(
          c?.env.find((v) => v.name === key)?.classification,
          'secret',
          `${label}: ${key} in ConfigMap ${n.name}`,
        );
    }

  // Pods.
  const writableOk = new Set(
    plan.decisions
      .filter(
        (d) =>
          d.skill === 'security' &&
          d.topic === 'security context' &&
          d.choice.includes('writable root filesystem'),
      )
      .map((d) => d.subject),
  );
  const services = plan.nodes.filter((n): n is NodeOf<'service'> => n.kind === 'service');
  const selects = (selector: Record<string, string>, labels: Record<string, string>): boolean =>
    Object.entries(selector).every(([k, v]) => labels[k] === v);
  for (const n of plan.nodes)
    for (const t of templates(n))
      checkPod(
        `${label} ${n.id}`,
        t,
        {
          long: n.kind === 'workload',
          exposed: services.some((s) => selects(s.spec.selector, t.labels)),
        },
        n.kind === 'workload' && writableOk.has(n.component ?? ''),
      );

  // Replicated workloads spread across nodes where the environment asks for it.
  const spreads = plan.decisions.some((d) => d.skill === 'scaling' && d.topic === 'spread');
  for (const w of plan.nodes.filter((n): n is NodeOf<'workload'> => n.kind === 'workload')) {
    const hostname = w.spec.template.topologySpread.some(
      (t) => t.topologyKey === 'kubernetes.io/hostname',
    );
    const replicated =
      (w.spec.replicas ?? 0) > 1 ||
      plan.nodes.some((a) => a.kind === 'autoscaler' && a.spec.target.name === w.name);
    if (hostname) assert.ok(spreads, `${label}: ${w.id} spreads without a spread decision`);
    if (spreads && replicated)
      assert.ok(hostname, `${label}: ${w.id} is replicated but does not spread across nodes`);
  }

  // Backups start late only within a deadline, never whenever the controller catches up.
  for (const cron of plan.nodes.filter((n): n is NodeOf<'cron-job'> => n.kind === 'cron-job'))
    assert.ok(
      cron.spec.startingDeadlineSeconds !== undefined && cron.spec.startingDeadlineSeconds <= 3600,
      `${label}: ${cron.id} has a starting deadline of at most an hour`,
    );

  // Autoscaled workloads carry no replica count.
  for (const a of plan.nodes.filter((n): n is NodeOf<'autoscaler'> => n.kind === 'autoscaler')) {
    const w = plan.nodes.find((n) => n.kind === 'workload' && n.name === a.spec.target.name) as
      NodeOf<'workload'> | undefined;
    assert.ok(w, `${label}: ${a.id} targets a workload`);
    assert.equal(
      w.spec.replicas,
      undefined,
      `${label}: ${w.id} has replicas although ${a.id} scales it`,
    );
  }

  // Waves hold every node once, after everything it depends on.
  const wave = new Map<string, number>();
  plan.waves.forEach((ids, i) =>
    ids.forEach((id) => {
      assert.ok(!wave.has(id), `${label}: ${id} in two waves`);
      wave.set(id, i);
    }),
  );
  assert.equal(wave.size, plan.nodes.length, `${label}: every node in a wave`);
  for (const n of plan.nodes)
    for (const d of n.dependsOn) {
      assert.ok(byId.has(d), `${label}: ${n.id} depends on unknown ${d}`);
      assert.ok(
        wave.get(d)! < wave.get(n.id)!,
        `${label}: ${n.id} (wave ${wave.get(n.id)}) before its dependency ${d} (wave ${wave.get(d)})`,
      );
    }

  // Each dependency is justified by the spec or an `after` entry, and every spec reference is a dependency.
  for (const n of plan.nodes) {
    const specStrings = strings(n.spec);
    for (const d of n.dependsOn) {
      const dep = byId.get(d)!;
      const justified =
        dep.kind === 'namespace' ||
        n.after.some((a) => a.node === d) ||
        specStrings.has(dep.name) ||
        specStrings.has(dep.id);
      assert.ok(justified, `${label}: ${n.id} waits on ${d} without needing it`);
    }
    for (const t of templates(n)) {
      const need = [
        `service-account/${t.serviceAccount}`,
        ...t.containers.flatMap((c) =>
          c.env.flatMap((e) =>
            'secret' in e
              ? [`secret/${e.secret.name}`]
              : 'config' in e
                ? [`config/${e.config.name}`]
                : [],
          ),
        ),
        ...t.volumes.flatMap((v) => ('claim' in v ? [`volume/${v.claim.claimName}`] : [])),
      ];
      for (const id of need)
        assert.ok(
          n.dependsOn.includes(id),
          `${label}: ${n.id} reads ${id} but does not wait for it`,
        );
    }
    if (n.kind === 'secret')
      for (const e of n.spec.entries)
        for (const p of e.parts)
          if ('generated' in p)
            assert.ok(n.dependsOn.includes(p.generated), `${label}: ${n.id} uses ${p.generated}`);
  }

  // Every dependency edge between running parts has an ingress allow on the callee and an egress allow on the caller.
  const running = (c: string): boolean =>
    plan.nodes.some((n) => (n.kind === 'workload' || n.kind === 'job') && n.component === c);
  const policiesFor = (name: string): Array<NodeOf<'network-policy'>> =>
    plan.nodes.filter(
      (n): n is NodeOf<'network-policy'> =>
        n.kind === 'network-policy' && n.spec.podSelector[NAME] === name,
    );
  const podPeer = (rule: { peers: Array<Record<string, unknown>> }, name: string): boolean =>
    rule.peers.some(
      (p) =>
        'pods' in p && !('namespaces' in p) && (p.pods as Record<string, string>)[NAME] === name,
    );
  for (const e of app.edges) {
    if (!running(e.from)) continue;
    const egress = policiesFor(e.from).flatMap((p) => p.spec.egress);
    if (e.target === 'external') {
      const s = app.externalServices.find((x) => x.id === e.to)!;
      assert.ok(
        egress.some(
          (r) => r.ports.some((p) => p.port === s.port) && r.peers.some((p) => 'cidr' in p),
        ),
        `${label}: egress ${e.from} -> ${e.to}:${s.port}`,
      );
      continue;
    }
    const svc = plan.nodes.find(
      (n): n is NodeOf<'service'> => n.kind === 'service' && n.name === e.to,
    );
    if (!running(e.to)) {
      const disabled =
        !app.components.some((c) => c.name === e.to) ||
        !plan.decisions.some((d) => d.subject === e.to && /managed/.test(d.choice));
      if (!disabled)
        assert.ok(
          egress.some((r) => r.peers.some((p) => 'cidr' in p)),
          `${label}: egress ${e.from} -> managed ${e.to}`,
        );
      continue;
    }
    if (!svc) continue; // a callee without a port cannot be called over the network
    const port = svc.spec.ports[0]!.port;
    assert.ok(
      egress.some((r) => podPeer(r, e.to) && r.ports.some((p) => p.port === port)),
      `${label}: egress allow ${e.from} -> ${e.to}:${port}`,
    );
    assert.ok(
      policiesFor(e.to).some((p) =>
        p.spec.ingress.some((r) => podPeer(r, e.from) && r.ports.some((x) => x.port === port)),
      ),
      `${label}: ingress allow ${e.from} -> ${e.to}:${port}`,
    );
  }
  assert.ok(
    plan.nodes.some((n) => n.id === 'network-policy/default-deny'),
    `${label}: default deny`,
  );

  // Decisions are complete.
  for (const d of plan.decisions)
    assert.ok(
      d.skill && d.subject && d.topic && d.choice && d.reason,
      `${label}: decision ${JSON.stringify(d)}`,
    );
  // The report shows the graph and every section.
  for (const h of [
    '## Components',
    '## Decisions',
    '```mermaid',
    '## Waves',
    '## Security posture',
    '## Cost',
    '## Rollout and rollback',
    '## Backup and disaster recovery',
  ])
    assert.ok(report.includes(h), `${label}: report lacks ${h}`);
}
