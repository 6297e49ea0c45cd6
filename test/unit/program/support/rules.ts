/**
 * Our own checks of the core Kubernetes best-practice rules, run over the manifests of every
 * plan whether or not a third-party checker is installed: resources, distinct probes, readiness
 * behind Services, non-root, read-only root filesystem, no privilege escalation, all
 * capabilities dropped, seccomp, no service-account token, a PDB per replicated workload, a
 * NetworkPolicy for every pod, immutable image tags, explicit namespaces, Services that select
 * only long-running pods, and well-formed ServiceMonitors (which no schema covers).
 */
import type { Finding } from './findings';
import { containersOf, podTemplateOf, selects, WORKLOADS, type PodTemplateView } from './k8s';
import type { Manifest } from './manifests';

type Report = (check: string, m: Manifest, message: string) => void;

const CLUSTER_SCOPED = new Set(['Namespace']);

/** Every rule violation in one plan's manifests. */
export function checkRules(
  manifests: readonly Manifest[],
  plan: { label: string; env: string },
): Finding[] {
  const findings: Finding[] = [];
  const report: Report = (check, m, message) =>
    findings.push({
      checker: 'stackpilot',
      check,
      plan: plan.label,
      env: plan.env,
      kind: m.kind,
      name: m.metadata.name,
      message,
    });
  const of = (kind: string) => manifests.filter((m) => m.kind === kind);
  const services = of('Service');
  const policies = of('NetworkPolicy');
  const budgets = of('PodDisruptionBudget');
  const autoscalers = of('HorizontalPodAutoscaler');

  for (const m of manifests) {
    if (!CLUSTER_SCOPED.has(m.kind) && !m.metadata.namespace)
      report('namespace', m, 'no explicit namespace');
    const pod = podTemplateOf(m);
    if (pod) checkPod(m, pod, report, services);
  }
  for (const m of manifests.filter((x) => WORKLOADS.includes(x.kind))) {
    const pod = podTemplateOf(m)!;
    const labels = pod.metadata.labels;
    if (
      !policies.some((p) =>
        selects(
          (p.spec as { podSelector: { matchLabels?: Record<string, string> } }).podSelector
            .matchLabels,
          labels,
        ),
      )
    ) {
      report('network-policy-per-pod', m, 'no NetworkPolicy selects its pods');
    }
    const replicas = (m.spec as { replicas?: number }).replicas;
    const scaled = autoscalers.some((h) => {
      const ref = (h.spec as { scaleTargetRef: { kind: string; name: string } }).scaleTargetRef;
      return ref.kind === m.kind && ref.name === m.metadata.name;
    });
    if (
      (scaled || (replicas ?? 1) >= 2) &&
      !budgets.some((b) =>
        selects(
          (b.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels,
          labels,
        ),
      )
    ) {
      report(
        'pdb-per-replicated-workload',
        m,
        `replicated (${scaled ? 'autoscaled' : `${replicas} replicas`}) without a PodDisruptionBudget`,
      );
    }
  }
  for (const m of [...of('Job'), ...of('CronJob')]) {
    const labels = podTemplateOf(m)!.metadata.labels;
    for (const s of services) {
      if (selects((s.spec as { selector: Record<string, string> }).selector, labels)) {
        report(
          'service-selects-workloads-only',
          m,
          `Service ${s.metadata.name} selects its run-to-completion pods`,
        );
      }
    }
  }
  for (const m of of('NetworkPolicy')) {
    const selector =
      (m.spec as { podSelector: { matchLabels?: Record<string, string> } }).podSelector
        .matchLabels ?? {};
    if (
      !manifests.some(
        (w) => podTemplateOf(w) && selects(selector, podTemplateOf(w)!.metadata.labels),
      )
    ) {
      report('network-policy-targets-pods', m, 'selects no pod of the plan');
    }
  }
  for (const m of of('ServiceMonitor')) {
    const spec = m.spec as {
      selector?: { matchLabels?: Record<string, string> };
      endpoints?: Array<{ port?: string; path?: string; interval?: string }>;
    };
    if (m.apiVersion !== 'monitoring.coreos.com/v1')
      report('service-monitor', m, `apiVersion ${m.apiVersion}`);
    if (!spec.selector?.matchLabels || !Object.keys(spec.selector.matchLabels).length)
      report('service-monitor', m, 'no selector');
    if (
      !spec.endpoints?.length ||
      spec.endpoints.some(
        (e) => !e.port || !e.path?.startsWith('/') || !/^\d+[smh]$/.test(e.interval ?? ''),
      )
    ) {
      report(
        'service-monitor',
        m,
        'endpoints need a named port, an absolute path and an interval like 30s',
      );
    }
  }
  return findings;
}

function checkPod(
  m: Manifest,
  pod: PodTemplateView,
  report: Report,
  services: readonly Manifest[],
): void {
  const podSc = pod.spec.securityContext ?? {};
  if (pod.spec.automountServiceAccountToken !== false)
    report('service-account-token', m, 'automounts its service-account token');
  const exposed = services.some((s) =>
    selects((s.spec as { selector: Record<string, string> }).selector, pod.metadata.labels),
  );
  for (const c of containersOf(pod.spec)) {
    const at = (msg: string) => `container ${c.name}: ${msg}`;
    const sc = c.securityContext ?? {};
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (!req.cpu || !req.memory || !lim.memory)
      report('resources', m, at('needs cpu and memory requests and a memory limit'));
    // Like kube-score: the handler (what is probed) must differ, timings alone do not count —
    // a liveness probe failing whenever readiness does restarts pods that are merely busy.
    if (
      c.livenessProbe &&
      c.readinessProbe &&
      handler(c.livenessProbe) === handler(c.readinessProbe)
    ) {
      report('distinct-probes', m, at('liveness and readiness probe the same thing'));
    }
    if (exposed && pod.spec.containers.includes(c) && !c.readinessProbe)
      report('readiness-probe', m, at('behind a Service without a readiness probe'));
    const runAsNonRoot = sc.runAsNonRoot ?? podSc.runAsNonRoot;
    const uid = (sc.runAsUser ?? podSc.runAsUser) as number | undefined;
    if (runAsNonRoot !== true || uid === undefined || uid < 10000)
      report(
        'non-root',
        m,
        at(`runs as uid ${uid ?? 'unset'} (runAsNonRoot ${String(runAsNonRoot)})`),
      );
    if (sc.readOnlyRootFilesystem !== true)
      report('read-only-root-filesystem', m, at('writable root filesystem'));
    if (sc.allowPrivilegeEscalation !== false || sc.privileged === true)
      report('no-privilege-escalation', m, at('may escalate privileges'));
    const caps = sc.capabilities as { drop?: string[]; add?: string[] } | undefined;
    if (!caps?.drop?.includes('ALL'))
      report('drop-all-capabilities', m, at('does not drop ALL capabilities'));
    if ((caps?.add ?? []).some((a) => a !== 'NET_BIND_SERVICE'))
      report('drop-all-capabilities', m, at(`adds ${caps?.add?.join(', ')}`));
    const seccomp = (sc.seccompProfile ?? podSc.seccompProfile) as { type?: string } | undefined;
    if (seccomp?.type !== 'RuntimeDefault' && seccomp?.type !== 'Localhost')
      report('seccomp', m, at('no seccomp profile'));
    if (!/@sha256:[0-9a-f]{64}$/.test(c.image) && !/:[^/:]+$/.test(c.image))
      report('image-tag', m, at(`image ${c.image} has no tag`));
    if (/:latest$/.test(c.image)) report('image-tag', m, at(`image ${c.image} uses latest`));
  }
}

function handler(probe: Record<string, unknown>): string {
  const { httpGet, tcpSocket, exec, grpc } = probe;
  return JSON.stringify({ httpGet, tcpSocket, exec, grpc });
}
