/**
 * The Markdown report of a plan: components, images, decisions with their reasons, a
 * Mermaid dependency graph, waves, security posture, cost, rollout/rollback and the
 * backup/DR runbook. Built only from the plan, which holds no secret values, so the report
 * holds none either. Deterministic: the same plan gives the same text.
 */
import type { Decision, DeploymentPlan, NetworkRule, PlanNode } from '../model/plan';
import { mermaid } from './graph-view';

/** Escapes a table cell: pipes and line breaks would break the row. */
function cell(s: string | number | undefined): string {
  return String(s ?? '')
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ');
}

function table(head: string[], rows: Array<Array<string | number | undefined>>): string {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

function byKind<K extends PlanNode['kind']>(
  plan: DeploymentPlan,
  kind: K,
): Array<Extract<PlanNode, { kind: K }>> {
  return plan.nodes.filter((n): n is Extract<PlanNode, { kind: K }> => n.kind === kind);
}

function components(plan: DeploymentPlan): string {
  const hpa = new Map(byKind(plan, 'autoscaler').map((a) => [a.spec.target.name, a.spec]));
  const routed = new Map(
    byKind(plan, 'route').map((r) => [
      r.component,
      r.spec.paths.map((p) => `${r.spec.host}${p.path}`).join(', '),
    ]),
  );
  const rows = [...byKind(plan, 'workload'), ...byKind(plan, 'job')].map((n) => {
    const t = n.kind === 'workload' ? n.spec.template : n.spec.template;
    const k = t.containers[0]!;
    const a = hpa.get(n.name);
    const replicas =
      n.kind === 'job'
        ? 'run once'
        : a
          ? `${a.minReplicas}-${a.maxReplicas} (HPA)`
          : String(n.spec.replicas ?? '');
    const controller =
      n.kind === 'job' ? 'Job' : n.spec.controller === 'deployment' ? 'Deployment' : 'StatefulSet';
    return [
      n.component ?? n.name,
      `${n.name}${n.kind === 'workload' && n.spec.color ? ` (${n.spec.color})` : ''}`,
      controller,
      `\`${k.image}\``,
      replicas,
      `${k.resources.requests.cpu} / ${k.resources.requests.memory}`,
      `${k.resources.limits.cpu ?? '-'} / ${k.resources.limits.memory}`,
      n.kind === 'workload' ? (routed.get(n.component ?? '') ?? '') : '',
    ];
  });
  return table(
    [
      'Component',
      'Runs as',
      'Controller',
      'Image',
      'Replicas',
      'Requests (CPU / memory)',
      'Limits',
      'Public at',
    ],
    rows,
  );
}

function images(plan: DeploymentPlan): string {
  const rows = plan.images.map((i) => [
    i.component,
    `\`${i.image}\``,
    i.source === 'dockerfile' ? `Dockerfile ${i.dockerfile ?? ''}` : i.source,
    i.buildArgs
      ? Object.keys(i.buildArgs)
          .sort()
          .map((k) => `${k}=${i.buildArgs![k]}`)
          .join(', ')
      : '',
  ]);
  const dockerfiles = plan.images
    .filter((i) => i.generatedDockerfile)
    .map(
      (i) =>
        `<details><summary>Generated Dockerfile for ${i.component}</summary>\n\n\`\`\`dockerfile\n${i.generatedDockerfile!.trimEnd()}\n\`\`\`\n\n</details>`,
    );
  return [table(['Component', 'Image', 'Built from', 'Build args'], rows), ...dockerfiles].join(
    '\n\n',
  );
}

function decisions(plan: DeploymentPlan): string {
  const groups = new Map<string, Decision[]>();
  for (const d of plan.decisions)
    (groups.get(d.subject) ?? groups.set(d.subject, []).get(d.subject)!).push(d);
  return [...groups.entries()]
    .map(
      ([subject, ds]) =>
        `### ${subject}\n\n` +
        table(
          ['Topic', 'Choice', 'Why', 'Alternatives', 'Skill'],
          ds.map((d) => [d.topic, d.choice, d.reason, d.alternatives.join('; '), d.skill]),
        ),
    )
    .join('\n\n');
}

function waves(plan: DeploymentPlan): string {
  return plan.waves.map((w, i) => `${i + 1}. ${w.map((id) => `\`${id}\``).join(', ')}`).join('\n');
}

function peer(p: NetworkRule['peers'][number]): string {
  if ('cidr' in p) return `${p.cidr}${p.except?.length ? ` except ${p.except.join(', ')}` : ''}`;
  if ('namespaces' in p)
    return `namespace ${Object.values(p.namespaces).join(',')}${p.pods ? ` pods ${Object.values(p.pods).join(',')}` : ''}`;
  return `pods ${p.pods['app.kubernetes.io/name'] ?? Object.values(p.pods).join(',')}`;
}

function rule(r: NetworkRule): string {
  const ports = r.ports.map((p) => `${p.port}/${p.protocol}`).join(', ') || 'all ports';
  return `${r.peers.length ? r.peers.map(peer).join(' or ') : 'anywhere'} on ${ports} — ${r.reason}`;
}

function security(plan: DeploymentPlan): string {
  const ns = byKind(plan, 'namespace')[0];
  const level = ns?.spec.labels['pod-security.kubernetes.io/enforce'] ?? 'not enforced';
  const pods = [...byKind(plan, 'workload'), ...byKind(plan, 'job')].map((n) => {
    const t = n.spec.template;
    const k = t.containers[0]!;
    const s = k.securityContext;
    return [
      n.name,
      t.serviceAccount,
      t.automountServiceAccountToken ? 'yes' : 'no',
      `${s.runAsUser}:${s.runAsGroup}`,
      s.readOnlyRootFilesystem ? 'yes' : 'no',
      s.capabilities.drop.join(','),
      s.seccompProfile.type,
      t.volumes
        .filter((v) => 'emptyDir' in v)
        .map((v) => v.name)
        .join(', '),
    ];
  });
  for (const c of byKind(plan, 'cron-job')) {
    const t = c.spec.job.template;
    const s = t.containers[0]!.securityContext;
    pods.push([
      c.name,
      t.serviceAccount,
      'no',
      `${s.runAsUser}:${s.runAsGroup}`,
      s.readOnlyRootFilesystem ? 'yes' : 'no',
      s.capabilities.drop.join(','),
      s.seccompProfile.type,
      t.volumes
        .filter((v) => 'emptyDir' in v)
        .map((v) => v.name)
        .join(', '),
    ]);
  }
  const policies = byKind(plan, 'network-policy').map((p) => {
    const target = Object.keys(p.spec.podSelector).length
      ? `pods ${p.spec.podSelector['app.kubernetes.io/name'] ?? ''}`
      : 'every pod';
    const parts = [`- **${p.name}** (${target}; ${p.spec.policyTypes.join(' + ')})`];
    if (!p.spec.ingress.length && !p.spec.egress.length)
      parts.push('  - denies everything not allowed elsewhere');
    for (const r of p.spec.ingress) parts.push(`  - in from ${rule(r)}`);
    for (const r of p.spec.egress) parts.push(`  - out to ${rule(r)}`);
    return parts.join('\n');
  });
  const secrets = byKind(plan, 'secret').map((s) => [
    s.name,
    s.spec.entries.map((e) => e.key).join(', '),
    [
      ...new Set(
        s.spec.entries.flatMap((e) =>
          e.parts
            .map((p) =>
              'config' in p
                ? `config ${p.config}`
                : 'generated' in p
                  ? `generated ${p.generated}`
                  : '',
            )
            .filter(Boolean),
        ),
      ),
    ]
      .sort()
      .join(', '),
  ]);
  return [
    `- Pod Security Standard on namespace \`${plan.namespace}\`: **${level}** (enforced, audited, warned).`,
    '- Every container: non-root, no privilege escalation, all capabilities dropped, seccomp RuntimeDefault.',
    '',
    table(
      [
        'Pod',
        'Service account',
        'Token mounted',
        'uid:gid',
        'Read-only root',
        'Dropped',
        'Seccomp',
        'Writable scratch',
      ],
      pods,
    ),
    '',
    '**Network policies**',
    '',
    ...policies,
    '',
    '**Secrets** (names and sources only; values are never in the plan)',
    '',
    secrets.length ? table(['Secret', 'Keys', 'Values from'], secrets) : 'No Secrets.',
  ].join('\n');
}

