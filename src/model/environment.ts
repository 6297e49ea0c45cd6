/**
 * The Environment: what one deployment environment *wants*.
 *
 * Read from the `stackpilot:`-namespaced keys of `stacks/Pulumi.<env>.yaml`, a real Pulumi
 * stack config file. Unknown keys are errors (strict objects) so that a typo is reported,
 * not silently ignored. Defaults are stated on each field; per-environment defaults
 * (dev small, prod replicated and gated) are applied by `src/plan/environment.ts`.
 */
import { z } from 'zod';

/** The config namespace of every stackpilot key in a stack file. */
export const CONFIG_NAMESPACE = 'stackpilot';
/** The config namespace of application secret values (`secrets:OPENAI_API_KEY`). */
export const SECRETS_NAMESPACE = 'secrets';

export const TierSchema = z.enum(['small', 'medium', 'large']);
export type Tier = z.infer<typeof TierSchema>;

export const RolloutStrategySchema = z.enum(['rolling', 'blue-green']);
export type RolloutStrategy = z.infer<typeof RolloutStrategySchema>;

/**
 * How a cluster target receives the plan's objects: `manifests`, one Pulumi resource per
 * object; or `helm`, the app's Helm chart installed as one Helm release (Namespace, Secrets and
 * generated passwords stay Pulumi resources beside it). Default `manifests`.
 */
export const DeliverySchema = z.enum(['manifests', 'helm']);
export type Delivery = z.infer<typeof DeliverySchema>;

/** Where the stack deploys: a kube context, or YAML rendered to a directory. */
export const TargetSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('render'),
    /** Directory for rendered YAML, relative to the state directory. Default `rendered/<env>`. */
    directory: z.string().optional(),
  }),
  z.strictObject({
    kind: z.literal('cluster'),
    /** kubeconfig context name. */
    context: z.string().min(1),
    /** kubeconfig path; default: the provider's default lookup. */
    kubeconfig: z.string().optional(),
  }),
]);
export type Target = z.infer<typeof TargetSchema>;
/** A target that is a live cluster. */
export type ClusterTarget = Extract<Target, { kind: 'cluster' }>;

export const AutoscalingSchema = z.strictObject({
  enabled: z.boolean(),
  minReplicas: z.number().int().min(1).optional(),
  maxReplicas: z.number().int().min(1).optional(),
  /** Target average CPU utilisation in percent. Default 70. */
  targetCPUUtilization: z.number().int().min(10).max(100).optional(),
});
export type Autoscaling = z.infer<typeof AutoscalingSchema>;

/** Per-component overrides inside one environment. */
export const ComponentOverrideSchema = z.strictObject({
  replicas: z.number().int().min(0).optional(),
  tier: TierSchema.optional(),
  autoscaling: AutoscalingSchema.partial().optional(),
  cpu: z.string().optional(),
  memory: z.string().optional(),
  env: z.record(z.string(), z.string()).optional(),
  image: z.string().optional(),
  disabled: z.boolean().optional(),
  /**
   * The port the component's process listens on, when the analysis got it wrong: container
   * port, Service, probes, network policies and the URLs its dependents get all follow it.
   * The image is unchanged. Default: the analyzed port.
   */
  port: z
    .number()
    .int('must be a whole port number')
    .min(1, 'must be a port number from 1 to 65535')
    .max(65535, 'must be a port number from 1 to 65535')
    .optional(),
  /**
   * The HTTP path the probes request, replacing the health and readiness paths the analysis
   * found. Default: the analyzed paths.
   */
  healthPath: z
    .string()
    .regex(/^\/[^\s]*$/, 'must be an HTTP path starting with "/" (e.g. "/healthz")')
    .optional(),
});
export type ComponentOverride = z.infer<typeof ComponentOverrideSchema>;

/** A StorageClass name: a DNS subdomain (lowercase letters, digits, `-` and `.`). */
export const StorageClassNameSchema = z
  .string()
  .regex(
    /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/,
    'must be a StorageClass name (lowercase letters, digits, "-" and ".")',
  );

/** Monthly unit prices used for the cost estimate. Defaults: a typical managed cluster in USD. */
export const CostRatesSchema = z.strictObject({
  currency: z.string().default('USD'),
  cpuCoreMonth: z.number().nonnegative().optional(),
  memoryGiBMonth: z.number().nonnegative().optional(),
  storageGiBMonth: z.number().nonnegative().optional(),
  loadBalancerMonth: z.number().nonnegative().optional(),
});
export type CostRates = z.infer<typeof CostRatesSchema>;

/** How a cluster target is checked before an up and waited on during it. */
export const ClusterPolicySchema = z.strictObject({
  /**
   * A plan object whose CRD the cluster does not serve (ServiceMonitor without the Prometheus
   * operator): `omit` leaves it out with a decision and a warning, `refuse` fails preflight.
   * Default `omit`.
   */
  missingCrds: z.enum(['omit', 'refuse']),
  /** Seconds each workload, Job and Ingress may take to become ready. Default 300. */
  readinessTimeoutSeconds: z.number().int().min(5).max(3600),
});
export type ClusterPolicy = z.infer<typeof ClusterPolicySchema>;

