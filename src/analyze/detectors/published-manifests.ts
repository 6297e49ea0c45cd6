/**
 * Published images named by the repository's own Kubernetes manifests: the containers of its
 * Deployments, StatefulSets, DaemonSets, Jobs and CronJobs. Manifests are the `.yaml`/`.yml`
 * files (of those the walk kept) below a directory named `k8s`, `kube`, `kubernetes`,
 * `deploy`, `deployment`, `deployments` or `manifests`, outside any Helm chart, that declare
 * one of those kinds. Files with Go template braces (`{{`) are templates, not manifests, and
 * are not read.
 *
 * A container matches a component when its name is the component's name; otherwise the first
 * container of a workload named `<component>` or `<app>-<component>` does.
 */
import { baseOf, dirOf } from '../paths';
import type { Repo } from '../repo';
import {
  chartDirs,
  mapping,
  readYamlDocs,
  text,
  type BuiltComponent,
  type PublishedCandidate,
  type PublishedContext,
} from './published-context';

const MANIFEST_DIRS = new Set([
  'k8s',
  'kube',
  'kubernetes',
  'deploy',
  'deployment',
  'deployments',
  'manifests',
]);
const NOT_MANIFESTS = /^(Chart|values[^/]*|skaffold|kustomization|(docker-)?compose[^/]*)\.ya?ml$/;
const WORKLOAD_KIND = /^\s*kind:\s*["']?(Deployment|StatefulSet|DaemonSet|Job|CronJob)\b/m;

/** Where each workload kind keeps its pod spec. */
const POD_SPEC: Record<string, readonly string[]> = {
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/** The manifest files of the repository, sorted. */
export function manifestFiles(repo: Repo): string[] {
  const charts = chartDirs(repo);
  return repo.files
    .filter((f) => {
      if (!/\.ya?ml$/.test(f.path) || NOT_MANIFESTS.test(baseOf(f.path)) || !f.text) return false;
      const dirs = dirOf(f.path).split('/');
      if (!dirs.some((d) => MANIFEST_DIRS.has(d))) return false;
      if (charts.some((c) => c === '.' || f.path.startsWith(`${c}/`))) return false;
      return !f.text.includes('{{') && WORKLOAD_KIND.test(f.text);
    })
    .map((f) => f.path);
}

function match(
  components: readonly BuiltComponent[],
  appName: string,
  workload: string | undefined,
  containers: Array<string | undefined>,
): Array<{ component: string; index: number }> {
  const out: Array<{ component: string; index: number }> = [];
  containers.forEach((name, index) => {
    const c = components.find((x) => x.name === name);
    if (c) out.push({ component: c.name, index });
  });
  if (out.length || workload === undefined) return out;
  const c = components.find((x) => workload === x.name || workload === `${appName}-${x.name}`);
  return c && containers.length ? [{ component: c.name, index: 0 }] : [];
}

/** Candidates from workload containers, in file, document and container order. */
export function detectManifestPublished(ctx: PublishedContext): PublishedCandidate[] {
  const out: PublishedCandidate[] = [];
  for (const file of manifestFiles(ctx.repo)) {
    for (const doc of readYamlDocs(ctx.repo, file, ctx.warnings, 'container images')) {
      const obj = mapping(doc.value);
      const kind = text(obj?.kind);
      const podPath = kind !== undefined ? POD_SPEC[kind] : undefined;
      if (!obj || !kind || !podPath) continue;
      let pod: unknown = obj;
      for (const key of podPath) pod = mapping(pod)?.[key];
      const list = mapping(pod)?.containers;
      if (!Array.isArray(list)) continue;
      const containers = list.map((x) => mapping(x));
      const workload = text(mapping(obj.metadata)?.name);
      const names = containers.map((x) => text(x?.name));
      for (const m of match(ctx.components, ctx.appName, workload, names)) {
        const image = text(containers[m.index]?.image);
        if (!image) continue;
        out.push({
          component: m.component,
          image,
          from: 'manifest',
          loc: {
            file,
            line: doc.lineOf([...podPath, 'containers', m.index, 'image']),
            note: `container ${names[m.index] ?? m.index} of ${kind} ${workload ?? '(unnamed)'}`,
          },
        });
      }
    }
  }
  return out;
}
