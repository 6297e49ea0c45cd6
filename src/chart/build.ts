/**
 * Plans of one app → its Helm chart. Every environment's objects are the program's own
 * (`objects.ts`); objects are matched across environments by plan node, each becomes one
 * template document (`tree.ts`, `emit.ts`) tuned under `.Values.<group>.<name>`, and the
 * values of each environment are exactly what makes the chart template that environment's
 * objects, so `helm template -f values-<env>.yaml` and `stackpilot render --env <env>` agree.
 */
import { InputError } from '../model/errors';
import { instanceName, type DeploymentPlan } from '../model/plan';
import { chartFiles } from './files';
import { isMap, jsonEqual, type Json, type JsonMap } from './json';
import { chartObjects, type ChartObject } from './objects';
import { chartSchema } from './schema';
import { documentText } from './document';
import { tokenize, type EnvNames } from './tokens';
import { buildTree } from './tree';
import { envValues, overlay, type Leaf } from './values';

/** A chart, as files, with what the engine needs to install it. */
export interface Chart {
  /** The chart name: the app name. */
  name: string;
  /** Environments, in the order given; the first one's values are `values.yaml`. */
  environments: string[];
  /** Chart-relative path → content, sorted by path. */
  files: Record<string, string>;
  /** The complete values of each environment (what `-f values-<env>.yaml` amounts to). */
  values: Record<string, JsonMap>;
  /** The release name of an environment: its instance label value, cut to Helm's 53 characters. */
  releaseName(environment: string): string;
}

/** One object across environments. */
interface ObjectAcross {
  nodeId: string;
  /** Per environment index: the object there, or undefined. */
  byEnv: (ChartObject | undefined)[];
}

/** The image of the `helm test` pod: busybox, for its `nc`. */
const TEST_IMAGE = { repository: 'busybox', tag: '1.37.0' };

/** Values groups in the order `values.yaml` lists them. */
const GROUP_ORDER = [
  'workloads',
  'jobs',
  'cronJobs',
  'services',
  'ingresses',
  'autoscalers',
  'disruptionBudgets',
  'volumes',
  'configMaps',
  'serviceAccounts',
  'networkPolicies',
  'serviceMonitors',
];

/**
 * Builds the chart of `plans` (one per environment, all of one app). Throws an InputError when
 * the plans are of different apps or repeat an environment.
 */
export function buildChart(plans: readonly DeploymentPlan[]): Chart {
  validate(plans);
  const app = plans[0]!.app;
  const environments = plans.map((p) => p.environment);
  const objects = plans.map(chartObjects);
  const across = matchObjects(objects);
  const secretNames = new Set(
    plans.flatMap((p) => p.nodes.filter((n) => n.kind === 'secret').map((n) => n.name)),
  );
  const leaves: Leaf[] = globalLeaves(plans, across, secretNames);
  const documents = new Map<string, string[]>();
  const podLabels: { [key: string]: string }[] = [];
  for (const obj of across) {
    const t = objectTemplate(obj, plans, secretNames);
    leaves.push(...t.leaves);
    podLabels.push(...t.podLabels);
    documents.set(t.file, [...(documents.get(t.file) ?? []), t.text]);
  }
  leaves.sort((a, b) => groupRank(a.path[0]!) - groupRank(b.path[0]!));
  const values = Object.fromEntries(environments.map((e, i) => [e, envValues(leaves, i)]));
  const base = values[environments[0]!]!;
  const overlays = Object.fromEntries(
    environments.map((e) => [e, overlay(base, values[e]!)] as const),
  );
  const releaseName = (environment: string) =>
    instanceName(app, environment).slice(0, 53).replace(/-+$/, '');
  const files = chartFiles({
    releaseName,
    plans,
    documents,
    base,
    overlays,
    schema: chartSchema(leaves, environments.length),
    services: across.flatMap((o) => serviceOf(o)),
    podLabels: commonLabels(podLabels),
    secrets: secretKeys(plans),
  });
  return { name: app, environments, files, values, releaseName };
}

/**
 * One object's template document, the values it reads (with its `enabled` switch) per
 * environment, and the labels of its pod template in each environment where it exists.
 */
function objectTemplate(
  obj: ObjectAcross,
  plans: readonly DeploymentPlan[],
  secrets: ReadonlySet<string>,
): { file: string; text: string; leaves: Leaf[]; podLabels: { [key: string]: string }[] } {
  const app = plans[0]!.app;
  const present = obj.byEnv.flatMap((o, i) => (o ? [i] : []));
  const first = obj.byEnv[present[0]!]!;
  const raw = present.map((i) => obj.byEnv[i]!.body as Json);
  const tokenized = present.map((i) => tokenize(obj.byEnv[i]!.body, namesOf(plans[i]!)));
  const { tree, lifts } = buildTree({ kind: first.info.kind, app, secrets }, tokenized, raw);
  const namespace = first.nodeKind === 'namespace';
  const root = namespace ? ['namespace'] : [first.info.group, first.name];
  const leaves: Leaf[] = namespace
    ? []
    : [{ path: [...root, 'enabled'], values: obj.byEnv.map((o) => o !== undefined) }];
  for (const lift of lifts) {
    // An environment without the object shows the first one's values, switched off, unless
    // they name that environment (its namespace or instance), which would only mislead.
    const from = lift.values.findIndex((v) => v !== undefined);
    const fill = from < 0 ? undefined : lift.values[from];
    const names = from < 0 ? undefined : namesOf(plans[present[from]!]!);
    const neutral = fill !== undefined && names && jsonEqual(tokenize(fill, names), fill);
    leaves.push({
      path: [...root, ...lift.key],
      values: obj.byEnv.map((o, i) =>
        o ? lift.values[present.indexOf(i)] : neutral ? fill : undefined,
      ),
      ...(lift.optional ? { optional: lift.optional } : {}),
    });
  }
  return {
    file: first.info.file,
    text: documentText({ chart: app }, first, root, tree),
    leaves,
    podLabels: tokenized.flatMap(podTemplateLabels),
  };
}