/** Where a plan's images come from and how a deploy checks that they exist. */
export const ImagePolicySchema = z.strictObject({
  /**
   * Which images preview and up look up in their registries before deploying: `all`, only
   * those the plan `built` from source, or `off` (a cluster that pulls through a mirror).
   * Missing images refuse a cluster deploy and are warnings on a render target. Default `all`.
   */
  verify: z.enum(['all', 'built', 'off']),
  /**
   * For a component the repository also publishes an image of (compose `image:` beside
   * `build:`, its own manifests, Helm values or skaffold.yaml): `build` it from source, or
   * deploy the `published` image. Default `build`.
   */
  source: z.enum(['build', 'published']),
});
export type ImagePolicy = z.infer<typeof ImagePolicySchema>;

/** The raw `stackpilot:` keys of a stack file, all optional; `resolveEnvironment` fills defaults. */
export const EnvironmentConfigSchema = z.strictObject({
  namespace: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/)
    .optional(),
  tier: TierSchema.optional(),
  replicas: z.number().int().min(1).optional(),
  autoscaling: AutoscalingSchema.optional(),
  /** Public domain; the Ingress host is `<domain>` (frontends) with path routes to backends. */
  domain: z.string().optional(),
  tls: z.strictObject({ enabled: z.boolean(), issuer: z.string().optional() }).optional(),
  ingressClass: z.string().optional(),
  rollout: RolloutStrategySchema.optional(),
  approval: z
    .strictObject({
      required: z.boolean(),
      /** Minutes an approval stays valid. Default 60. */
      ttlMinutes: z.number().int().min(1).optional(),
    })
    .optional(),
  /** Roll back automatically to the last good version when an up fails. */
  autoRollback: z.boolean().optional(),
  target: TargetSchema.optional(),
  /** Spread replicas across nodes and zones. */
  spread: z.boolean().optional(),
  /** Emit a Prometheus-operator ServiceMonitor per scraped component. */
  serviceMonitor: z.boolean().optional(),
  /** Image registry prefix, e.g. `ghcr.io/acme`. */
  registry: z.string().optional(),
  /** Services the environment supplies as managed ones (skip in-cluster StatefulSets). */
  managed: z
    .strictObject({
      postgres: z.boolean().optional(),
      redis: z.boolean().optional(),
      rabbitmq: z.boolean().optional(),
    })
    .optional(),
  backup: z
    .strictObject({
      /** Cron schedule of backups. */
      schedule: z.string().optional(),
      retentionDays: z.number().int().min(1).optional(),
    })
    .optional(),
  components: z.record(z.string(), ComponentOverrideSchema).optional(),
  /**
   * StorageClass of every PersistentVolumeClaim of the plan (data services' claims, backup
   * volumes). Default: unset, the cluster's default class.
   */
  storageClass: StorageClassNameSchema.optional(),
  cost: CostRatesSchema.optional(),
  /** Path of a plan JSON file that the on-disk Pulumi program (`Pulumi.yaml` main) deploys. */
  planFile: z.string().optional(),
  /** How cluster targets are checked and waited on. */
  cluster: ClusterPolicySchema.partial().optional(),
  /** Where images come from and whether deploys check them. */
  images: ImagePolicySchema.partial().optional(),
  /** How a cluster target receives the objects: `manifests` (default) or a `helm` release. */
  delivery: DeliverySchema.optional(),
});
export type EnvironmentConfig = z.infer<typeof EnvironmentConfigSchema>;

/** An environment with every default applied: what the planner reads. */
export const EnvironmentSchema = z.strictObject({
  name: z.string().regex(/^[a-z][-a-z0-9]*$/),
  namespace: z.string(),
  tier: TierSchema,
  replicas: z.number().int().min(1),
  autoscaling: z.strictObject({
    enabled: z.boolean(),
    minReplicas: z.number().int().min(1),
    maxReplicas: z.number().int().min(1),
    targetCPUUtilization: z.number().int(),
  }),
  domain: z.string(),
  tls: z.strictObject({ enabled: z.boolean(), issuer: z.string() }),
  ingressClass: z.string(),
  rollout: RolloutStrategySchema,
  approval: z.strictObject({ required: z.boolean(), ttlMinutes: z.number().int() }),
  autoRollback: z.boolean(),
  target: TargetSchema,
  spread: z.boolean(),
  serviceMonitor: z.boolean(),
  registry: z.string(),
  managed: z.strictObject({ postgres: z.boolean(), redis: z.boolean(), rabbitmq: z.boolean() }),
  backup: z.strictObject({ schedule: z.string(), retentionDays: z.number().int() }),
  components: z.record(z.string(), ComponentOverrideSchema),
  /** Absent: claims use the cluster's default StorageClass. */
  storageClass: StorageClassNameSchema.optional(),
  cost: z.strictObject({
    currency: z.string(),
    cpuCoreMonth: z.number(),
    memoryGiBMonth: z.number(),
    storageGiBMonth: z.number(),
    loadBalancerMonth: z.number(),
  }),
  planFile: z.string().optional(),
  cluster: ClusterPolicySchema,
  images: ImagePolicySchema,
  delivery: DeliverySchema,
});
export type Environment = z.infer<typeof EnvironmentSchema>;
