/**
 * rollout-stuck: a Deployment whose rollout passed its progress deadline. The new ReplicaSet's
 * pods say why (their own finding carries their fix); rolling back restores the last good plan
 * meanwhile.
 */
import type { Finding } from '../../model/diagnosis';
import type { PodSnapshot, WorkloadSnapshot } from '../../model/snapshot';
import { ref, type DiagnoseContext } from '../context';
import { conditionEvidence } from '../evidence';
import { commandFix, rollbackCommand } from '../fixes';
import { componentOf, decisionOf, workloadNode } from '../link';
import { timedOutReplicaSet } from '../messages';
import { isReady } from '../pods';
import { configMissing } from './config-missing';
import { crashLoop } from './crash-loop';
import { imagePull } from './image-pull';
import { oomKilled } from './oom-killed';
import { probeMismatch } from './probe-mismatch';
import { readiness } from './readiness';
import { unschedulable } from './unschedulable';

/** The detectors of what keeps a Deployment's pods from becoming ready. */
const POD_DETECTORS = [
  oomKilled,
  crashLoop,
  imagePull,
  configMissing,
  unschedulable,
  probeMismatch,
  readiness,
];

/** One finding per Deployment with Progressing=False (ProgressDeadlineExceeded). */
export function rolloutStuck(ctx: DiagnoseContext): Finding[] {
  const stuck = ctx.snap.workloads.filter((w) => w.kind === 'Deployment' && deadlineExceeded(w));
  if (!stuck.length) return [];
  const pods = POD_DETECTORS.flatMap((d) => d(ctx));
  return stuck.map((w) => finding(ctx, w, pods)).filter((f): f is Finding => f !== undefined);
}

function deadlineExceeded(w: WorkloadSnapshot) {
  return w.conditions.find(
    (c) =>
      c.type === 'Progressing' && c.status === 'False' && c.reason === 'ProgressDeadlineExceeded',
  );
}

function finding(
  ctx: DiagnoseContext,
  w: WorkloadSnapshot,
  podFindings: Finding[],
): Finding | undefined {
  const progressing = deadlineExceeded(w);
  if (!progressing) return undefined;
  const object = ref(ctx, 'Deployment', w.name);
  const own = podFindings.filter((f) => f.object === object);
  const fixed = own.find((f) => f.fix);
  const rs = timedOutReplicaSet(progressing.message ?? '');
  const pods = ctx.snap.pods.filter(
    (p) => !p.deleting && p.owner?.kind === 'ReplicaSet' && p.owner.name === rs,
  );
  const component = componentOf(ctx.plan, 'Deployment', w.name, pods[0]?.labels);
  const deadline = workloadNode(ctx.plan, w.name)?.spec.progressDeadlineSeconds;
  const decision = decisionOf(
    ctx.plan,
    component,
    ['rollout', 'update strategy'],
    ['rollout', 'rollout strategy'],
  );
  return {
    class: 'rollout-stuck',
    ...(component ? { component } : {}),
    object,
    evidence: [
      conditionEvidence(progressing),
      `status: ${w.updated} updated, ${w.ready} ready, ${w.available} available of ${w.desired} desired`,
      ...(rs ? [`new ReplicaSet ${rs} pods: ${pods.map(describe).join(', ') || '(none)'}`] : []),
    ],
    cause: `the rollout passed its progress deadline${deadline ? ` of ${deadline}s` : ''}: ${
      rs
        ? `the pods of the new ReplicaSet ${rs} ${pods.length ? 'do not become ready' : 'were never created'}`
        : 'the new pods do not become ready'
    }; ${
      own.length
        ? `the ${[...new Set(own.map((f) => f.class))].join(' and ')} finding of this Deployment says why`
        : 'their events and logs say why'
    }`,
    ...(decision ? { decision } : {}),
    fix: commandFix(
      rollbackCommand(ctx.project, ctx.environment),
      `${w.ready} of ${w.desired} replicas ready after the deadline${deadline ? ` (${deadline}s)` : ''}: rolling back restores the last plan that ran${fixed?.fix ? `; then fix the pods (${fixed.class}): ${fixed.fix.summary}` : ', while the pods are fixed'}`,
    ),
  };
}

function describe(p: PodSnapshot): string {
  if (isReady(p)) return `${p.name} ready`;
  const waiting = p.containers.find((c) => c.waiting)?.waiting?.reason;
  return `${p.name} ${waiting ?? p.phase}`;
}
