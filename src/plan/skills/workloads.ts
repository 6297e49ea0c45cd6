/**
 * workloads: the controller of each component (Deployment, StatefulSet or Job), its plain
 * configuration, and the assembly of workload and job nodes from the facts the other skills
 * wrote. Declares the ordering that is not visible in specs: migrations before the
 * components that use the migrated database, data services before their clients, callees
 * before their callers.
 */
import type { Component } from '../../model/app';
import { contentHash } from '../../model/canonical';
import type { Container, ContainerEnv, NodeOf, PlanNode, PodTemplate } from '../../model/plan';
import {
  decision,
  type ComponentFacts,
  type Skill,
  type SkillContribution,
  type SkillInput,
} from '../skill';
import {
  appComponents,
  classifyEnv,
  commandArgv,
  databaseTargets,
  disabledReason,
  edgesFrom,
  findComponent,
  inClusterComponents,
  isDataComponent,
  isDisabled,
  migrationCommand,
  migrationOf,
  migratorsByDatabase,
  podLabels,
  selectorLabels,
  sortEnv,
} from './common';

const ID = 'workloads';

/** How long finished Jobs are kept for `kubectl logs`: a week. */
const JOB_TTL_SECONDS = 7 * 24 * 3600;

type Facts = Partial<ComponentFacts>;
type After = { node: string; reason: string };

function need<K extends keyof ComponentFacts>(c: string, f: Facts, key: K): ComponentFacts[K] {
  const v = f[key];
  if (v === undefined)
    throw new Error(
      `component ${c} has no "${key}" fact: the skill that owns it did not run for it`,
    );
  return v as ComponentFacts[K];
}

/** Env entries merged by name; earlier lists win (secrets over config over discovery over log defaults). */
function mergeEnv(...lists: Array<ContainerEnv[] | undefined>): ContainerEnv[] {
  const seen = new Map<string, ContainerEnv>();
  for (const list of lists) for (const e of list ?? []) if (!seen.has(e.name)) seen.set(e.name, e);
  return sortEnv([...seen.values()]);
}

interface ContainerOptions {
  name: string;
  image: string;
  env: ContainerEnv[];
  command: string[];
  args: string[];
  /** Long-running server: declares its ports and gets its probes. */
  serves: boolean;
}

function container(c: string, f: Facts, o: ContainerOptions): Container {
  return {
    name: o.name,
    image: o.image,
    ...(o.command.length ? { command: o.command } : {}),
    ...(o.args.length ? { args: o.args } : {}),
    ports: o.serves ? need(c, f, 'ports') : [],
    env: o.env,
    resources: need(c, f, 'resources'),
    probes: o.serves ? need(c, f, 'probes') : {},
    securityContext: need(c, f, 'securityContext'),
    volumeMounts: [
      ...need(c, f, 'scratchVolumes').map((s) => ({ name: s.volume.name, mountPath: s.mountPath })),
      ...(f.volumeClaims ?? []).map((v) => ({ name: v.name, mountPath: v.mountPath })),
    ].sort((a, b) => (a.mountPath < b.mountPath ? -1 : 1)),
  };
}

function template(
  c: string,
  f: Facts,
  labels: Record<string, string>,
  annotations: Record<string, string>,
  main: Container,
  restartPolicy: PodTemplate['restartPolicy'],
  spread: boolean,
): PodTemplate {
  return {
    labels,
    annotations,
    serviceAccount: need(c, f, 'serviceAccount'),
    automountServiceAccountToken: false,
    securityContext: need(c, f, 'podSecurityContext'),
    containers: [main],
    initContainers: [],
    volumes: need(c, f, 'scratchVolumes').map((s) => s.volume),
    topologySpread: spread ? (f.topologySpread ?? []) : [],
    terminationGracePeriodSeconds: f.terminationGracePeriodSeconds ?? 30,
    restartPolicy,
  };
}

