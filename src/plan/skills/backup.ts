/**
 * backup: CronJobs that back up in-cluster stateful data to a claim of their own, on the
 * environment's schedule and retention, with the network allows they need; and the
 * recovery plan: what is backed up, the objectives (RPO/RTO) and a step-by-step runbook.
 */
import type { Component } from '../../model/app';
import type { Environment } from '../../model/environment';
import type { NetworkRule, NodeOf, PodVolume, RecoveryPlan } from '../../model/plan';
import { decision, type Skill, type SkillContribution } from '../skill';
import {
  dataComponents,
  dataEngine,
  formatMemory,
  parseMemory,
  podLabels,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  selectorLabels,
  serviceHost,
} from './common';
import { dataServiceImage, dataSpec } from './data-catalog';
import { ephemeralStorage } from './ephemeral-storage';

const ID = 'backup';

/** The backup claim holds several dumps: twice the data claim. */
const BACKUP_CLAIM_FACTOR = 2;

/** Scratch space of a backup pod: the dump goes to its claim, /tmp only holds tool temp files. */
const BACKUP_TMP: PodVolume = { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } };

/** The interval of a simple cron schedule in seconds, or `undefined` when it is not a plain repeat. */
export function scheduleSeconds(schedule: string): number | undefined {
  const [min, hour, dom, mon, dow] = schedule.trim().split(/\s+/);
  if (dom !== '*' || mon !== '*' || dow !== '*') return undefined;
  if (/^\d+$/.test(min ?? '') && hour === '*') return 3600;
  const everyH = /^\*\/(\d+)$/.exec(hour ?? '');
  if (/^\d+$/.test(min ?? '') && everyH) return Number(everyH[1]) * 3600;
  const everyM = /^\*\/(\d+)$/.exec(min ?? '');
  if (everyM && hour === '*') return Number(everyM[1]) * 60;
  if (/^\d+$/.test(min ?? '') && /^\d+$/.test(hour ?? '')) return 24 * 3600;
  return undefined;
}

/** The interval of a simple cron schedule in words, for the RPO. */
export function scheduleInterval(schedule: string): string {
  const seconds = scheduleSeconds(schedule);
  if (seconds === undefined) return `one interval of "${schedule}"`;
  if (seconds % 3600 === 0) return seconds === 3600 ? '1 hour' : `${seconds / 3600} hours`;
  return `${seconds / 60} minutes`;
}

/** The latest a missed backup may still start: one hour after its scheduled time. */
export const MAX_STARTING_DEADLINE_SECONDS = 3600;

/**
 * How late a missed backup may still start (`startingDeadlineSeconds`): half its interval, at
 * most an hour, and an hour for schedules that are not a plain repeat. A run missed by more
 * (controller down, cluster upgrade) is skipped and the next scheduled one takes over, so a
 * dump never starts at a random time after an outage, and the CronJob controller, which gives
 * up on a CronJob with more than 100 missed runs and no deadline, keeps scheduling it.
 */
export function startingDeadlineSeconds(schedule: string): number {
  const interval = scheduleSeconds(schedule);
  return interval === undefined
    ? MAX_STARTING_DEADLINE_SECONDS
    : Math.max(10, Math.min(MAX_STARTING_DEADLINE_SECONDS, Math.floor(interval / 2)));
}

