/**
 * probe-mismatch: a probe that checks something other than what serves. A live probe that
 * differs from the plan's is drift (re-apply the plan); a plan whose probe port or path differs
 * from what the app serves is a `port` or `healthPath` override, but only when the evidence
 * shows what it serves (a refused probe and the port its log says it listens on, or the health
 * path its access log answers); a probe port the container does not declare, or not the one
 * the Service targets, is reported with what to look at.
 */
import type { Finding } from '../../model/diagnosis';
import type { Container, NodeOf } from '../../model/plan';
import type { ContainerSpecSnapshot, PodSnapshot } from '../../model/snapshot';
import { ref, type DiagnoseContext } from '../context';
import { eventEvidence, logEvidence, logOf } from '../evidence';
import { commandFix, componentOverride, configFix, upCommand } from '../fixes';
import { componentOf, decisionOf, nodeOf, planContainer } from '../link';
import { listeningPort, probeOf, probeStatus, refusedPort, servedHealthPath } from '../messages';
import { controllerOf, type Controller } from '../pods';
import {
  describeProbe,
  planProbe,
  PROBE_KINDS,
  resolvePort,
  sameProbe,
  serviceTarget,
  type ProbeKind,
} from '../probes';

interface Subject {
  ctx: DiagnoseContext;
  controller: Controller;
  pod: PodSnapshot;
  spec: ContainerSpecSnapshot;
  planned: Container;
  workload: NodeOf<'workload'>;
  component: string | undefined;
}

/** The probe mismatches of each workload's containers (the first pod with a spec speaks for its workload). */
export function probeMismatch(ctx: DiagnoseContext): Finding[] {
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const pod of ctx.snap.pods) {
    if (pod.deleting || !pod.specs?.length) continue;
    const controller = controllerOf(ctx.snap, pod);
    const key = `${controller.kind}/${controller.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const node = nodeOf(ctx.plan, controller.kind, controller.name);
    if (node?.kind !== 'workload') continue;
    for (const spec of pod.specs) {
      if (spec.init) continue;
      const planned = planContainer(node, spec.name);
      if (!planned) continue;
      const component = componentOf(ctx.plan, controller.kind, controller.name, pod.labels);
      findings.push(...check({ ctx, controller, pod, spec, planned, workload: node, component }));
    }
  }
  return findings;
}

function check(s: Subject): Finding[] {
  const drift = drifted(s);
  if (drift) return [drift];
  const served = servedElsewhere(s);
  if (served) return [served];
  const path = pathElsewhere(s);
  if (path) return [path];
  return staticMismatches(s);
}

function base(s: Subject, evidence: string[], cause: string): Finding {
  const decision = decisionOf(s.ctx.plan, s.component, ['observability', 'probes']);
  return {
    class: 'probe-mismatch',
    ...(s.component ? { component: s.component } : {}),
    object: ref(s.ctx, s.controller.kind, s.controller.name),
    evidence,
    cause,
    ...(decision ? { decision } : {}),
  };
}

const at = (s: Subject) => `pod ${s.pod.name} container ${s.spec.name}`;

function drifted(s: Subject): Finding | undefined {
  const differing = PROBE_KINDS.filter(
    (k) => !sameProbe(s.spec[k], s.spec, planProbe(s.planned.probes[k]), s.planned),
  );
  if (!differing.length) return undefined;
  const evidence = differing.flatMap((k) => [
    `${at(s)}: ${k} probe: ${describeProbe(s.spec[k])}`,
    `plan ${s.workload.id} container ${s.planned.name}: ${k} probe: ${describeProbe(planProbe(s.planned.probes[k]))}`,
  ]);
  return {
    ...base(
      s,
      evidence,
      `the live ${differing.join(' and ')} probe differs from the plan's: the object was changed outside stackpilot (drift)`,
    ),
    fix: commandFix(
      upCommand(s.ctx.environment),
      `the plan probes ${differing.map((k) => `${k} ${describeProbe(planProbe(s.planned.probes[k]))}`).join(', ')}; re-applying it restores them`,
    ),
  };
}

/** Probe events of this pod about `kind`, newest first. */
function probeEvents(s: Subject, kind?: ProbeKind) {
  return s.ctx.snap.events
    .filter((e) => e.kind === 'Pod' && e.name === s.pod.name && e.reason === 'Unhealthy')
    .filter((e) => (kind ? probeOf(e.message) === kind : probeOf(e.message) !== undefined))
    .sort((a, b) => b.last.localeCompare(a.last) || a.message.localeCompare(b.message));
}

