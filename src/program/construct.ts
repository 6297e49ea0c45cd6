/**
 * Declarations → live Pulumi resources. The one place that instantiates `@pulumi/kubernetes`
 * and `@pulumi/random` classes, through a table from resource class to constructor.
 */
import * as pulumi from '@pulumi/pulumi';
import * as k8s from '@pulumi/kubernetes';
import * as random from '@pulumi/random';
import type { SecretPart } from '../model/plan';
import {
  SecretValue,
  splitConfigKey,
  type ResourceClass,
  type ResourceDecl,
  type Value,
} from './decl';

type Args = Record<string, unknown>;

/** Constructor of every resource class; `kubernetes` says whether it takes the k8s provider. */
const CONSTRUCTORS: { readonly [C in ResourceClass]: Constructor } = {
  'k8s.core.v1.Namespace': kube(k8s.core.v1.Namespace),
  'k8s.core.v1.ServiceAccount': kube(k8s.core.v1.ServiceAccount),
  'k8s.core.v1.ConfigMap': kube(k8s.core.v1.ConfigMap),
  'k8s.core.v1.Secret': kube(k8s.core.v1.Secret),
  'k8s.core.v1.PersistentVolumeClaim': kube(k8s.core.v1.PersistentVolumeClaim),
  'k8s.core.v1.Service': kube(k8s.core.v1.Service),
  'k8s.apps.v1.Deployment': kube(k8s.apps.v1.Deployment),
  'k8s.apps.v1.StatefulSet': kube(k8s.apps.v1.StatefulSet),
  'k8s.batch.v1.Job': kube(k8s.batch.v1.Job),
  'k8s.batch.v1.CronJob': kube(k8s.batch.v1.CronJob),
  'k8s.networking.v1.Ingress': kube(k8s.networking.v1.Ingress),
  'k8s.networking.v1.NetworkPolicy': kube(k8s.networking.v1.NetworkPolicy),
  'k8s.autoscaling.v2.HorizontalPodAutoscaler': kube(k8s.autoscaling.v2.HorizontalPodAutoscaler),
  'k8s.policy.v1.PodDisruptionBudget': kube(k8s.policy.v1.PodDisruptionBudget),
  'k8s.apiextensions.CustomResource': kube(k8s.apiextensions.CustomResource),
  'random.RandomPassword': {
    kubernetes: false,
    make: (n, a, o) => new random.RandomPassword(n, a as never, o),
  },
};

interface Constructor {
  kubernetes: boolean;
  make: (name: string, args: Args, opts: pulumi.CustomResourceOptions) => pulumi.CustomResource;
}

/**
 * A Kubernetes class as a table entry. The arguments are the mapper's plain data with secret
 * values resolved, typed against the SDK argument types where the mapper built them.
 */
function kube<A>(
  cls: new (name: string, args: A, opts: pulumi.CustomResourceOptions) => pulumi.CustomResource,
): Constructor {
  return { kubernetes: true, make: (n, a, o) => new cls(n, a as A, o) };
}

/**
 * Registers every declaration, in order, with exactly its declared `dependsOn`. Returns the
 * resources by node id. On a `cluster`, every Kubernetes resource may take at most
 * `readinessTimeoutSeconds` to create or update (the provider waits for readiness within
 * it).
 */
export function construct(
  decls: readonly ResourceDecl[],
  provider: k8s.Provider,
  cluster?: { readinessTimeoutSeconds: number },
): Map<string, pulumi.CustomResource> {
  const readinessTimeoutSeconds = cluster?.readinessTimeoutSeconds;
  const timeouts = readinessTimeoutSeconds
    ? { create: `${readinessTimeoutSeconds}s`, update: `${readinessTimeoutSeconds}s` }
    : undefined;
  const byNode = new Map<string, pulumi.CustomResource>();
  const configs = new Map<string, pulumi.Config>();
  const resolve = (v: Value): unknown => {
    if (v instanceof SecretValue) return secretOutput(v.parts, byNode, configs);
    if (Array.isArray(v)) return v.map(resolve);
    if (typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x as Value)]));
    }
    return v;
  };
  for (const decl of decls) {
    const ctor = CONSTRUCTORS[decl.cls];
    const dependsOn = decl.dependsOn.map((id) => {
      const dep = byNode.get(id);
      // declareResources orders every node after its dependencies.
      if (!dep) throw new Error(`internal: ${decl.nodeId} registered before ${id}`);
      return dep;
    });
    const opts: pulumi.CustomResourceOptions = {
      ...(ctor.kubernetes ? { provider } : {}),
      ...(dependsOn.length ? { dependsOn } : {}),
      ...(timeouts && ctor.kubernetes ? { customTimeouts: timeouts } : {}),
    };
    byNode.set(decl.nodeId, ctor.make(decl.name, resolve(decl.args) as Args, opts));
  }
  return byNode;
}

/** The secret output of one Secret entry: its parts joined, base64-encoded, marked secret. */
function secretOutput(
  parts: readonly SecretPart[],
  byNode: ReadonlyMap<string, pulumi.CustomResource>,
  configs: Map<string, pulumi.Config>,
): pulumi.Output<string> {
  const values = parts.map((p): pulumi.Input<string> => {
    if ('text' in p) return p.text;
    if ('generated' in p) return (byNode.get(p.generated) as random.RandomPassword).result;
    const { namespace, key } = splitConfigKey(p.config);
    let config = configs.get(namespace ?? '');
    if (!config) configs.set(namespace ?? '', (config = new pulumi.Config(namespace)));
    return config.requireSecret(key);
  });
  return pulumi.secret(
    pulumi.all(values).apply((vs) => Buffer.from(vs.join(''), 'utf8').toString('base64')),
  );
}
