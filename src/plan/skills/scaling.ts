/**
 * scaling: requests and limits per tier and component kind (chatbots get more memory),
 * ephemeral storage sized from the pod's scratch volumes, replicas or a
 * HorizontalPodAutoscaler (then no fixed replica count), a PodDisruptionBudget for every
 * long-running workload, and topology spread when the environment asks for it.
 */
import type { Component } from '../../model/app';
import type { Environment, Tier } from '../../model/environment';
import type { NodeOf, Resources } from '../../model/plan';
import { decision, type ComponentFacts, type Skill, type SkillContribution } from '../skill';
import { EPHEMERAL_REQUEST_SHARE, ephemeralStorage } from './ephemeral-storage';
import {
  factsOf,
  formatCpu,
  formatMemory,
  inClusterComponents,
  isDataComponent,
  isSingleton,
  parseCpu,
  parseMemory,
  selectorLabels,
} from './common';

const ID = 'scaling';

/** Medium-tier requests and limits per kind: [cpu request m, memory request Mi, cpu limit m, memory limit Mi]. */
const BASE: Record<Component['kind'], [number, number, number, number]> = {
  frontend: [100, 256, 500, 512],
  backend: [250, 512, 1000, 1024],
  // LLM clients hold whole conversations and streamed responses in memory.
  chatbot: [250, 1024, 1000, 2048],
  worker: [250, 512, 1000, 1024],
  job: [100, 256, 500, 512],
  proxy: [50, 64, 250, 128],
  cache: [100, 256, 500, 512],
  queue: [200, 512, 1000, 1024],
  database: [250, 512, 1000, 1024],
};

/** Tier multipliers on the medium numbers. */
export const TIER_FACTOR: Record<Tier, number> = { small: 0.5, medium: 1, large: 2 };

/**
 * CPU and memory requests and limits of a component in an environment, with per-component
 * overrides applied; ephemeral storage is added from the pod's volumes (see `ephemeralStorage`).
 */
export function resourcesFor(c: Component, env: Environment): Resources {
  const o = env.components[c.name];
  const f = TIER_FACTOR[o?.tier ?? env.tier];
  const [cpuReq, memReq, cpuLim, memLim] = BASE[c.kind];
  const cpu = o?.cpu !== undefined ? parseCpu(o.cpu) : Math.round(cpuReq * f);
  const mem = o?.memory !== undefined ? parseMemory(o.memory) : Math.round(memReq * f);
  // Limits keep the kind's ratio to the request; never below the request.
  const cpuLimit = Math.max(cpu, Math.round((cpu * cpuLim) / cpuReq));
  const memLimit = Math.max(mem, Math.round((mem * memLim) / memReq));
  return {
    requests: { cpu: formatCpu(cpu), memory: formatMemory(mem) },
    limits: { cpu: formatCpu(cpuLimit), memory: formatMemory(memLimit) },
  };
}

/** Replica and autoscaling settings of one component after overrides. */
export function replicaPolicy(
  c: Component,
  env: Environment,
):
  | { autoscale: false; replicas: number }
  | { autoscale: true; min: number; max: number; cpu: number } {
  const o = env.components[c.name];
  if (isDataComponent(c) || isSingleton(c)) return { autoscale: false, replicas: 1 };
  const a = { ...env.autoscaling, ...(o?.autoscaling ?? {}) };
  if (o?.replicas !== undefined && o.autoscaling?.enabled !== true)
    return { autoscale: false, replicas: o.replicas };
  if (a.enabled) {
    const min = o?.autoscaling?.minReplicas ?? Math.max(a.minReplicas, o?.replicas ?? 0);
    return { autoscale: true, min, max: Math.max(min, a.maxReplicas), cpu: a.targetCPUUtilization };
  }
  return { autoscale: false, replicas: env.replicas };
}

