/** Small readers over recorded manifests, shared by the input and rule tests. */
import type { Manifest } from './manifests';

export interface PodSpecView {
  containers: ContainerView[];
  initContainers?: ContainerView[];
  securityContext?: Record<string, unknown>;
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  volumes?: Array<Record<string, unknown> & { name: string }>;
  restartPolicy?: string;
}
export interface ContainerView {
  name: string;
  image: string;
  imagePullPolicy?: string;
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: Array<Record<string, unknown>>;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  livenessProbe?: Record<string, unknown>;
  readinessProbe?: Record<string, unknown>;
  startupProbe?: Record<string, unknown>;
  securityContext?: Record<string, unknown> & { capabilities?: { drop?: string[] } };
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}
export interface PodTemplateView {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: PodSpecView;
}

export const POD_OWNERS = ['Deployment', 'StatefulSet', 'Job', 'CronJob'];
export const WORKLOADS = ['Deployment', 'StatefulSet'];

/** The pod template of a Deployment, StatefulSet, Job or CronJob. */
export function podTemplateOf(m: Manifest): PodTemplateView | undefined {
  const spec = m.spec as Record<string, unknown> | undefined;
  if (m.kind === 'CronJob') {
    const job = (spec?.jobTemplate as { spec: { template: PodTemplateView } } | undefined)?.spec;
    return job?.template;
  }
  if (POD_OWNERS.includes(m.kind)) return spec?.template as PodTemplateView | undefined;
  // A bare Pod (a chart's `helm test` hook) is its own template.
  if (m.kind === 'Pod') return { metadata: m.metadata, spec } as unknown as PodTemplateView;
  return undefined;
}

/** Every container of a pod spec, init containers included. */
export function containersOf(spec: PodSpecView): ContainerView[] {
  return [...(spec.initContainers ?? []), ...spec.containers];
}

/** True when a `matchLabels` selector selects an object with `labels` (an empty selector selects all). */
export function selects(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
}

export function specOf<T>(m: Manifest): T {
  return m.spec as T;
}