function backupJob(
  app: Parameters<Skill['run']>[0]['app'],
  env: Environment,
  d: Component,
): {
  nodes: Array<NodeOf<'cron-job'> | NodeOf<'volume'> | NodeOf<'network-policy'>>;
  method: string;
} {
  const engine = dataEngine(d)!;
  const spec = dataSpec(engine, d);
  const name = `${d.name}-backup`;
  const tier = env.components[d.name]?.tier ?? env.tier;
  const storage = formatMemory(parseMemory(spec.storage[tier]) * BACKUP_CLAIM_FACTOR);
  const port = spec.backup.port;
  const disk = ephemeralStorage([BACKUP_TMP], tier, true);
  const rule = (peer: string): NetworkRule => ({
    peers: [{ pods: selectorLabels(app, env, peer) }],
    ports: [{ port, protocol: 'TCP' }],
    reason: `backup of ${d.name} (${spec.backup.method})`,
  });
  const base = { component: d.name, skill: ID, after: [], dependsOn: [] };
  return {
    method: spec.backup.method,
    nodes: [
      {
        ...base,
        id: `volume/${name}`,
        kind: 'volume',
        name,
        spec: {
          storage,
          accessModes: ['ReadWriteOnce'],
          ...(env.storageClass !== undefined ? { storageClass: env.storageClass } : {}),
        },
      },
      {
        ...base,
        id: `cron-job/${name}`,
        kind: 'cron-job',
        name,
        after: [
          {
            node: `workload/${d.name}`,
            reason: `there is nothing to back up before ${d.name} runs`,
          },
        ],
        spec: {
          schedule: env.backup.schedule,
          concurrencyPolicy: 'Forbid',
          startingDeadlineSeconds: startingDeadlineSeconds(env.backup.schedule),
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 3,
          job: {
            backoffLimit: 2,
            activeDeadlineSeconds: 3600,
            ttlSecondsAfterFinished: 86400,
            template: {
              labels: podLabels(app, env, name, 'backup'),
              annotations: {},
              serviceAccount: d.name,
              automountServiceAccountToken: false,
              securityContext: restrictedPodSecurityContext(),
              containers: [
                {
                  name: 'backup',
                  image: env.components[d.name]?.image ?? dataServiceImage(app, d)!,
                  command: ['sh', '-c', spec.backup.script],
                  ports: [],
                  env: [
                    { name: 'HOST', value: serviceHost(env, d.name) },
                    { name: 'RETENTION_DAYS', value: String(env.backup.retentionDays) },
                    {
                      name: spec.backup.passwordEnv,
                      secret: { name: d.name, key: spec.passwordEnv[0]! },
                    },
                  ].sort((a, b) => (a.name < b.name ? -1 : 1)),
                  resources: {
                    requests: { cpu: '50m', memory: '128Mi', 'ephemeral-storage': disk.request },
                    limits: { cpu: '500m', memory: '256Mi', 'ephemeral-storage': disk.limit },
                  },
                  probes: {},
                  securityContext: restrictedContainerSecurityContext(true),
                  volumeMounts: [
                    { name: 'backup', mountPath: '/backup' },
                    { name: 'tmp', mountPath: '/tmp' },
                  ],
                },
              ],
              initContainers: [],
              volumes: [{ name: 'backup', claim: { claimName: name } }, BACKUP_TMP],
              topologySpread: [],
              terminationGracePeriodSeconds: 30,
              restartPolicy: 'Never',
            },
          },
        },
      },
      // Backup pods reach only the service they back up; the service accepts them explicitly.
      {
        ...base,
        id: `network-policy/${name}`,
        kind: 'network-policy',
        name,
        spec: {
          podSelector: selectorLabels(app, env, name),
          policyTypes: ['Egress'],
          ingress: [],
          egress: [rule(d.name)],
        },
      },
      {
        ...base,
        id: `network-policy/${d.name}-allow-backup`,
        kind: 'network-policy',
        name: `${d.name}-allow-backup`,
        spec: {
          podSelector: selectorLabels(app, env, d.name),
          policyTypes: ['Ingress'],
          ingress: [rule(name)],
          egress: [],
        },
      },
    ],
  };
}