function cost(plan: DeploymentPlan): string {
  const c = plan.cost;
  return [
    table(
      ['Component', 'CPU cores', 'Memory GiB', 'Storage GiB', `Monthly (${c.currency})`],
      [
        ...c.lines.map((l) => [
          l.component,
          l.cpuCores,
          l.memoryGiB,
          l.storageGiB,
          l.monthly.toFixed(2),
        ]),
        ...c.fixed.map((f) => [f.item, '', '', '', f.monthly.toFixed(2)]),
        ['**Total**', '', '', '', `**${c.totalMonthly.toFixed(2)}**`],
      ],
    ),
    '',
    'Assumptions:',
    '',
    ...c.assumptions.map((a) => `- ${a}`),
  ].join('\n');
}

function rollout(plan: DeploymentPlan): string {
  const r = plan.rollout;
  return [
    `- Strategy: **${r.strategy}**${r.activeColor ? ` (active colour: ${r.activeColor})` : ''}`,
    `- Automatic rollback on a failed apply: ${r.autoRollback ? 'yes' : 'no'}`,
    '',
    'Rollback steps:',
    '',
    ...r.rollbackSteps.map((s, i) => `${i + 1}. ${s}`),
  ].join('\n');
}

function recovery(plan: DeploymentPlan): string {
  const r = plan.recovery;
  return [
    r.backups.length
      ? table(
          ['Component', 'Backup job', 'Schedule', 'Retention (days)', 'Method'],
          r.backups.map((b) => [
            b.component,
            b.node,
            `\`${b.schedule}\``,
            b.retentionDays,
            b.method,
          ]),
        )
      : 'No in-cluster data to back up.',
    '',
    `- RPO: ${r.objectives.rpo}`,
    `- RTO: ${r.objectives.rto}`,
    '',
    'Runbook:',
    '',
    ...r.runbook.map((s, i) => `${i + 1}. ${s}`),
  ].join('\n');
}

