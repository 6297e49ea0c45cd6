/**
 * The helm binary `scripts/setup-checkers.sh` builds, and the charts of every test plan: the
 * plans of one app (dev, staging, prod) make one chart, written once per test process.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { buildChart, writeChart, type Chart } from '../../../src/chart';
import type { DeploymentPlan } from '../../../src/model/plan';
import { CHECKERS_DIR } from '../../unit/program/support/checkers';
import type { Manifest } from '../../unit/program/support/manifests';
import { allPlans } from '../../unit/program/support/plans';

/** The helm binary of the checkers set-up. */
export const HELM = path.join(CHECKERS_DIR, 'bin/helm');

/** Fails, naming the set-up, when helm is not built (never a skip). */
export function assertHelm(): void {
  assert.ok(fs.existsSync(HELM), `${HELM} not found: run \`npm run setup\``);
}

/** Runs helm; returns its exit status and output. */
export function helm(args: readonly string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(HELM, args, { encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** One app's plans and the chart written from them. */
export interface ChartCase {
  /** The plans' label without the environment, e.g. `fixture:compose-microservices`. */
  label: string;
  plans: DeploymentPlan[];
  chart: Chart;
  dir: string;
}

let cases: Promise<ChartCase[]> | undefined;

/** The charts of every test plan, grouped by app; written under a temporary directory. */
export function chartCases(): Promise<ChartCase[]> {
  cases ??= (async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'stackpilot-charts-'));
    process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));
    const groups = new Map<string, DeploymentPlan[]>();
    for (const { label, plan } of (await allPlans()).plans) {
      const app = label.slice(0, label.lastIndexOf('/'));
      groups.set(app, [...(groups.get(app) ?? []), plan]);
    }
    return [...groups].map(([label, plans], i) => {
      const chart = buildChart(plans);
      const dir = writeChart(chart, path.join(root, `${i}-${chart.name}`));
      return { label, plans, chart, dir };
    });
  })();
  return cases;
}

/** What `helm template` prints for one environment of a chart case. */
export function template(
  c: ChartCase,
  plan: DeploymentPlan,
  extra: readonly string[] = [],
): { status: number; stdout: string; stderr: string } {
  return helm([
    'template',
    c.chart.releaseName(plan.environment),
    c.dir,
    '-n',
    plan.namespace,
    '-f',
    path.join(c.dir, `values-${plan.environment}.yaml`),
    ...extra,
  ]);
}

/** The objects of `helm template` output (empty documents dropped). */
export function objectsOf(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null && typeof m === 'object');
}

/** `Kind/name` of an object. */
export function keyOf(m: Manifest): string {
  return `${m.kind}/${m.metadata.name}`;
}