export const backupSkill: Skill = {
  id: ID,
  needs: ['data-services', 'secrets', 'security'],
  description:
    'Backup CronJobs for in-cluster state, retention per environment, and the recovery runbook.',
  run({ app, env }) {
    const out: Required<Pick<SkillContribution, 'decisions' | 'warnings'>> & {
      nodes: Array<NodeOf<'cron-job'> | NodeOf<'volume'> | NodeOf<'network-policy'>>;
    } = { nodes: [], decisions: [], warnings: [] };
    const backups: RecoveryPlan['backups'] = [];
    const runbook: string[] = [];
    const interval = scheduleInterval(env.backup.schedule);
    const stateful = dataComponents(app, env).filter((d) => dataEngine(d) !== undefined);

    for (const d of stateful) {
      const { nodes, method } = backupJob(app, env, d);
      out.nodes.push(...nodes);
      backups.push({
        component: d.name,
        node: `cron-job/${d.name}-backup`,
        schedule: env.backup.schedule,
        retentionDays: env.backup.retentionDays,
        method,
      });
      out.decisions.push(
        decision(
          ID,
          d.name,
          'backup',
          `${method}, "${env.backup.schedule}", kept ${env.backup.retentionDays} days on claim ${d.name}-backup`,
          `${d.name} keeps state in the cluster; a dump every ${interval} bounds what a lost claim costs, and ${env.name} keeps ${env.backup.retentionDays} days of them`,
          ['volume snapshots (needs a CSI snapshot class)', 'no backup'],
        ),
        decision(
          ID,
          d.name,
          'missed backups',
          `start at most ${startingDeadlineSeconds(env.backup.schedule)}s late (startingDeadlineSeconds), else skip to the next run`,
          `a run missed while the CronJob controller was down starts only within ${scheduleSeconds(env.backup.schedule) === undefined ? 'an hour' : `half its interval of ${interval}, at most an hour`}; a later one would dump at an arbitrary time and crowd the next run, and without any deadline the controller stops scheduling a CronJob after 100 missed runs`,
          ['no deadline (start whenever the controller catches up)'],
        ),
      );
      runbook.push(`Restore ${d.name}: ${dataSpec(dataEngine(d)!, d).backup.restore}.`);
    }
    for (const s of app.externalServices
      .filter((x) => x.kind === 'postgres')
      .sort((a, b) => (a.id < b.id ? -1 : 1))) {
      const neon = s.provider === 'neon';
      out.decisions.push(
        decision(
          ID,
          s.id,
          'backup',
          neon ? 'Neon point-in-time restore (history retention)' : `${s.provider} managed backups`,
          `${s.id} is managed outside the cluster; its provider keeps the history, stackpilot adds no dump job`,
          ['pg_dump CronJob to a claim'],
        ),
      );
      runbook.push(
        neon
          ? `Restore ${s.id}: in Neon, restore the branch to a point in time (or create a branch at that time), then update secrets:DATABASE_URL and the direct URL if the host changed, and re-apply.`
          : `Restore ${s.id}: use ${s.provider}'s point-in-time restore, then update the connection secret and re-apply.`,
      );
    }
    if (!stateful.length && !app.externalServices.some((x) => x.kind === 'postgres'))
      out.decisions.push(
        decision(
          ID,
          'environment',
          'backup',
          'none',
          'no stateful data in the cluster or in a managed database',
          [],
        ),
      );

    const hasState = stateful.length > 0;
    runbook.unshift(
      `Application: roll back with \`stackpilot rollback --env ${env.name}\`; the workloads are stateless and come back from their images.`,
      'Secrets: generated passwords live (encrypted) in the Pulumi state; back up the state backend, because a new stack generates new passwords that no restored data will match.',
    );
    if (hasState)
      runbook.push(
        'Backups sit on claims in the same cluster: copy them off-cluster (object storage, Velero) to survive losing the cluster itself.',
        'After any restore: check the readiness of every component, then run the smoke tests before reopening traffic.',
      );
    const recovery: RecoveryPlan = {
      backups,
      objectives: {
        rpo: hasState
          ? `up to ${interval} for in-cluster data (the backup interval)${app.externalServices.some((x) => x.provider === 'neon') ? '; seconds for Neon (point-in-time restore)' : ''}`
          : app.externalServices.some((x) => x.kind === 'postgres')
            ? 'as the managed database provides (Neon: seconds, within its history window)'
            : 'no persistent data',
        rto: hasState
          ? 'about 30 minutes: restore job, pod restart and verification'
          : 'about 10 minutes: redeploy from images',
      },
      runbook,
    };
    out.nodes.sort((a, b) => (a.id < b.id ? -1 : 1));
    return { ...out, sections: { recovery } };
  },
};
