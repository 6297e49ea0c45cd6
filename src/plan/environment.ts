/**
 * Environments: read `stacks/Pulumi.<env>.yaml` (a real Pulumi stack config file), validate
 * its `stackpilot:` keys, and fill every default for the environment's kind. Errors name the
 * file, the line and the field, and every problem is reported at once.
 */
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair } from 'yaml';
import type { z } from 'zod';
import {
  CONFIG_NAMESPACE,
  EnvironmentConfigSchema,
  EnvironmentSchema,
  type Environment,
  type Tier,
} from '../model/environment';
import { InputError, NotFoundError, type InputIssue } from '../model/errors';
import { closest, knownKeys } from './config-keys';

/** The three kinds of environment whose defaults differ. */
export type EnvironmentKind = 'dev' | 'staging' | 'prod';

/** `prod*` → prod, `stag*` → staging, anything else → dev. */
export function environmentKind(name: string): EnvironmentKind {
  if (/^prod/.test(name)) return 'prod';
  if (/^stag/.test(name)) return 'staging';
  return 'dev';
}

interface Preset {
  tier: Tier;
  replicas: number;
  autoscaling: { enabled: boolean; minReplicas: number; maxReplicas: number };
  domain: (env: string) => string;
  tls: { enabled: boolean; issuer: string };
  approval: boolean;
  autoRollback: boolean;
  spread: boolean;
  serviceMonitor: boolean;
  backup: { schedule: string; retentionDays: number };
}

/**
 * Per-kind defaults: dev is small, single-replica, ungated and rendered to a directory;
 * staging is medium with 2 replicas spread across nodes; prod is large, 3+ replicas
 * autoscaled to 10, spread across nodes, gated by an approval and rolled back automatically.
 */
const PRESETS: Record<EnvironmentKind, Preset> = {
  dev: {
    tier: 'small',
    replicas: 1,
    autoscaling: { enabled: false, minReplicas: 1, maxReplicas: 2 },
    domain: (env) => `${env}.localhost`,
    tls: { enabled: false, issuer: 'selfsigned' },
    approval: false,
    autoRollback: false,
    spread: false,
    serviceMonitor: false,
    backup: { schedule: '0 3 * * *', retentionDays: 3 },
  },
  staging: {
    tier: 'medium',
    replicas: 2,
    autoscaling: { enabled: false, minReplicas: 2, maxReplicas: 4 },
    domain: (env) => `${env}.example.com`,
    tls: { enabled: true, issuer: 'letsencrypt-staging' },
    approval: false,
    autoRollback: true,
    // Two replicas on one node are one node failure from an outage; staging should show the
    // placement prod gets.
    spread: true,
    serviceMonitor: false,
    backup: { schedule: '0 */6 * * *', retentionDays: 7 },
  },
  prod: {
    tier: 'large',
    replicas: 3,
    autoscaling: { enabled: true, minReplicas: 3, maxReplicas: 10 },
    domain: () => 'example.com',
    tls: { enabled: true, issuer: 'letsencrypt-prod' },
    approval: true,
    autoRollback: true,
    spread: true,
    serviceMonitor: true,
    backup: { schedule: '0 * * * *', retentionDays: 30 },
  },
};

/** Default monthly unit prices (USD, a typical managed cluster's on-demand prices). */
export const DEFAULT_COST_RATES = {
  currency: 'USD',
  cpuCoreMonth: 25,
  memoryGiBMonth: 3.5,
  storageGiBMonth: 0.1,
  loadBalancerMonth: 18,
} as const;

/** Default image registry when the stack names none: a local registry, as kind/k3d use. */
export const DEFAULT_REGISTRY = 'localhost:5000';

/** Raw stack settings as written (defaults not yet applied), e.g. `{ tier: 'large' }`. */
export type EnvironmentSettings = z.input<typeof EnvironmentConfigSchema>;

/**
 * Fills every default of environment `name` from its raw config. Pure; does not validate
 * cross-field rules (see `environmentIssues`).
 */