export const scalingSkill: Skill = {
  id: ID,
  needs: ['data-services', 'rollout', 'security'],
  description:
    'Requests/limits per tier and kind, replicas or autoscaling, disruption budgets and spread.',
  run(input) {
    const { app, env } = input;
    const out: Required<Pick<SkillContribution, 'facts' | 'decisions' | 'warnings'>> & {
      nodes: Array<NodeOf<'autoscaler'> | NodeOf<'disruption-budget'>>;
    } = { facts: {}, nodes: [], decisions: [], warnings: [] };
    for (const c of inClusterComponents(app, env)) {
      const tier = env.components[c.name]?.tier ?? env.tier;
      const written = factsOf(input, c.name);
      const disk = ephemeralStorage(
        (written.scratchVolumes ?? []).map((s) => s.volume),
        tier,
        written.securityContext?.readOnlyRootFilesystem ?? true,
      );
      const cpuMemory = resourcesFor(c, env);
      const resources: Resources = {
        requests: { ...cpuMemory.requests, 'ephemeral-storage': disk.request },
        limits: { ...cpuMemory.limits, 'ephemeral-storage': disk.limit },
      };
      const facts: Partial<ComponentFacts> = { resources, autoscaled: false, topologySpread: [] };
      out.decisions.push(
        decision(
          ID,
          c.name,
          'resources',
          `requests ${resources.requests.cpu} CPU / ${resources.requests.memory}, limits ${resources.limits.cpu} CPU / ${resources.limits.memory}`,
          `${tier} tier for a ${c.kind}${c.kind === 'chatbot' ? ' (more memory: conversations and streamed responses are held in memory)' : ''}${env.components[c.name]?.cpu || env.components[c.name]?.memory ? ', with the stack override' : ''}; requests drive scheduling and the cost estimate, limits stop one pod from starving its node`,
          ['no limits', 'guaranteed QoS (limits = requests)'],
        ),
        decision(
          ID,
          c.name,
          'ephemeral storage',
          `request ${disk.request}, limit ${disk.limit}`,
          `the limit is all the node disk the pod may write: its emptyDir scratch space plus its logs${written.securityContext?.readOnlyRootFilesystem === false ? ' plus a writable root filesystem' : ' (the root filesystem is read-only)'}, so a leak evicts this pod instead of filling the node; the ${tier} tier requests ${EPHEMERAL_REQUEST_SHARE[tier] * 100}% of it`,
          ['no ephemeral-storage limit (a full disk evicts pods of every component)'],
        ),
      );
      if (!isDataComponent(c) && c.kind === 'job') {
        out.facts[c.name] = facts;
        continue;
      }
      const policy = replicaPolicy(c, env);
      const bg = factsOf(input, c.name).blueGreen;
      const workloadName = bg ? `${c.name}-${bg.active}` : c.name;
      let replicasForSpread: number;
      if (policy.autoscale) {
        facts.autoscaled = true;
        replicasForSpread = policy.min;
        const chatbot = c.kind === 'chatbot' || c.features.streaming === true;
        out.nodes.push({
          id: `autoscaler/${c.name}`,
          kind: 'autoscaler',
          name: c.name,
          component: c.name,
          skill: ID,
          after: [],
          dependsOn: [],
          spec: {
            target: { kind: 'Deployment', name: workloadName },
            minReplicas: policy.min,
            maxReplicas: policy.max,
            cpuUtilization: policy.cpu,
            ...(chatbot ? { memoryUtilization: 80 } : {}),
            // Scale down slowly: streams in flight finish and traffic spikes do not flap.
            scaleDownStabilizationSeconds: chatbot ? 600 : 300,
          },
        });
        out.decisions.push(
          decision(
            ID,
            c.name,
            'replicas',
            `autoscaled ${policy.min}-${policy.max} at ${policy.cpu}% CPU${chatbot ? ' or 80% memory' : ''}; no fixed replica count`,
            `${env.name} autoscales; the Deployment leaves replicas to the HPA so that an apply does not reset what the HPA chose${c.kind === 'worker' ? '; queue length (KEDA) would track backlog better than CPU' : ''}`,
            ['fixed replicas', 'KEDA on queue length'],
          ),
        );
      } else {
        facts.replicas = policy.replicas;
        replicasForSpread = policy.replicas;
        out.decisions.push(
          decision(
            ID,
            c.name,
            'replicas',
            String(policy.replicas),
            isDataComponent(c)
              ? 'an in-cluster data service runs one instance: replication needs an operator or a managed service'
              : isSingleton(c)
                ? `${c.name} is a scheduler (${c.startCommand}): a second copy would fire every scheduled task twice`
                : env.components[c.name]?.replicas !== undefined
                  ? 'set per component in the stack'
                  : `${env.name} runs ${env.replicas} replica(s) per component without autoscaling`,
            ['autoscaling'],
          ),
        );
      }
      if (replicasForSpread > 0) {
        const multi = policy.autoscale || replicasForSpread > 1;
        out.nodes.push({
          id: `disruption-budget/${c.name}`,
          kind: 'disruption-budget',
          name: c.name,
          component: c.name,
          skill: ID,
          after: [],
          dependsOn: [],
          spec: {
            selector: selectorLabels(app, env, c.name),
            ...(multi ? { minAvailable: '50%' } : { maxUnavailable: 1 }),
          },
        });
        out.decisions.push(
          decision(
            ID,
            c.name,
            'disruption budget',
            multi ? 'minAvailable 50%' : 'maxUnavailable 1',
            multi
              ? 'node drains and upgrades evict at most half the pods at a time, so the component keeps serving'
              : 'a single replica cannot stay up through a drain; maxUnavailable 1 states that explicitly instead of a budget that would block the drain forever',
            multi
              ? ['maxUnavailable 1', 'no budget']
              : ['minAvailable 1 (blocks drains)', 'no budget'],
          ),
        );
      }
      if (env.spread && replicasForSpread > 1) {
        facts.topologySpread = [
          { topologyKey: 'kubernetes.io/hostname', maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule' },
          {
            topologyKey: 'topology.kubernetes.io/zone',
            maxSkew: 1,
            whenUnsatisfiable: 'ScheduleAnyway',
          },
        ];
        out.decisions.push(
          decision(
            ID,
            c.name,
            'spread',
            'across nodes (required) and zones (preferred)',
            'losing one node never takes all replicas; zones are preferred only, because clusters without zone labels would otherwise leave pods pending',
            ['pod anti-affinity', 'no spread'],
          ),
        );
      }
      out.facts[c.name] = facts;
    }
    out.nodes.sort((a, b) => (a.id < b.id ? -1 : 1));
    return out;
  },
};