function servedElsewhere(s: Subject): Finding | undefined {
  const log = logOf(s.ctx, s.pod.name, s.spec.name);
  const listens = log ? listeningPort(log.lines) : undefined;
  if (listens === undefined || !s.component) return undefined;
  for (const kind of PROBE_KINDS) {
    const probe = s.spec[kind];
    const port = resolvePort(probe?.port, s.spec.ports);
    if (typeof port !== 'number' || port === listens) continue;
    const refused = probeEvents(s, kind).find((e) => refusedPort(e.message) === port);
    if (!refused) continue;
    const evidence = [
      `${at(s)}: ${kind} probe: ${describeProbe(probe)}`,
      ...eventEvidence(s.ctx, 'Pod', s.pod.name, (e) => e === refused),
      ...logEvidence(log).filter((l) => listeningPort([l]) === listens),
    ];
    // A port below 1024 needs NET_BIND_SERVICE, which the plan drops: the app should move, not the plan.
    if (listens < 1024)
      return base(
        s,
        evidence,
        `the ${kind} probe is refused on port ${port}, and the app's log says it listens on ${listens}, a privileged port: configure the app to listen on ${port} (or another port from 1024), rather than granting it NET_BIND_SERVICE`,
      );
    return {
      ...base(
        s,
        evidence,
        `the ${kind} probe is refused on port ${port}, and the app's log says it listens on ${listens}: the plan has the wrong port for ${s.component}`,
      ),
      fix: configFix(
        componentOverride(s.component, { port: listens }),
        `connection refused on :${port} while the log says the app listens on :${listens}; the port override moves the container port, Service, probes and policies to ${listens}`,
      ),
    };
  }
  return undefined;
}

function pathElsewhere(s: Subject): Finding | undefined {
  const log = logOf(s.ctx, s.pod.name, s.spec.name);
  const served = log ? servedHealthPath(log.lines) : undefined;
  if (!served || !s.component) return undefined;
  for (const kind of PROBE_KINDS) {
    const probe = s.spec[kind];
    if (probe?.kind !== 'http' || probe.path === served) continue;
    const notFound = probeEvents(s, kind).find((e) => probeStatus(e.message) === 404);
    if (!notFound) continue;
    return {
      ...base(
        s,
        [
          `${at(s)}: ${kind} probe: ${describeProbe(probe)}`,
          ...eventEvidence(s.ctx, 'Pod', s.pod.name, (e) => e === notFound),
          ...logEvidence(log).filter((l) => servedHealthPath([l]) === served),
        ],
        `the ${kind} probe's path ${probe.path ?? '/'} answers 404, and the app's log shows it serving ${served}: the plan has the wrong health path for ${s.component}`,
      ),
      fix: configFix(
        componentOverride(s.component, { healthPath: served }),
        `${probe.path ?? '/'} answered 404 while ${served} answered 2xx in the app's log`,
      ),
    };
  }
  return undefined;
}

function staticMismatches(s: Subject): Finding[] {
  const out: Finding[] = [];
  const declared = s.spec.ports.map((p) => p.containerPort);
  const target = serviceTarget(s.ctx.plan, s.workload, s.planned);
  for (const kind of PROBE_KINDS) {
    const probe = s.spec[kind];
    if (!probe || probe.kind === 'exec' || probe.port === undefined) continue;
    const port = resolvePort(probe.port, s.spec.ports);
    const evidence = [
      `${at(s)}: ${kind} probe: ${describeProbe(probe)}`,
      `${at(s)}: ports: ${s.spec.ports.map((p) => `${p.name ? `${p.name} ` : ''}${p.containerPort}`).join(', ') || '(none)'}`,
      ...eventEvidence(
        s.ctx,
        'Pod',
        s.pod.name,
        (e) => e.reason === 'Unhealthy' && probeOf(e.message) === kind,
      ),
    ];
    if (typeof port === 'string') {
      out.push(
        base(
          s,
          evidence,
          `the ${kind} probe names port ${port}, which the container does not declare: the probe can never connect`,
        ),
      );
      continue;
    }
    if (declared.length && port !== undefined && !declared.includes(port)) {
      out.push(
        base(
          s,
          evidence,
          `the ${kind} probe checks port ${port}, which the container does not declare (${declared.join(', ')}): check which port the app listens on`,
        ),
      );
      continue;
    }
    if (kind === 'readiness' && target && typeof target.port === 'number' && port !== target.port)
      out.push(
        base(
          s,
          [...evidence, `plan ${target.service.id}: targetPort ${target.port}`],
          `the readiness probe checks port ${port}, but Service ${target.service.name} sends traffic to ${target.port}: readiness says nothing about the port that serves`,
        ),
      );
  }
  return out;
}
