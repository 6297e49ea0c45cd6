/**
 * cost: a monthly estimate per component and in total, from what the plan requests
 * (CPU and memory requests × replicas, claimed storage) priced at the environment's rates,
 * plus fixed items such as the ingress load balancer. The assumptions are listed with it.
 */
import type { Cost, NodeOf } from '../../model/plan';
import { decision, type Skill } from '../skill';
import { nodesOfKind, parseCpu, parseMemory } from './common';

const ID = 'cost';

const round = (n: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

export const costSkill: Skill = {
  id: ID,
  needs: ['backup', 'data-services', 'exposure', 'scaling', 'workloads'],
  description:
    'Monthly cost estimate per component and in total from requests and the environment rates.',
  run(input) {
    const { app, env } = input;
    const rates = env.cost;
    const autoscalers = new Map(
      nodesOfKind(input, 'autoscaler').map((a) => [a.spec.target.name, a]),
    );
    const totals = new Map<
      string,
      { cpu: number; mem: number; storage: number; maxExtra: number }
    >();
    const line = (c: string): { cpu: number; mem: number; storage: number; maxExtra: number } =>
      totals.get(c) ?? totals.set(c, { cpu: 0, mem: 0, storage: 0, maxExtra: 0 }).get(c)!;

    for (const w of nodesOfKind(input, 'workload')) {
      const c = w.component ?? w.name;
      const hpa: NodeOf<'autoscaler'> | undefined = autoscalers.get(w.name);
      const replicas = w.spec.replicas ?? hpa?.spec.minReplicas ?? 1;
      const t = line(c);
      for (const k of w.spec.template.containers) {
        const cpu = parseCpu(k.resources.requests.cpu) / 1000;
        const mem = parseMemory(k.resources.requests.memory) / 1024;
        t.cpu += cpu * replicas;
        t.mem += mem * replicas;
        if (hpa)
          t.maxExtra +=
            (hpa.spec.maxReplicas - replicas) *
            (cpu * rates.cpuCoreMonth + mem * rates.memoryGiBMonth);
      }
      for (const v of w.spec.volumeClaims ?? [])
        t.storage += (parseMemory(v.storage) / 1024) * replicas;
    }
    for (const v of nodesOfKind(input, 'volume'))
      line(v.component ?? v.name).storage += parseMemory(v.spec.storage) / 1024;

    const lines = [...totals.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([component, t]) => ({
        component,
        cpuCores: round(t.cpu, 3),
        memoryGiB: round(t.mem, 3),
        storageGiB: round(t.storage, 3),
        monthly: round(
          t.cpu * rates.cpuCoreMonth +
            t.mem * rates.memoryGiBMonth +
            t.storage * rates.storageGiBMonth,
          2,
        ),
      }));
    const routes = nodesOfKind(input, 'route');
    const fixed = routes.length
      ? [
          {
            item: `ingress load balancer (shared by ${routes.length} route${routes.length > 1 ? 's' : ''})`,
            monthly: round(rates.loadBalancerMonth, 2),
          },
        ]
      : [];
    const totalMonthly = round(
      lines.reduce((s, l) => s + l.monthly, 0) + fixed.reduce((s, f) => s + f.monthly, 0),
      2,
    );
    const burst = round(
      [...totals.values()].reduce((s, t) => s + t.maxExtra, 0),
      2,
    );
    const externals = app.externalServices.map((s) => s.id).sort();
    const assumptions = [
      `rates per month: ${rates.cpuCoreMonth} ${rates.currency} per requested CPU core, ${rates.memoryGiBMonth} per GiB of memory, ${rates.storageGiBMonth} per GiB of storage, ${rates.loadBalancerMonth} per load balancer`,
      'priced on requests, not usage: what the scheduler reserves is what the nodes must provide',
      ...(autoscalers.size
        ? [
            `autoscaled workloads are counted at their minimum replicas; at maximum they add up to ${burst} ${rates.currency}`,
          ]
        : []),
      ...(env.rollout === 'blue-green'
        ? [
            'blue-green: both colours are counted while the standby colour keeps the previous release',
          ]
        : []),
      'Jobs and CronJobs (migrations, backups) run briefly and are not counted',
      ...(externals.length
        ? [
            `external services are billed by their providers and not included: ${externals.join(', ')}`,
          ]
        : []),
    ];
    const cost: Cost = { currency: rates.currency, lines, fixed, totalMonthly, assumptions };
    return {
      sections: { cost },
      decisions: [
        decision(
          ID,
          'environment',
          'cost estimate',
          `${totalMonthly} ${rates.currency} per month`,
          `sum of ${lines.length} component line(s) and ${fixed.length} fixed item(s) at ${env.name}'s rates; see the assumptions`,
          [],
        ),
      ],
    };
  },
};