/** Renders a plan as a Markdown report. */
export function renderReport(plan: DeploymentPlan): string {
  const addresses = Object.keys(plan.outputs.addresses)
    .sort()
    .map((k) => `- ${k}: \`${plan.outputs.addresses[k]}\``);
  const sections = [
    `# Deployment plan: ${plan.app} → ${plan.environment}`,
    [
      `- Namespace: \`${plan.namespace}\``,
      `- Plan hash: \`${plan.hash}\``,
      `- ${plan.nodes.length} resources in ${plan.waves.length} waves, ${plan.decisions.length} decisions`,
      `- Public URLs: ${plan.outputs.publicUrls.length ? plan.outputs.publicUrls.map((u) => `<${u}>`).join(', ') : 'none'}`,
      `- Estimated cost: ${plan.cost.totalMonthly.toFixed(2)} ${plan.cost.currency} per month`,
    ].join('\n'),
    `## Components\n\n${components(plan)}${addresses.length ? `\n\nIn-cluster addresses:\n\n${addresses.join('\n')}` : ''}`,
    `## Images\n\n${images(plan)}`,
    `## Decisions\n\n${decisions(plan)}`,
    `## Dependency graph\n\nAn arrow points from a resource to one that waits for it.\n\n\`\`\`mermaid\n${mermaid(plan, 'LR')}\`\`\``,
    `## Waves\n\nResources of one wave are applied together, after every earlier wave.\n\n${waves(plan)}`,
    `## Security posture\n\n${security(plan)}`,
    `## Cost\n\n${cost(plan)}`,
    `## Rollout and rollback\n\n${rollout(plan)}`,
    `## Backup and disaster recovery\n\n${recovery(plan)}`,
  ];
  if (plan.warnings.length)
    sections.push(`## Warnings\n\n${plan.warnings.map((w) => `- ${w}`).join('\n')}`);
  return sections.join('\n\n') + '\n';
}
