/**
 * migration-failed: a plan Job (the migrations of a component) that gave up after its backoff
 * limit. Its failure blocks the rollout of every workload that waits for it; its pods' exit
 * codes and log say why, and a log that names the database points to its URL secret.
 */
import type { Finding, Fix } from '../../model/diagnosis';
import type { JobSnapshot } from '../../model/snapshot';
import { ref, type DiagnoseContext } from '../context';
import { conditionEvidence, containerEvidence, logEvidence, logOf } from '../evidence';
import { explainExit } from '../exit-codes';
import { commandFix, secretsSetCommand } from '../fixes';
import {
  componentOf,
  decisionOf,
  dependentsOf,
  nodeOf,
  planContainer,
  secretConfigKey,
  templateOf,
} from '../link';
import { databaseFailure, missingEnvVar } from '../messages';
import { podsOf } from '../pods';

/** One finding per failed plan Job. */
export function migrationFailed(ctx: DiagnoseContext): Finding[] {
  return ctx.snap.jobs.map((j) => finding(ctx, j)).filter((f): f is Finding => f !== undefined);
}

function finding(ctx: DiagnoseContext, job: JobSnapshot): Finding | undefined {
  const { plan } = ctx;
  const failed = job.conditions.find((c) => c.type === 'Failed' && c.status === 'True');
  const node = nodeOf(plan, 'Job', job.name);
  if (!failed || node?.kind !== 'job') return undefined;
  const component = componentOf(plan, 'Job', job.name);
  const pods = podsOf(ctx.snap, 'Job', job.name);
  const exits = pods.flatMap((p) =>
    p.containers.map((c) => ({ pod: p, c, exit: c.terminated ?? c.lastTerminated })),
  );
  const last = [...exits].reverse().find((x) => x.exit) ?? exits.at(-1);
  const log = last ? logOf(ctx, last.pod.name, last.c.name) : undefined;
  const blocked = dependentsOf(plan, node.id)
    .filter((n) => n.kind === 'workload')
    .map((n) =>
      ref(
        ctx,
        n.kind === 'workload' && n.spec.controller === 'statefulset' ? 'StatefulSet' : 'Deployment',
        n.name,
      ),
    );
  const evidence = [
    conditionEvidence(failed),
    `status.failed: ${job.failed}${job.backoffLimit !== undefined ? ` (backoffLimit ${job.backoffLimit})` : ''}`,
    ...exits.flatMap((x) =>
      containerEvidence(x.pod.name, x.c).filter((l) => /exitCode|reason/.test(l)),
    ),
    ...logEvidence(log),
  ];
  const meaning = last?.exit ? explainExit(last.exit.exitCode, last.exit.reason) : undefined;
  const blocks = blocked.length
    ? `; it blocks the rollout of ${blocked.join(', ')}, which wait for it`
    : '';
  const decision = decisionOf(plan, component, ['workloads', 'migrations']);
  const lines = log?.lines ?? [];
  const dbKey = databaseFailure(lines)
    ? databaseSecret(ctx, node.name, missingEnvVar(lines))
    : undefined;
  const fix: Fix | undefined = dbKey
    ? commandFix(
        secretsSetCommand(ctx.project, dbKey, ctx.environment),
        `the migration's log points at its database connection, which comes from secrets:${dbKey}: set the right URL (on stdin), then \`stackpilot up\``,
      )
    : undefined;
  return {
    class: 'migration-failed',
    ...(component ? { component } : {}),
    object: ref(ctx, 'Job', job.name),
    evidence,
    cause: `the migration Job failed ${failed.reason === 'BackoffLimitExceeded' ? 'after its retries (BackoffLimitExceeded)' : `(${failed.reason ?? 'Failed'})`}${meaning ? `: ${meaning.text}` : ''}${dbKey ? ', and its log names the database connection' : fix ? '' : ': its log says why'}${blocks}`,
    ...(decision ? { decision } : {}),
    ...(fix ? { fix } : {}),
  };
}

/** The `secrets:` key behind the Job's database URL env var (the one the log names, else `*DATABASE_URL*`). */
function databaseSecret(
  ctx: DiagnoseContext,
  job: string,
  named: string | undefined,
): string | undefined {
  const node = nodeOf(ctx.plan, 'Job', job);
  const containers = templateOf(node)?.containers ?? [];
  for (const c of containers) {
    const planned = planContainer(node, c.name);
    for (const e of planned?.env ?? []) {
      if (!('secret' in e)) continue;
      if (named ? e.name !== named : !/DATABASE_URL/.test(e.name)) continue;
      const key = secretConfigKey(ctx.plan, e.secret.name, e.secret.key);
      if (key) return key;
    }
  }
  return undefined;
}
