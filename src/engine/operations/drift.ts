/**
 * Drift: a refresh preview of a cluster stack, reported as the resources changed or deleted
 * out of band and, for each, the fields that differ. Changes nothing; `up` corrects it.
 */
import type { EngineEvent } from '@pulumi/pulumi/automation';
import type { Environment } from '../../model/environment';
import type { DriftResult } from '../../model/operations';
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
    const stack = await core.openDeployed(project, env);
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
    const resources = [...seen.values()]
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
