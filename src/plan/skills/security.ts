/**
 * security: the namespace enforces the restricted Pod Security Standard; every pod runs as
 * uid/gid 10001 with no privilege escalation, all capabilities dropped, the RuntimeDefault
 * seccomp profile and a read-only root filesystem (with emptyDir scratch space where the
 * process writes); each component gets its own ServiceAccount with token automount off.
 */
import type { Component } from '../../model/app';
import type { PlanNode } from '../../model/plan';
import { decision, type ComponentFacts, type Skill, type SkillContribution } from '../skill';
import {
  dataEngine,
  inClusterComponents,
  isDataComponent,
  isNextJs,
  kebab,
  MANAGED_BY,
  primaryPort,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  RUN_AS_ID,
} from './common';
import { DATA_CATALOG } from './data-catalog';

const ID = 'security';

/** The Pod Security Standard the namespace enforces, audits and warns on. */
export const POD_SECURITY_LEVEL = 'restricted';

/** Size limits of scratch volumes: enough for temp files and caches, bounded so a leak cannot fill the node. */
const TMP_SIZE = '256Mi';
const CACHE_SIZE = '1Gi';

type Scratch = ComponentFacts['scratchVolumes'][number];

function scratch(path: string, sizeLimit: string): Scratch {
  const name = kebab(path).slice(0, 63) || 'scratch';
  return { volume: { name, emptyDir: { sizeLimit } }, mountPath: path };
}

/** Writable directories a component needs under a read-only root filesystem. */
function scratchFor(c: Component): Scratch[] {
  const engine = dataEngine(c);
  const paths = new Map<string, string>([['/tmp', TMP_SIZE]]);
  if (isDataComponent(c) && engine)
    for (const p of DATA_CATALOG[engine].scratchPaths) paths.set(p, TMP_SIZE);
  if (isNextJs(c)) paths.set('/app/.next/cache', CACHE_SIZE);
  // Relative paths are relative to the image's WORKDIR: /app in generated images and the usual choice.
  for (const p of c.features.writablePaths ?? [])
    paths.set(
      p.startsWith('/') ? p : `/app/${p.replace(/^\.\//, '')}`.replace(/\/+$/, ''),
      CACHE_SIZE,
    );
  // Mount paths and volume names must be unique in a pod; sorted for stable output.
  const seen = new Set<string>();
  const result: Scratch[] = [];
  for (const [p, size] of [...paths.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const s = scratch(p, size);
    if (seen.has(s.volume.name)) continue;
    seen.add(s.volume.name);
    result.push(s);
  }
  return result;
}

export const securitySkill: Skill = {
  id: ID,
  needs: [],
  description:
    'Restricted Pod Security Standard, non-root read-only containers, and one ServiceAccount per component.',
  run({ app, env }) {
    const out: Required<Pick<SkillContribution, 'facts' | 'decisions' | 'warnings'>> & {
      nodes: PlanNode[];
    } = { facts: {}, nodes: [], decisions: [], warnings: [] };
    out.nodes.push({
      id: 'namespace',
      kind: 'namespace',
      name: env.namespace,
      skill: ID,
      after: [],
      dependsOn: [],
      spec: {
        labels: {
          'app.kubernetes.io/managed-by': MANAGED_BY,
          'app.kubernetes.io/part-of': app.name,
          'pod-security.kubernetes.io/audit': POD_SECURITY_LEVEL,
          'pod-security.kubernetes.io/audit-version': 'latest',
          'pod-security.kubernetes.io/enforce': POD_SECURITY_LEVEL,
          'pod-security.kubernetes.io/enforce-version': 'latest',
          'pod-security.kubernetes.io/warn': POD_SECURITY_LEVEL,
          'pod-security.kubernetes.io/warn-version': 'latest',
        },
      },
    });
    out.decisions.push(
      decision(
        ID,
        'environment',
        'pod security standard',
        `${POD_SECURITY_LEVEL} (enforce, audit, warn) on namespace ${env.namespace}`,
        'the API server then rejects any pod that runs as root, escalates privileges, keeps capabilities or lacks a seccomp profile, even one created by hand',
        ['baseline', 'privileged'],
      ),
    );
    for (const c of inClusterComponents(app, env)) {
      const engine = dataEngine(c);
      const readOnly = isDataComponent(c) && engine ? DATA_CATALOG[engine].readOnlyRoot : true;
      const volumes = scratchFor(c);
      out.nodes.push({
        id: `service-account/${c.name}`,
        kind: 'service-account',
        name: c.name,
        component: c.name,
        skill: ID,
        after: [],
        dependsOn: [],
        spec: { automountToken: false },
      });
      out.facts[c.name] = {
        serviceAccount: c.name,
        podSecurityContext: restrictedPodSecurityContext(),
        securityContext: restrictedContainerSecurityContext(readOnly === true),
        scratchVolumes: volumes,
      };
      out.decisions.push(
        decision(
          ID,
          c.name,
          'identity',
          `service account ${c.name}, token not mounted`,
          'its own identity keeps RBAC grants per component, and an unmounted token gives a compromised pod nothing to call the Kubernetes API with',
          ['namespace default service account'],
        ),
        decision(
          ID,
          c.name,
          'security context',
          `uid/gid ${RUN_AS_ID}, no privilege escalation, drop ALL capabilities, seccomp RuntimeDefault, ${readOnly === true ? 'read-only root filesystem' : 'writable root filesystem'}`,
          readOnly === true
            ? `meets the restricted standard; writable emptyDir mounts at ${volumes.map((v) => v.mountPath).join(', ')} give the process the scratch space it needs${engine ? `, and its data goes to its claim at ${DATA_CATALOG[engine].dataMountPath}${engine === 'rabbitmq' ? " (so do the Erlang cookie, HOME being that directory, and the node's runtime files; /etc/rabbitmq keeps the image's plugins and config, read-only)" : ''}` : ''}`
            : `meets the restricted standard; ${readOnly.reason}`,
          ['run as the image user', 'writable root filesystem'],
        ),
      );
      const port = primaryPort(c, env);
      if (!isDataComponent(c) && port !== undefined && port < 1024)
        out.warnings.push(
          `${c.name}: listens on port ${port}; a non-root process with all capabilities dropped cannot bind ports below 1024, so it must listen on 1024 or higher (e.g. 8080)`,
        );
    }
    return out;
  },
};