/** The node clients of component `name` wait for: its Job, or its workload (active colour under blue-green). */
function workloadId(input: SkillInput, name: string): string {
  const c = findComponent(input.app, name);
  if (c && !isDataComponent(c) && c.kind === 'job') return `job/${name}`;
  const bg = input.facts[name]?.blueGreen;
  return `workload/${bg ? `${name}-${bg.active}` : name}`;
}

/** Ordering of component `c` that its spec does not show, each with its reason. */
function afterFor(input: SkillInput, c: Component, running: Set<string>): After[] {
  const { app } = input;
  const after = new Map<string, string>();
  const migrators = migratorsByDatabase(app, input.env);
  const shared = new Map<string, { component: string; dbs: string[] }>();
  for (const db of databaseTargets(app, c))
    for (const m of migrators.get(db) ?? []) {
      if (m.component === c.name || m.job === c.name || !running.has(m.component)) continue;
      const entry = shared.get(m.job) ?? { component: m.component, dbs: [] };
      entry.dbs.push(db);
      shared.set(m.job, entry);
    }
  for (const [job, m] of shared)
    after.set(
      `job/${job}`,
      `uses database ${m.dbs.join(', ')}, whose schema ${m.component}'s migrations change`,
    );
  for (const e of edgesFrom(app, c.name)) {
    if (e.target !== 'component' || e.to === c.name || !running.has(e.to)) continue;
    const t = findComponent(app, e.to)!;
    const via = e.envVar ? ` via ${e.envVar}` : '';
    after.set(
      workloadId(input, t.name),
      isDataComponent(t)
        ? `uses ${t.kind} ${t.name}${via}: connecting before it runs only fails and restarts`
        : !isDataComponent(t) && t.kind === 'job'
          ? `waits for job ${t.name}${via} to complete`
          : `calls ${t.name}${via}: start once the ${t.kind} it depends on serves`,
    );
  }
  const own = migrationOf(app, input.env, c);
  if (own)
    after.set(
      `job/${own.job}`,
      `${c.features.migrations!.tool} migrations must finish before ${c.name} starts on the new schema`,
    );
  return [...after.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([node, reason]) => ({ node, reason }));
}