export function resolveEnvironment(name: string, config: EnvironmentSettings): Environment {
  const p = PRESETS[environmentKind(name)];
  const replicas = config.replicas ?? p.replicas;
  const minReplicas =
    config.autoscaling?.minReplicas ?? Math.max(p.autoscaling.minReplicas, replicas);
  const target =
    config.target?.kind === 'render'
      ? { kind: 'render' as const, directory: config.target.directory ?? `rendered/${name}` }
      : (config.target ?? { kind: 'render' as const, directory: `rendered/${name}` });
  return EnvironmentSchema.parse({
    name,
    namespace: config.namespace ?? `stackpilot-${name}`,
    tier: config.tier ?? p.tier,
    replicas,
    autoscaling: {
      enabled: config.autoscaling?.enabled ?? p.autoscaling.enabled,
      minReplicas,
      maxReplicas:
        config.autoscaling?.maxReplicas ?? Math.max(p.autoscaling.maxReplicas, minReplicas),
      targetCPUUtilization: config.autoscaling?.targetCPUUtilization ?? 70,
    },
    domain: config.domain ?? p.domain(name),
    tls: {
      enabled: config.tls?.enabled ?? p.tls.enabled,
      issuer: config.tls?.issuer ?? p.tls.issuer,
    },
    ingressClass: config.ingressClass ?? 'nginx',
    rollout: config.rollout ?? 'rolling',
    approval: {
      required: config.approval?.required ?? p.approval,
      ttlMinutes: config.approval?.ttlMinutes ?? 60,
    },
    autoRollback: config.autoRollback ?? p.autoRollback,
    target,
    spread: config.spread ?? p.spread,
    serviceMonitor: config.serviceMonitor ?? p.serviceMonitor,
    registry: (config.registry ?? DEFAULT_REGISTRY).replace(/\/+$/, ''),
    managed: {
      postgres: config.managed?.postgres ?? false,
      redis: config.managed?.redis ?? false,
      rabbitmq: config.managed?.rabbitmq ?? false,
    },
    backup: {
      schedule: config.backup?.schedule ?? p.backup.schedule,
      retentionDays: config.backup?.retentionDays ?? p.backup.retentionDays,
    },
    components: config.components ?? {},
    ...(config.storageClass !== undefined ? { storageClass: config.storageClass } : {}),
    cost: { ...DEFAULT_COST_RATES, ...definedOnly(config.cost ?? {}) },
    ...(config.planFile !== undefined ? { planFile: config.planFile } : {}),
    cluster: {
      missingCrds: config.cluster?.missingCrds ?? 'omit',
      readinessTimeoutSeconds: config.cluster?.readinessTimeoutSeconds ?? 300,
    },
    images: {
      verify: config.images?.verify ?? 'all',
      source: config.images?.source ?? 'build',
    },
    delivery: config.delivery ?? 'manifests',
  });
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Cross-field problems of a resolved environment, as field paths under the config keys. */
export function environmentIssues(env: Environment): Array<{ path: string[]; message: string }> {
  const issues: Array<{ path: string[]; message: string }> = [];
  if (env.autoscaling.minReplicas > env.autoscaling.maxReplicas)
    issues.push({
      path: ['autoscaling', 'maxReplicas'],
      message: `maxReplicas (${env.autoscaling.maxReplicas}) is below minReplicas (${env.autoscaling.minReplicas})`,
    });
  // Pulumi's Helm release installs into a live cluster; it cannot render to a directory.
  if (env.delivery === 'helm' && env.target.kind !== 'cluster')
    issues.push({
      path: ['delivery'],
      message:
        'helm delivery installs a Helm release into a cluster: set stackpilot:target to {kind: cluster, context: …}, or use delivery manifests to render YAML',
    });
  for (const [name, o] of Object.entries(env.components)) {
    if (!/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/.test(name))
      issues.push({ path: ['components', name], message: 'not a valid component name' });
    const min = o.autoscaling?.minReplicas;
    const max = o.autoscaling?.maxReplicas;
    if (min !== undefined && max !== undefined && min > max)
      issues.push({
        path: ['components', name, 'autoscaling', 'maxReplicas'],
        message: `maxReplicas (${max}) is below minReplicas (${min})`,
      });
    for (const [field, re] of [
      ['cpu', /^\d+(\.\d+)?m?$/],
      ['memory', /^\d+(\.\d+)?(Ki|Mi|Gi|Ti|k|M|G)?$/],
    ] as const) {
      const v = o[field];
      if (v !== undefined && !re.test(v))
        issues.push({
          path: ['components', name, field],
          message: `"${v}" is not a ${field} quantity`,
        });
    }
  }
  return issues;
}

/** The stack file of an environment. */
export function stackFile(stacksDir: string, envName: string): string {
  return path.join(stacksDir, `Pulumi.${envName}.yaml`);
}

/** Environment names that have a stack file in `stacksDir`, sorted. */
export async function listEnvironments(stacksDir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(stacksDir);
  } catch {
    return [];
  }
  return entries
    .map((f) => /^Pulumi\.([a-z][-a-z0-9]*)\.yaml$/.exec(f)?.[1])
    .filter((n): n is string => n !== undefined)
    .sort();
}

/**
 * Reads, validates and resolves `<stacksDir>/Pulumi.<envName>.yaml`. An unknown environment
 * gives a `NotFoundError` listing the known ones; invalid keys give one `InputError` with
 * every issue located by file, line and field.
 */
export async function loadEnvironment(stacksDir: string, envName: string): Promise<Environment> {
  if (!/^[a-z][-a-z0-9]*$/.test(envName))
    throw new InputError('invalid environment name', [
      { field: 'env', message: `"${envName}" must be lowercase letters, digits and dashes` },
    ]);
  const file = stackFile(stacksDir, envName);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    const known = await listEnvironments(stacksDir);
    throw new NotFoundError(
      `unknown environment "${envName}": no ${displayPath(file)}; known environments: ${known.length ? known.join(', ') : '(none)'}`,
    );
  }
  return parseStackConfig(text, displayPath(file), envName);
}

