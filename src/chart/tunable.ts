/**
 * Which fields of an object an operator tunes, and the values key of any field. A tunable field
 * is a value even when every environment agrees on it, so `values.yaml` holds the images,
 * replicas, autoscaling bounds, resources, hosts and TLS, ingress class, storage sizes and
 * classes, schedules and env settings of every object. Any other field is a value only where
 * the environments differ; its key follows its path, shortened the way charts name them
 * (`spec.template.spec.containers[api].resources` → `containers.api.resources`).
 */
import type { Json } from './json';
import { hasToken } from './tokens';

/** A step of a path into an object: a key, a named list element, or a list index. */
export type PathSeg = string | { name: string } | { index: number };

/** What a tunable field becomes. */
export interface Tunable {
  key: string[];
  /** An image reference, split into repository, tag and digest. */
  image?: boolean;
}

const POD = ['spec.template.spec.', 'spec.jobTemplate.spec.template.spec.'];
const WORKLOADS = ['Deployment', 'StatefulSet'];

/** The tunable rule of a field, if it is one. `xs` are its (tokenized) values per environment. */
export function tunable(
  kind: string,
  path: PathSeg[],
  xs: (Json | undefined)[],
): Tunable | undefined {
  const p = pattern(path);
  const key = valueKey(path);
  for (const pod of POD) {
    if (p === `${pod}containers[].image` || p === `${pod}initContainers[].image`) {
      return { key, image: true };
    }
    if (
      p === `${pod}containers[].imagePullPolicy` ||
      p === `${pod}initContainers[].imagePullPolicy`
    ) {
      return { key: [...key.slice(0, -1), 'image', 'pullPolicy'] };
    }
    if (p === `${pod}containers[].resources` || p === `${pod}initContainers[].resources`)
      return { key };
    if (p === `${pod}containers[].env[].value` && plainStrings(xs)) return { key };
  }
  if (WORKLOADS.includes(kind) && p === 'spec.replicas') return { key };
  if (
    kind === 'HorizontalPodAutoscaler' &&
    (p === 'spec.minReplicas' || p === 'spec.maxReplicas')
  ) {
    return { key };
  }
  if (kind === 'Ingress') {
    if (p === 'spec.ingressClassName') return { key: ['className'] };
    if (p === 'spec.rules[].host') return { key: ['host'] };
    if (p === 'spec.tls' || p === 'metadata.annotations') return { key };
  }
  if (kind === 'PersistentVolumeClaim') {
    if (p === 'spec.resources.requests.storage') return { key: ['size'] };
    if (p === 'spec.storageClassName') return { key: ['storageClass'] };
  }
  if (kind === 'StatefulSet') {
    const claim = path[2];
    if (p === 'spec.volumeClaimTemplates[].spec.resources.requests.storage' && isNamed(claim)) {
      return { key: ['volumeClaims', claim.name, 'size'] };
    }
    if (p === 'spec.volumeClaimTemplates[].spec.storageClassName' && isNamed(claim)) {
      return { key: ['volumeClaims', claim.name, 'storageClass'] };
    }
  }
  if (kind === 'CronJob' && p === 'spec.schedule') return { key };
  return undefined;
}

/**
 * Optional tunables: fields an operator may set that no environment of the plan sets (the
 * cluster's default StorageClass, no TLS in dev), by the path of the map that would hold them.
 */
export function optionalTunables(
  kind: string,
  mapPath: PathSeg[],
): { field: string; tree: boolean }[] {
  const p = pattern(mapPath);
  if (kind === 'PersistentVolumeClaim' && p === 'spec')
    return [{ field: 'storageClassName', tree: false }];
  if (kind === 'StatefulSet' && p === 'spec.volumeClaimTemplates[].spec') {
    return [{ field: 'storageClassName', tree: false }];
  }
  if (kind === 'Ingress' && p === 'spec') return [{ field: 'tls', tree: true }];
  return [];
}

/** The values key of a field, relative to its object's values map. */
export function valueKey(path: PathSeg[]): string[] {
  const p = pattern(path);
  let rest = path;
  let head: string[] = [];
  const podMeta = ['spec.template.metadata.', 'spec.jobTemplate.spec.template.metadata.'];
  const pod = POD.find((x) => `${p}.`.startsWith(x));
  const meta = podMeta.find((x) => `${p}.`.startsWith(x));
  if (pod) rest = path.slice(pod.split('.').length - 1);
  else if (meta) {
    const n = meta.split('.').length - 1;
    const field = path[n];
    head = [`pod${capitalize(String(field))}`];
    rest = path.slice(n + 1);
  } else if (path[0] === 'metadata') rest = path.slice(1);
  else if (path[0] === 'spec') rest = path.slice(1);
  const key = [...head];
  for (let i = 0; i < rest.length; i++) {
    const seg = rest[i]!;
    if (seg === 'value' && rest[i - 2] === 'env' && isNamed(rest[i - 1])) continue;
    key.push(typeof seg === 'string' ? seg : 'name' in seg ? seg.name : String(seg.index));
  }
  return key[0] === 'enabled' ? ['spec', ...key] : key;
}

/** A path as a pattern: keys joined by dots, list elements as `[]`. */
export function pattern(path: PathSeg[]): string {
  return path
    .map((s) => (typeof s === 'string' ? `.${s}` : '[]'))
    .join('')
    .slice(1);
}

function isNamed(seg: PathSeg | undefined): seg is { name: string } {
  return typeof seg === 'object' && seg !== null && 'name' in seg;
}

function plainStrings(xs: (Json | undefined)[]): boolean {
  return xs.every((x) => x === undefined || (typeof x === 'string' && !hasToken(x)));
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
