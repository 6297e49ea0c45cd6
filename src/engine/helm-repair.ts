/**
 * The Release's description, and putting back hand changes inside a helm-delivered stack's
 * release. The description names the chart's digest (`helm-delivery.ts`), so a changed chart
 * is an upgrade. Under manifest delivery `up` also refreshes first and every object is a
 * Pulumi resource, so what was changed by hand is applied again; a Release is one resource
 * whose refresh reads Helm's record, not the objects, and an unchanged chart would never reach
 * Helm. So an up of the chart the stack already runs compares the release's objects with the
 * plan (`chart-drift.ts`) and, when some differ, adds `, repair N` to the description: Helm
 * then upgrades the same chart, and its three-way merge puts every declared field back (and
 * creates a deleted object again), as an upgrade of a changed chart does by itself.
 *
 * The description must stay as it is on the next up, or that up would upgrade again for
 * nothing: the engine keeps it, with the chart's digest, in a small record beside the chart
 * (`<state>/charts/<app>/<env>.release.json`). A lost or stale record costs one Helm revision
 * that changes nothing, never a wrong object.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { ClusterTarget, Environment } from '../model/environment';
import type { DeploymentPlan } from '../model/plan';
import { chartDrift } from './chart-drift';
import type { StateLayout } from './state';
import { writeFileAtomic } from './write-file-atomic';

/** What the engine remembers of a stack's release after each successful up or rollback. */
const ReleaseRecordSchema = z.object({ chart: z.string(), description: z.string() });
/** The digest of the chart a release last installed and the description it carries. */
export type ReleaseRecord = z.infer<typeof ReleaseRecordSchema>;

/** What an operation's Release carries, and the warning to show when it puts objects back. */
export interface ReleaseIntent {
  record: ReleaseRecord;
  warning?: string;
}

function recordFile(layout: StateLayout, project: string, environment: string): string {
  return join(layout.chartsDir, project, `${environment}.release.json`);
}

/** The stack's release record; undefined when there is none or it cannot be read. */
export function readReleaseRecord(
  layout: StateLayout,
  project: string,
  environment: string,
): ReleaseRecord | undefined {
  const file = recordFile(layout, project, environment);
  if (!existsSync(file)) return undefined;
  try {
    return ReleaseRecordSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return undefined;
  }
}

/** Keeps what a successful up or rollback installed. */
export function writeReleaseRecord(
  layout: StateLayout,
  project: string,
  environment: string,
  record: ReleaseRecord,
): void {
  writeFileAtomic(recordFile(layout, project, environment), `${JSON.stringify(record)}\n`);
}

/**
 * The Release `plan`, whose chart has digest `chart`, gets on `env`'s stack. A new chart
 * gets `stackpilot chart <digest>`. The chart already installed keeps its description, unless
 * `repair` is on and objects of the release differ from the plan on the cluster: then the
 * next repair number makes Helm put them back. `repair` is off where the operation must do
 * exactly what a saved preview showed, as an up held to an approved preview is not refreshed
 * under manifest delivery either.
 */
export async function releaseIntent(
  layout: StateLayout,
  plan: DeploymentPlan,
  env: Environment,
  chart: string,
  repair: boolean,
): Promise<ReleaseIntent> {
  const base = `stackpilot chart ${chart.slice(0, 'sha256:'.length + 16)}`;
  const previous = readReleaseRecord(layout, plan.app, env.name);
  if (previous?.chart !== chart) return { record: { chart, description: base } };
  if (!repair || env.target.kind !== 'cluster') return { record: previous };
  const drifted = await chartDrift(plan, env.target as ClusterTarget);
  if (!drifted.length) return { record: previous };
  const round = Number(/, repair (\d+)$/.exec(previous.description)?.[1] ?? 0) + 1;
  const what = drifted
    .map(
      (d) => `${d.name} (${d.fields.length ? d.fields.map((f) => f.path).join(', ') : 'deleted'})`,
    )
    .join('; ');
  return {
    record: { chart, description: `${base}, repair ${round}` },
    warning: `the Helm release is upgraded again to put back objects that differ from the plan on the cluster: ${what}`,
  };
}