/** A path as shown in messages: relative to the working directory when inside it. */
function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel)
    ? rel.split(path.sep).join('/')
    : file;
}

/**
 * Parses the text of a stack config file and resolves environment `envName`. `file` is
 * used in error messages only. Keys without a namespace belong to the project, which is
 * `stackpilot` (as Pulumi reads them); other namespaces (`secrets:`, `kubernetes:`) are
 * left to their owners.
 */
export function parseStackConfig(text: string, file: string, envName: string): Environment {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const issues: InputIssue[] = [];
  const lineOf = (node: Node | null | undefined): number | undefined =>
    node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
  for (const e of doc.errors)
    issues.push({ file, line: e.linePos?.[0]?.line, message: `YAML: ${e.message.split('\n')[0]}` });
  if (issues.length) throw new InputError(`invalid stack config ${file}`, issues);

  const raw: Record<string, unknown> = {};
  const located = new Map<string, { key: Node; value: Node | null }>();
  const root = doc.contents;
  if (root !== null && !isMap(root))
    throw new InputError(`invalid stack config ${file}`, [
      { file, line: lineOf(root), message: 'the file must be a mapping with a `config:` key' },
    ]);
  const config = root ? root.get('config', true) : undefined;
  if (config !== undefined && config !== null && !isMap(config))
    issues.push({
      file,
      line: lineOf(config as Node),
      field: 'config',
      message: 'must be a mapping',
    });
  if (isMap(config)) {
    for (const pair of config.items as Array<Pair<Node, Node | null>>) {
      const fullKey = isScalar(pair.key) ? String(pair.key.value) : '';
      const colon = fullKey.indexOf(':');
      const ns = colon < 0 ? CONFIG_NAMESPACE : fullKey.slice(0, colon);
      const key = colon < 0 ? fullKey : fullKey.slice(colon + 1);
      if (ns !== CONFIG_NAMESPACE) continue;
      const field = `config.${CONFIG_NAMESPACE}:${key}`;
      if (located.has(key)) {
        issues.push({
          file,
          line: lineOf(pair.key),
          field,
          message: 'set twice (with and without namespace)',
        });
        continue;
      }
      const value = pair.value ? pair.value.toJSON() : null;
      if (value && typeof value === 'object' && 'secure' in value) {
        issues.push({
          file,
          line: lineOf(pair.key),
          field,
          message: `stackpilot settings are not secret; keep secret values under ${'secrets:<NAME>'}`,
        });
        continue;
      }
      located.set(key, { key: pair.key, value: pair.value });
      raw[key] = value;
    }
  }

  /** Line of the node at `p` under the stackpilot keys (of the key `keyOf` inside it, if given). */
  const locate = (p: readonly PropertyKey[], keyOf?: string): number | undefined => {
    const segs = [...p.map(String), ...(keyOf !== undefined ? [keyOf] : [])];
    const entry = located.get(segs[0] ?? '');
    if (!entry) return undefined;
    let line = lineOf(entry.key);
    let node: Node | null = entry.value;
    for (const seg of segs.slice(1)) {
      if (isMap(node)) {
        const pair = (node.items as Array<Pair<Node, Node | null>>).find(
          (it) => isScalar(it.key) && String(it.key.value) === seg,
        );
        if (!pair) break;
        line = lineOf(pair.key) ?? line;
        node = pair.value;
      } else if (isSeq(node)) {
        node = (node.items[Number(seg)] as Node | undefined) ?? null;
        line = lineOf(node) ?? line;
      } else break;
    }
    return line;
  };
  const fieldOf = (p: readonly PropertyKey[]): string => {
    const [head, ...rest] = p.map(String);
    return [`config.${CONFIG_NAMESPACE}:${head}`, ...rest].join('.');
  };

  const parsed = EnvironmentConfigSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        const known = knownKeys(EnvironmentConfigSchema, issue.path);
        for (const k of issue.keys) {
          const hint = closest(k, known);
          issues.push({
            file,
            line: locate(issue.path, k),
            field: fieldOf([...issue.path, k]),
            message: `unknown key "${k}"${hint ? ` (did you mean "${hint}"?)` : ''}`,
          });
        }
      } else {
        issues.push({
          file,
          line: locate(issue.path),
          field: fieldOf(issue.path),
          message: issue.message,
        });
      }
    }
  }
  if (issues.length) throw new InputError(`invalid stack config ${file}`, sortIssues(issues));
  const env = resolveEnvironment(envName, parsed.data!);
  const cross = environmentIssues(env).map((i) => ({
    file,
    line: locate(i.path),
    field: fieldOf(i.path),
    message: i.message,
  }));
  if (cross.length) throw new InputError(`invalid stack config ${file}`, sortIssues(cross));
  return env;
}

function sortIssues(issues: InputIssue[]): InputIssue[] {
  return [...issues].sort(
    (a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.field ?? '').localeCompare(b.field ?? ''),
  );
}
