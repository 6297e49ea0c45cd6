/**
 * Drift: a refresh preview of a cluster stack, reported as the resources changed or deleted
 * out of band and, for each, the fields that differ. Changes nothing; `up` corrects it. A
 * helm-delivered stack's refresh sees its out-of-chart resources and the Release (deleted
 * when someone uninstalled it), not the objects inside the release: those are read from the
 * cluster and compared with the deployed plan (`chart-drift.ts`).
 */
import type { EngineEvent } from '@pulumi/pulumi/automation';
import type { ClusterTarget, Environment } from '../../model/environment';
import type { DriftResult } from '../../model/operations';
import { chartDrift } from '../chart-drift';
import type { DeployOptions, EngineCore } from '../core';
import { driftFields } from '../drift-diff';
import { urnName } from '../events';
import { requireCluster } from './whole-stack';

/** Compares the stack's record of every resource with the live cluster. */
export async function drift(
  core: EngineCore,
  project: string,
  env: Environment,
  options: DeployOptions = {},
): Promise<DriftResult> {
  requireCluster(env, 'compare with');
  return core.exclusive(project, env.name, async () => {
    const { stack, plan } = await core.openDeployedPlan(project, env);
    const seen = new Map<string, DriftResult['resources'][number] | undefined>();
    const onEvent = (event: EngineEvent): void => {
      const m = event.resourcePreEvent?.metadata ?? event.resOutputsEvent?.metadata;
      if (!m || m.type.startsWith('pulumi:')) return;
      const entry =
        m.old && !m.new
          ? { change: 'deleted' as const, type: m.type, name: urnName(m.urn), fields: [] }
          : fieldsEntry(m.type, m.urn, m.old?.inputs, m.old?.outputs, m.new?.outputs);
      // The outputs event comes last and knows most; a resource unchanged there is not drift.
      if (entry || event.resOutputsEvent) seen.set(m.urn, entry);
    };
    await core.call(project, env.name, [], () =>
      stack.previewRefresh({ onEvent, ...(options.signal ? { signal: options.signal } : {}) }),
    );
    const inChart =
      plan && env.delivery === 'helm' ? await chartDrift(plan, env.target as ClusterTarget) : [];
    const resources = [...seen.values(), ...inChart]
      .filter((r): r is DriftResult['resources'][number] => r !== undefined)
      .sort((a, b) => a.name.localeCompare(b.name));
    return { project, environment: env.name, drifted: resources.length > 0, resources };
  });
}

function fieldsEntry(
  type: string,
  urn: string,
  declared: Record<string, unknown> | undefined,
  old: Record<string, unknown> | undefined,
  live: Record<string, unknown> | undefined,
): DriftResult['resources'][number] | undefined {
  const fields = driftFields(type, declared, old, live);
  return fields.length ? { change: 'changed', type, name: urnName(urn), fields } : undefined;
}
