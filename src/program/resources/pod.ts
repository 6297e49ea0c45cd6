/**
 * Pod templates, containers and probes: shared by workloads, jobs and cron jobs so that every
 * pod the program creates gets the same mapping of probes, resources and security contexts.
 */
import type * as k8s from '@pulumi/kubernetes';
import type {
  Container,
  ContainerEnv,
  PodTemplate,
  PodVolume,
  Probe,
  PlanNode,
} from '../../model/plan';
import { contentHash } from '../../model/canonical';
import { sortedRecord, type MapContext } from './context';

type PodTemplateSpec = k8s.types.input.core.v1.PodTemplateSpec;
type ContainerSpec = k8s.types.input.core.v1.Container;

/**
 * Pod annotation holding a hash of the plan-side content of the ConfigMaps and Secrets the pod
 * reads (config data, and secret entry *sources*, never values): with stable object names a
 * config change alone would not touch the pod template, and running pods would keep the old
 * environment. Changing the hash rolls the pods.
 */
export const CONFIG_HASH_ANNOTATION = 'stackpilot.dev/config-hash';

/**
 * A pod template. `selector` is the owning controller's selector, used as the label selector
 * of topology spread constraints (the pod's own labels when there is no controller selector).
 */
export function podTemplate(
  template: PodTemplate,
  ctx: MapContext,
  selector: Record<string, string> = template.labels,
): PodTemplateSpec {
  const configHash = referencedConfigHash(template, ctx);
  const annotations = sortedRecord({
    ...template.annotations,
    ...(configHash ? { [CONFIG_HASH_ANNOTATION]: configHash } : {}),
  });
  return {
    metadata: { labels: sortedRecord(template.labels), annotations },
    spec: {
      serviceAccountName: template.serviceAccount,
      automountServiceAccountToken: template.automountServiceAccountToken,
      securityContext: { ...template.securityContext },
      ...(template.initContainers.length
        ? { initContainers: template.initContainers.map(container) }
        : {}),
      containers: template.containers.map(container),
      ...(template.volumes.length ? { volumes: template.volumes.map(volume) } : {}),
      ...(template.topologySpread.length
        ? {
            topologySpreadConstraints: template.topologySpread.map((t) => ({
              topologyKey: t.topologyKey,
              maxSkew: t.maxSkew,
              whenUnsatisfiable: t.whenUnsatisfiable,
              labelSelector: { matchLabels: sortedRecord(selector) },
              // Only this revision's pods count toward the skew, so a rolling update is not
              // blocked by the old ReplicaSet's pods; tainted and cordoned nodes are not spread
              // domains, so draining a node does not leave new pods Pending beside it.
              matchLabelKeys: ['pod-template-hash'],
              nodeTaintsPolicy: 'Honor',
            })),
          }
        : {}),
      terminationGracePeriodSeconds: template.terminationGracePeriodSeconds,
      restartPolicy: template.restartPolicy,
    },
  };
}

/** One container, with `imagePullPolicy: Always` so pull secrets are checked on every start. */
export function container(c: Container): ContainerSpec {
  return {
    name: c.name,
    image: c.image,
    imagePullPolicy: 'Always',
    ...(c.command ? { command: [...c.command] } : {}),
    ...(c.args ? { args: [...c.args] } : {}),
    ...(c.ports.length
      ? {
          ports: c.ports.map((p) => ({
            name: p.name,
            containerPort: p.containerPort,
            protocol: 'TCP',
          })),
        }
      : {}),
    ...(c.env.length ? { env: c.env.map(envVar) } : {}),
    resources: {
      requests: { ...c.resources.requests },
      limits: { ...c.resources.limits },
    },
    ...(c.probes.liveness ? { livenessProbe: probe(c.probes.liveness) } : {}),
    ...(c.probes.readiness ? { readinessProbe: probe(c.probes.readiness) } : {}),
    ...(c.probes.startup ? { startupProbe: probe(c.probes.startup) } : {}),
    securityContext: {
      runAsNonRoot: c.securityContext.runAsNonRoot,
      runAsUser: c.securityContext.runAsUser,
      runAsGroup: c.securityContext.runAsGroup,
      readOnlyRootFilesystem: c.securityContext.readOnlyRootFilesystem,
      allowPrivilegeEscalation: c.securityContext.allowPrivilegeEscalation,
      privileged: c.securityContext.privileged,
      capabilities: {
        drop: [...c.securityContext.capabilities.drop],
        ...(c.securityContext.capabilities.add?.length
          ? { add: [...c.securityContext.capabilities.add] }
          : {}),
      },
      seccompProfile: { ...c.securityContext.seccompProfile },
    },
    ...(c.volumeMounts.length
      ? {
          volumeMounts: c.volumeMounts.map((m) => ({
            name: m.name,
            mountPath: m.mountPath,
            ...(m.readOnly !== undefined ? { readOnly: m.readOnly } : {}),
          })),
        }
      : {}),
  };
}

/** A probe: the handler becomes `httpGet`, `tcpSocket` or `exec`; the timings are copied. */
export function probe(p: Probe): k8s.types.input.core.v1.Probe {
  const h = p.handler;
  const handler: k8s.types.input.core.v1.Probe =
    'http' in h
      ? { httpGet: { path: h.http.path, port: h.http.port } }
      : 'tcp' in h
        ? { tcpSocket: { port: h.tcp.port } }
        : { exec: { command: [...h.exec.command] } };
  return {
    ...handler,
    initialDelaySeconds: p.initialDelaySeconds,
    periodSeconds: p.periodSeconds,
    timeoutSeconds: p.timeoutSeconds,
    failureThreshold: p.failureThreshold,
    successThreshold: p.successThreshold,
  };
}

function envVar(e: ContainerEnv): k8s.types.input.core.v1.EnvVar {
  if ('value' in e) return { name: e.name, value: e.value };
  if ('secret' in e) {
    return {
      name: e.name,
      valueFrom: { secretKeyRef: { name: e.secret.name, key: e.secret.key } },
    };
  }
  return {
    name: e.name,
    valueFrom: { configMapKeyRef: { name: e.config.name, key: e.config.key } },
  };
}

function volume(v: PodVolume): k8s.types.input.core.v1.Volume {
  if ('emptyDir' in v) return { name: v.name, emptyDir: { ...v.emptyDir } };
  if ('secret' in v) return { name: v.name, secret: { secretName: v.secret.secretName } };
  if ('configMap' in v) return { name: v.name, configMap: { name: v.configMap.name } };
  return { name: v.name, persistentVolumeClaim: { claimName: v.claim.claimName } };
}

/** Hash of the plan content of the config and secret nodes the template reads; absent if none. */
function referencedConfigHash(template: PodTemplate, ctx: MapContext): string | undefined {
  const refs = new Set<string>();
  for (const c of [...template.initContainers, ...template.containers]) {
    for (const e of c.env) {
      if ('secret' in e) refs.add(`secret/${e.secret.name}`);
      if ('config' in e) refs.add(`config/${e.config.name}`);
    }
  }
  for (const v of template.volumes) {
    if ('secret' in v) refs.add(`secret/${v.secret.secretName}`);
    if ('configMap' in v) refs.add(`config/${v.configMap.name}`);
  }
  const content: Array<{ ref: string; spec: PlanNode['spec'] }> = [];
  for (const ref of [...refs].sort()) {
    const node = ctx.byName.get(ref);
    if (node) content.push({ ref, spec: node.spec });
  }
  return content.length
    ? contentHash(content).slice('sha256:'.length, 'sha256:'.length + 16)
    : undefined;
}