export const workloadsSkill: Skill = {
  id: ID,
  needs: [
    'containerize',
    'data-services',
    'networking',
    'observability',
    'rollout',
    'scaling',
    'secrets',
    'security',
  ],
  description:
    'Chooses Deployment, StatefulSet or Job per component and assembles workload and migration Job nodes.',
  run(input) {
    const { app, env } = input;
    const out: Required<Pick<SkillContribution, 'facts' | 'decisions' | 'warnings'>> & {
      nodes: PlanNode[];
    } = {
      facts: {},
      nodes: [],
      decisions: [],
      warnings: [],
    };
    for (const c of app.components)
      if (!isDataComponent(c) && isDisabled(env, c)) {
        out.facts[c.name] = { controller: 'none' };
        out.decisions.push(
          decision(ID, c.name, 'controller', 'none (not deployed)', disabledReason(env, c), [
            'Deployment',
          ]),
        );
      }

    const running = new Set(inClusterComponents(app, env).map((c) => c.name));
    const local: Record<string, Facts> = {};
    const configNodes = new Map<string, NodeOf<'config'>>();
    for (const c of appComponents(app, env)) {
      const data: Record<string, string> = {};
      const declared = new Set(c.env.map((v) => v.name));
      for (const v of c.env) {
        const route = classifyEnv(app, env, c, v);
        if (route.kind !== 'config') continue;
        if (route.source === 'derived')
          out.decisions.push(
            decision(
              ID,
              c.name,
              `env ${v.name}`,
              route.value,
              route.reason,
              v.defaultValue !== undefined ? [`${v.defaultValue} (the app's default)`] : [],
            ),
          );
        if (route.value === undefined) {
          out.warnings.push(
            `${c.name}: ${v.name} has no value in ${env.name}; set stackpilot:components.${c.name}.env.${v.name}`,
          );
          continue;
        }
        data[v.name] = route.value;
      }
      for (const [name, value] of Object.entries(env.components[c.name]?.env ?? {}))
        if (!declared.has(name)) data[name] = value;
      const names = Object.keys(data).sort();
      if (names.length)
        configNodes.set(c.name, {
          id: `config/${c.name}`,
          kind: 'config',
          name: c.name,
          component: c.name,
          skill: ID,
          after: [],
          dependsOn: [],
          spec: { data: Object.fromEntries(names.map((n) => [n, data[n]!])) },
        });
      const controller = c.kind === 'job' ? 'job' : 'deployment';
      local[c.name] = {
        controller,
        configEnv: names.map((n) => ({ name: n, config: { name: c.name, key: n } })),
      };
      out.facts[c.name] = local[c.name]!;
      out.decisions.push(
        decision(
          ID,
          c.name,
          'controller',
          controller === 'job' ? 'Job (once per release)' : 'Deployment',
          controller === 'job'
            ? 'a job component runs to completion; no schedule was found, so it runs once per release (a CronJob needs a schedule)'
            : `${c.kind} ${c.name} is stateless: a Deployment replaces pods freely and scales horizontally`,
          controller === 'job' ? ['CronJob', 'Deployment'] : ['StatefulSet'],
        ),
      );
      if (names.length)
        out.decisions.push(
          decision(
            ID,
            c.name,
            'configuration',
            `ConfigMap ${c.name} with ${names.join(', ')}`,
            'plain settings live in a ConfigMap, separate from Secrets; a hash of its content on the pod template restarts the pods when it changes',
            ['literal env values in the pod spec'],
          ),
        );
    }
    out.nodes.push(...configNodes.values());

    for (const c of inClusterComponents(app, env)) {
      const f: Facts = { ...input.facts[c.name], ...local[c.name] };
      const controller = need(c.name, f, 'controller');
      const image = need(c.name, f, 'image');
      const cfg = configNodes.get(c.name);
      const annotations = {
        ...(f.podAnnotations ?? {}),
        ...(cfg ? { 'stackpilot.dev/config-hash': contentHash(cfg.spec.data).slice(7, 23) } : {}),
      };
      const envList = mergeEnv(f.secretEnv, f.configEnv, f.discoveryEnv, f.logEnv);
      const role = c.kind;
      const after = afterFor(input, c, running);

      if (controller === 'job') {
        const main = container(c.name, f, {
          name: c.name,
          image,
          env: envList,
          command: f.command ?? [],
          args: f.args ?? [],
          serves: false,
        });
        out.nodes.push({
          id: `job/${c.name}`,
          kind: 'job',
          name: c.name,
          component: c.name,
          skill: ID,
          after,
          dependsOn: [],
          spec: {
            template: template(
              c.name,
              f,
              podLabels(app, env, c.name, role),
              annotations,
              main,
              'Never',
              false,
            ),
            backoffLimit: 3,
            activeDeadlineSeconds: 3600,
            ttlSecondsAfterFinished: JOB_TTL_SECONDS,
          },
        });
        continue;
      }
      if (controller !== 'deployment' && controller !== 'statefulset') continue;

      const workload = (
        name: string,
        img: string,
        replicas: number | undefined,
        color?: 'blue' | 'green',
      ): NodeOf<'workload'> => ({
        id: `workload/${name}`,
        kind: 'workload',
        name,
        component: c.name,
        skill: ID,
        after,
        dependsOn: [],
        spec: {
          controller,
          ...(replicas !== undefined ? { replicas } : {}),
          selector: selectorLabels(app, env, c.name, color),
          template: template(
            c.name,
            f,
            podLabels(app, env, c.name, role, color),
            annotations,
            container(c.name, f, {
              name: c.name,
              image: img,
              env: envList,
              command: f.command ?? [],
              args: f.args ?? [],
              serves: true,
            }),
            'Always',
            true,
          ),
          strategy: need(c.name, f, 'strategy'),
          minReadySeconds: need(c.name, f, 'minReadySeconds'),
          revisionHistoryLimit: need(c.name, f, 'revisionHistoryLimit'),
          progressDeadlineSeconds: need(c.name, f, 'progressDeadlineSeconds'),
          ...(controller === 'statefulset'
            ? {
                serviceName: c.name,
                volumeClaims: (f.volumeClaims ?? []).map((v) => ({
                  name: v.name,
                  storage: v.storage,
                  accessModes: ['ReadWriteOnce'],
                  ...(v.storageClass !== undefined ? { storageClass: v.storageClass } : {}),
                })),
              }
            : {}),
          ...(color ? { color } : {}),
        },
      });
      const replicas = need(c.name, f, 'autoscaled') ? undefined : need(c.name, f, 'replicas');
      if (f.blueGreen) {
        const standby = f.blueGreen.active === 'blue' ? 'green' : 'blue';
        const hpa = input.nodes.find((n) => n.id === `autoscaler/${c.name}`);
        const warm = replicas ?? (hpa?.kind === 'autoscaler' ? hpa.spec.minReplicas : 1);
        out.nodes.push(
          workload(`${c.name}-${f.blueGreen.active}`, image, replicas, f.blueGreen.active),
        );
        out.nodes.push(
          workload(
            `${c.name}-${standby}`,
            f.blueGreen.standbyImage ?? image,
            f.blueGreen.standbyImage ? warm : 0,
            standby,
          ),
        );
      } else {
        out.nodes.push(workload(c.name, image, replicas));
      }

      const migration = migrationOf(app, env, c);
      if (migration && !migration.own)
        out.decisions.push(
          decision(
            ID,
            c.name,
            'migrations',
            `job component ${migration.job}`,
            `${c.name} already waits for ${migration.job} to complete (compose service_completed_successfully); a second migration Job would run them twice`,
            [`own Job ${c.name}-migrate`],
          ),
        );
      if (c.features.migrations && migration?.own) {
        const migrationEnv = mergeEnv(
          f.migrationSecretEnv,
          f.secretEnv,
          f.configEnv,
          f.discoveryEnv,
          f.logEnv,
        );
        const dbAfter = databaseTargets(app, c)
          .filter((d) => running.has(d))
          .map((d) => ({
            node: workloadId(input, d),
            reason: `migrations need database ${d} running`,
          }));
        const name = `${c.name}-migrate`;
        out.nodes.push({
          id: `job/${name}`,
          kind: 'job',
          name,
          component: c.name,
          skill: ID,
          after: dbAfter,
          dependsOn: [],
          spec: {
            template: template(
              c.name,
              f,
              podLabels(app, env, name, 'migration'),
              {},
              container(c.name, f, {
                name: 'migrate',
                image,
                env: migrationEnv,
                command: commandArgv(migrationCommand(c)!),
                args: [],
                serves: false,
              }),
              'Never',
              false,
            ),
            backoffLimit: 2,
            activeDeadlineSeconds: 900,
            ttlSecondsAfterFinished: JOB_TTL_SECONDS,
          },
        });
        out.decisions.push(
          decision(
            ID,
            c.name,
            'migrations',
            `Job ${name}: ${migrationCommand(c)}`,
            `runs once per release with ${c.name}'s image before ${c.name} rolls out (its pods wait for it); its own labels keep it out of ${c.name}'s Service and give it a network policy that reaches only the database`,
            ['init container (runs in every replica, concurrently)', 'sidecar', 'run at app start'],
          ),
        );
      }
    }
    out.nodes.sort((a, b) => (a.id < b.id ? -1 : 1));
    return out;
  },
};