/** What an environment's plan calls its namespace and instance. */
function namesOf(plan: DeploymentPlan): EnvNames {
  return { namespace: plan.namespace, instance: instanceName(plan.app, plan.environment) };
}

function validate(plans: readonly DeploymentPlan[]): void {
  if (!plans.length) throw new InputError('a chart needs at least one environment', []);
  const issues = plans.flatMap((p, i) => {
    const out = [];
    if (p.app !== plans[0]!.app) {
      out.push({ field: `plans[${i}].app`, message: `${p.app} is not ${plans[0]!.app}` });
    }
    if (plans.findIndex((q) => q.environment === p.environment) !== i) {
      out.push({ field: `plans[${i}].environment`, message: `${p.environment} is given twice` });
    }
    return out;
  });
  if (issues.length) throw new InputError('the plans cannot make one chart', issues);
}

/** Objects matched by plan node id, in the order they first appear. */
function matchObjects(objects: ChartObject[][]): ObjectAcross[] {
  const byId = new Map<string, ObjectAcross>();
  objects.forEach((list, i) => {
    for (const o of list) {
      let entry = byId.get(o.nodeId);
      if (!entry) {
        entry = { nodeId: o.nodeId, byEnv: objects.map(() => undefined) };
        byId.set(o.nodeId, entry);
      }
      entry.byEnv[i] = o;
    }
  });
  return [...byId.values()];
}

/** The instance, namespace, monitoring and Secret-name values every chart has. */
function globalLeaves(
  plans: readonly DeploymentPlan[],
  across: ObjectAcross[],
  secretNames: ReadonlySet<string>,
): Leaf[] {
  const leaves: Leaf[] = [
    { path: ['instance'], values: plans.map((p) => instanceName(p.app, p.environment)) },
    { path: ['namespace', 'create'], values: plans.map(() => false) },
    { path: ['tests', 'enabled'], values: plans.map(() => true) },
    { path: ['tests', 'image', 'repository'], values: plans.map(() => TEST_IMAGE.repository) },
    { path: ['tests', 'image', 'tag'], values: plans.map(() => TEST_IMAGE.tag) },
  ];
  if (across.some((o) => o.byEnv.some((x) => x?.nodeKind === 'service-monitor'))) {
    leaves.push({
      path: ['serviceMonitor', 'enabled'],
      values: plans.map((p) => p.nodes.some((n) => n.kind === 'service-monitor')),
    });
  }
  for (const name of [...secretNames].sort()) {
    leaves.push({ path: ['secrets', name, 'existingSecret'], values: plans.map(() => name) });
  }
  return leaves;
}

function groupRank(group: string): number {
  const i = GROUP_ORDER.indexOf(group);
  return i < 0 ? -1 : i;
}

/** The labels of an object's pod template, if it has one. */
function podTemplateLabels(body: Json): { [key: string]: string }[] {
  const spec = isMap(body) && isMap(body.spec) ? body.spec : undefined;
  const template =
    isMap(spec?.jobTemplate) && isMap(spec.jobTemplate.spec)
      ? spec.jobTemplate.spec.template
      : spec?.template;
  const labels = isMap(template) && isMap(template.metadata) ? template.metadata.labels : undefined;
  return isMap(labels) ? [labels as { [key: string]: string }] : [];
}

/** The labels (key and value) every one of `all` carries, in the first one's order. */
function commonLabels(all: { [key: string]: string }[]): { [key: string]: string } {
  const [first, ...rest] = all;
  return Object.fromEntries(
    Object.entries(first ?? {}).filter(([k, v]) => rest.every((l) => l[k] === v)),
  );
}

/** A Service's name and ports, for the chart's test hook. */
function serviceOf(o: ObjectAcross): { name: string; ports: number[] }[] {
  const svc = o.byEnv.find((x) => x?.info.kind === 'Service');
  if (!svc) return [];
  const spec = svc.body.spec as { ports?: { port: number }[] };
  return [{ name: svc.name, ports: (spec.ports ?? []).map((p) => p.port) }];
}

/** Each plan Secret's keys (union over environments), for the notes. */
function secretKeys(plans: readonly DeploymentPlan[]): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  for (const p of plans) {
    for (const n of p.nodes) {
      if (n.kind !== 'secret') continue;
      const keys = out.get(n.name) ?? new Set<string>();
      for (const e of n.spec.entries) keys.add(e.key);
      out.set(n.name, keys);
    }
  }
  return new Map(
    [...out].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, [...v].sort()]),
  );
}
