/**
 * The DeploymentPlan: what will be deployed in one environment, and why.
 *
 * Provider-neutral: nodes describe workloads, services, routes, secrets, policies,
 * autoscalers, disruption budgets, jobs and backups without Kubernetes SDK types; only
 * `src/program/` maps them to `@pulumi/kubernetes` resources, one node to one resource.
 * Deterministic: arrays are sorted, no timestamps, and `hash` is the sha256 of the
 * canonical JSON of everything else.
 */
import { z } from 'zod';
import { RolloutStrategySchema } from './environment';

const Labels = z.record(z.string(), z.string());

/**
 * The `app.kubernetes.io/instance` label value of an app's objects in one environment: one
 * value per (app, environment), at most 63 characters as label values must be.
 */
export function instanceName(app: string, environment: string): string {
  return `${app}-${environment}`.slice(0, 63).replace(/-+$/, '');
}

/** A node's stable id: `<kind>/<name>`, e.g. `workload/api`, `secret/api`, `namespace`. */
export const NodeIdSchema = z.string().regex(/^[a-z][-a-z]*(\/[a-z0-9][-a-z0-9.]*)?$/);

export const ResourceQuantitiesSchema = z.strictObject({
  cpu: z.string().optional(),
  memory: z.string(),
  'ephemeral-storage': z.string().optional(),
});
export const ResourcesSchema = z.strictObject({
  requests: ResourceQuantitiesSchema.extend({ cpu: z.string() }),
  limits: ResourceQuantitiesSchema,
});
export type Resources = z.infer<typeof ResourcesSchema>;

export const ProbeSchema = z.strictObject({
  handler: z.union([
    z.strictObject({
      http: z.strictObject({ path: z.string(), port: z.union([z.number().int(), z.string()]) }),
    }),
    z.strictObject({ tcp: z.strictObject({ port: z.union([z.number().int(), z.string()]) }) }),
    z.strictObject({ exec: z.strictObject({ command: z.array(z.string()).min(1) }) }),
  ]),
  initialDelaySeconds: z.number().int().min(0),
  periodSeconds: z.number().int().min(1),
  timeoutSeconds: z.number().int().min(1),
  failureThreshold: z.number().int().min(1),
  successThreshold: z.number().int().min(1),
});
export type Probe = z.infer<typeof ProbeSchema>;

export const ContainerSecurityContextSchema = z.strictObject({
  runAsNonRoot: z.literal(true),
  runAsUser: z.number().int().min(10000),
  runAsGroup: z.number().int().min(10000),
  readOnlyRootFilesystem: z.boolean(),
  allowPrivilegeEscalation: z.literal(false),
  privileged: z.literal(false),
  capabilities: z.strictObject({ drop: z.array(z.string()), add: z.array(z.string()).optional() }),
  seccompProfile: z.strictObject({ type: z.literal('RuntimeDefault') }),
});
export type ContainerSecurityContext = z.infer<typeof ContainerSecurityContextSchema>;

/** One env var of a container: a literal, a key of a plan Secret, or a key of a plan ConfigMap. */
export const ContainerEnvSchema = z.union([
  z.strictObject({ name: z.string(), value: z.string() }),
  z.strictObject({
    name: z.string(),
    secret: z.strictObject({ name: z.string(), key: z.string() }),
  }),
  z.strictObject({
    name: z.string(),
    config: z.strictObject({ name: z.string(), key: z.string() }),
  }),
]);
export type ContainerEnv = z.infer<typeof ContainerEnvSchema>;

export const ContainerSchema = z.strictObject({
  name: z.string(),
  /** Immutable reference: `repo:tag` with a tag that is never `latest`, or `repo@sha256:…`. */
  image: z.string().refine((i) => !/:latest$/.test(i) && /[:@]/.test(i.split('/').pop() ?? ''), {
    message: 'image must carry an immutable tag (never latest)',
  }),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  ports: z.array(z.strictObject({ name: z.string(), containerPort: z.number().int() })),
  env: z.array(ContainerEnvSchema),
  resources: ResourcesSchema,
  probes: z.strictObject({
    liveness: ProbeSchema.optional(),
    readiness: ProbeSchema.optional(),
    startup: ProbeSchema.optional(),
  }),
  securityContext: ContainerSecurityContextSchema,
  volumeMounts: z.array(
    z.strictObject({ name: z.string(), mountPath: z.string(), readOnly: z.boolean().optional() }),
  ),
});
export type Container = z.infer<typeof ContainerSchema>;

export const PodVolumeSchema = z.union([
  z.strictObject({
    name: z.string(),
    emptyDir: z.strictObject({ sizeLimit: z.string(), medium: z.literal('Memory').optional() }),
  }),
  z.strictObject({ name: z.string(), secret: z.strictObject({ secretName: z.string() }) }),
  z.strictObject({ name: z.string(), configMap: z.strictObject({ name: z.string() }) }),
  z.strictObject({ name: z.string(), claim: z.strictObject({ claimName: z.string() }) }),
]);
export type PodVolume = z.infer<typeof PodVolumeSchema>;

export const PodTemplateSchema = z.strictObject({
  labels: Labels,
  annotations: Labels,
  serviceAccount: z.string(),
  automountServiceAccountToken: z.literal(false),
  securityContext: z.strictObject({
    runAsNonRoot: z.literal(true),
    runAsUser: z.number().int().min(10000),
    runAsGroup: z.number().int().min(10000),
    fsGroup: z.number().int().min(10000),
    seccompProfile: z.strictObject({ type: z.literal('RuntimeDefault') }),
  }),
  containers: z.array(ContainerSchema).min(1),
  initContainers: z.array(ContainerSchema),
  volumes: z.array(PodVolumeSchema),
  topologySpread: z.array(
    z.strictObject({
      topologyKey: z.string(),
      maxSkew: z.number().int().min(1),
      whenUnsatisfiable: z.enum(['DoNotSchedule', 'ScheduleAnyway']),
    }),
  ),
  terminationGracePeriodSeconds: z.number().int().min(0),
  restartPolicy: z.enum(['Always', 'OnFailure', 'Never']),
});
export type PodTemplate = z.infer<typeof PodTemplateSchema>;

export const JobSpecSchema = z.strictObject({
  template: PodTemplateSchema,
  backoffLimit: z.number().int().min(0),
  activeDeadlineSeconds: z.number().int().min(1),
  ttlSecondsAfterFinished: z.number().int().min(0),
});
export type JobSpec = z.infer<typeof JobSpecSchema>;

/** A part of a Secret value: literal text, a Pulumi secret config key, or a generated secret node. */
export const SecretPartSchema = z.union([
  z.strictObject({ text: z.string() }),
  /** Full Pulumi config key, e.g. `secrets:OPENAI_API_KEY`. */
  z.strictObject({ config: z.string() }),
  /** Id of a `generated-secret` node. */
  z.strictObject({ generated: NodeIdSchema }),
]);
export type SecretPart = z.infer<typeof SecretPartSchema>;

const nodeBase = {
  id: NodeIdSchema,
  /** The Kubernetes object name (DNS-1123). */
  name: z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/),
  /** The component this node belongs to, if any. */
  component: z.string().optional(),
  /** The skill that created the node. */
  skill: z.string(),
  /** Ordering a skill declares beyond what the spec references, each with its reason. */
  after: z.array(z.strictObject({ node: NodeIdSchema, reason: z.string() })).default([]),
  /** Exactly the nodes this one waits for; computed by the plan graph. Sorted. */
  dependsOn: z.array(NodeIdSchema).default([]),
};

export const PlanNodeSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    ...nodeBase,
    kind: z.literal('namespace'),
    spec: z.strictObject({ labels: Labels }),
  }),
  z.strictObject({
    ...nodeBase,
    kind: z.literal('service-account'),
    spec: z.strictObject({ automountToken: z.literal(false) }),
  }),
  z.strictObject({
    ...nodeBase,
    kind: z.literal('config'),
    spec: z.strictObject({ data: Labels }),
  }),
  z.strictObject({
    ...nodeBase,
    kind: z.literal('secret'),
    spec: z.strictObject({
      entries: z.array(
        z.strictObject({ key: z.string(), parts: z.array(SecretPartSchema).min(1) }),
      ),
    }),
  }),
  z.strictObject({
    ...nodeBase,
    kind: z.literal('generated-secret'),
    spec: z.strictObject({ length: z.number().int().min(16), special: z.boolean() }),
  }),
  z.strictObject({
    ...nodeBase,
    kind: z.literal('volume'),
    spec: z.strictObject({
      storage: z.string(),
      accessModes: z.array(z.string()),
      storageClass: z.string().optional(),
    }),
  }),
  z.strictObject({
    ...nodeBase,
    kind: z.literal('workload'),
    spec: z.strictObject({
      controller: z.enum(['deployment', 'statefulset']),
      /** Absent when an autoscaler owns the replica count. */
      replicas: z.number().int().min(0).optional(),
      selector: Labels,
      template: PodTemplateSchema,
      strategy: z.union([
        z.strictObject({
          type: z.literal('rolling'),
          maxSurge: z.union([z.number(), z.string()]),
          maxUnavailable: z.union([z.number(), z.string()]),
        }),
        z.strictObject({ type: z.literal('recreate') }),
      ]),
      minReadySeconds: z.number().int().min(0),
      revisionHistoryLimit: z.number().int().min(0),
      progressDeadlineSeconds: z.number().int().min(1),
      /** StatefulSet only: the governing headless Service name. */
      serviceName: z.string().optional(),
      /** StatefulSet only: per-replica claims. */
      volumeClaims: z
        .array(
          z.strictObject({
            name: z.string(),
            storage: z.string(),
            accessModes: z.array(z.string()),
            /** Absent: the cluster's default StorageClass. */
            storageClass: z.string().optional(),
          }),
        )
        .optional(),
      /** Blue-green colour of this workload, when the rollout is blue-green. */
      color: z.enum(['blue', 'green']).optional(),
    }),
  }),
  z.strictObject({ ...nodeBase, kind: z.literal('job'), spec: JobSpecSchema }),
  z.strictObject({
    ...nodeBase,
    kind: z.literal('cron-job'),
    spec: z.strictObject({
      schedule: z.string(),
      concurrencyPolicy: z.enum(['Forbid', 'Replace', 'Allow']),
      /**
       * Seconds after a missed scheduled time within which the run may still start; past it the
       * run is skipped and counted as missed. Absent: no deadline (Kubernetes' default).
       */
      startingDeadlineSeconds: z.number().int().min(10).optional(),
      successfulJobsHistoryLimit: z.number().int().min(0),
      failedJobsHistoryLimit: z.number().int().min(0),
      job: JobSpecSchema,
    }),
  }),
  z.strictObject({
    ...nodeBase,
    kind: z.literal('service'),
    spec: z.strictObject({
      selector: Labels,
      ports: z
        .array(
          z.strictObject({
            name: z.string(),
            port: z.number().int(),
            targetPort: z.union([z.number().int(), z.string()]),
          }),
        )
        .min(1),
      headless: z.boolean(),
      annotations: Labels,
    }),
  }),
  z.strictObject({
    ...nodeBase,
    kind: z.literal('route'),
    spec: z.strictObject({
      className: z.string(),
      host: z.string(),
      tls: z.strictObject({ secretName: z.string(), issuer: z.string() }).optional(),
      annotations: Labels,
      paths: z
        .array(
          z.strictObject({
            path: z.string(),
            pathType: z.enum(['Prefix', 'Exact']),
            service: z.string(),
            port: z.string(),
          }),
        )
        .min(1),
    }),
  }),
  z.strictObject({
    ...nodeBase,
    kind: z.literal('network-policy'),
    spec: z.strictObject({
      /** Empty selector = every pod in the namespace. */
      podSelector: Labels,
      policyTypes: z.array(z.enum(['Ingress', 'Egress'])),
      ingress: z.array(z.lazy(() => NetworkRuleSchema)),
      egress: z.array(z.lazy(() => NetworkRuleSchema)),
    }),
  }),
  z.strictObject({
    ...nodeBase,
    kind: z.literal('autoscaler'),
    spec: z.strictObject({
      target: z.strictObject({ kind: z.enum(['Deployment', 'StatefulSet']), name: z.string() }),
      minReplicas: z.number().int().min(1),
      maxReplicas: z.number().int().min(1),
      cpuUtilization: z.number().int(),
      memoryUtilization: z.number().int().optional(),
      scaleDownStabilizationSeconds: z.number().int().min(0),
    }),
  }),
  z.strictObject({
    ...nodeBase,
    kind: z.literal('disruption-budget'),
    spec: z.strictObject({
      selector: Labels,
      minAvailable: z.union([z.number().int(), z.string()]).optional(),
      maxUnavailable: z.union([z.number().int(), z.string()]).optional(),
    }),
  }),
  z.strictObject({
    ...nodeBase,
    kind: z.literal('service-monitor'),
    spec: z.strictObject({
      selector: Labels,
      port: z.string(),
      path: z.string(),
      interval: z.string(),
    }),
  }),
]);
export type PlanNode = z.infer<typeof PlanNodeSchema>;
export type PlanNodeKind = PlanNode['kind'];
/** The node of one kind, e.g. `NodeOf<'workload'>`. */
export type NodeOf<K extends PlanNodeKind> = Extract<PlanNode, { kind: K }>;

export const NetworkPeerSchema = z.union([
  z.strictObject({ pods: Labels }),
  z.strictObject({ namespaces: Labels, pods: Labels.optional() }),
  z.strictObject({ cidr: z.string(), except: z.array(z.string()).optional() }),
]);
export const NetworkRuleSchema = z.strictObject({
  /** Empty = any peer. */
  peers: z.array(NetworkPeerSchema),
  ports: z.array(z.strictObject({ port: z.number().int(), protocol: z.enum(['TCP', 'UDP']) })),
  /** Why this allow exists: the dependency edge or service it serves. */
  reason: z.string(),
});
export type NetworkRule = z.infer<typeof NetworkRuleSchema>;

/** One decision a skill took: what, the alternatives, and why. */
export const DecisionSchema = z.strictObject({
  skill: z.string(),
  /** What the decision is about: a component name, a node id, or `environment`. */
  subject: z.string(),
  topic: z.string(),
  choice: z.string(),
  alternatives: z.array(z.string()),
  reason: z.string(),
});
export type Decision = z.infer<typeof DecisionSchema>;

/**
 * How a component's image is produced: built by us from the repository's `dockerfile` or a
 * `generated` one, or pulled — a `prebuilt` image (compose `image:`, a data service, a stack
 * override) or the `published` image the repository names for a component it builds
 * (`stackpilot:images.source: published`).
 */
export const ImagePlanSchema = z.strictObject({
  component: z.string(),
  image: z.string(),
  source: z.enum(['dockerfile', 'generated', 'prebuilt', 'published']),
  /** Existing Dockerfile path, when the source is `dockerfile`. */
  dockerfile: z.string().optional(),
  /** The generated Dockerfile's text, when the source is `generated`. */
  generatedDockerfile: z.string().optional(),
  context: z.string().optional(),
  /**
   * Build arguments inlined into the image (public values such as Next.js `NEXT_PUBLIC_*`
   * URLs); never secrets. When present the image differs per environment and its tag says so.
   */
  buildArgs: z.record(z.string(), z.string()).optional(),
});
export type ImagePlan = z.infer<typeof ImagePlanSchema>;

export const CostLineSchema = z.strictObject({
  component: z.string(),
  cpuCores: z.number(),
  memoryGiB: z.number(),
  storageGiB: z.number(),
  monthly: z.number(),
});
export const CostSchema = z.strictObject({
  currency: z.string(),
  lines: z.array(CostLineSchema),
  /** Fixed costs, e.g. the ingress load balancer. */
  fixed: z.array(z.strictObject({ item: z.string(), monthly: z.number() })),
  totalMonthly: z.number(),
  assumptions: z.array(z.string()),
});
export type Cost = z.infer<typeof CostSchema>;

export const RolloutPlanSchema = z.strictObject({
  strategy: RolloutStrategySchema,
  /** Blue-green: the colour the Services point at. */
  activeColor: z.enum(['blue', 'green']).optional(),
  autoRollback: z.boolean(),
  /** How to undo this deployment, step by step. */
  rollbackSteps: z.array(z.string()),
});
export type RolloutPlan = z.infer<typeof RolloutPlanSchema>;

export const RecoveryPlanSchema = z.strictObject({
  backups: z.array(
    z.strictObject({
      component: z.string(),
      node: NodeIdSchema,
      schedule: z.string(),
      retentionDays: z.number().int(),
      method: z.string(),
    }),
  ),
  /** Recovery objectives as planned: point-in-time and time-to-restore, in words. */
  objectives: z.strictObject({ rpo: z.string(), rto: z.string() }),
  runbook: z.array(z.string()),
});
export type RecoveryPlan = z.infer<typeof RecoveryPlanSchema>;

/** The whole plan of one environment. */
export const DeploymentPlanSchema = z.strictObject({
  schemaVersion: z.literal(1),
  app: z.string(),
  environment: z.string(),
  namespace: z.string(),
  /** `sha256:` of the canonical JSON of the plan without this field. */
  hash: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  images: z.array(ImagePlanSchema),
  nodes: z.array(PlanNodeSchema),
  /** Deployment waves: nodes of wave N depend only on nodes of earlier waves. */
  waves: z.array(z.array(NodeIdSchema)),
  decisions: z.array(DecisionSchema),
  cost: CostSchema,
  rollout: RolloutPlanSchema,
  recovery: RecoveryPlanSchema,
  /** What the stack exports. */
  outputs: z.strictObject({
    publicUrls: z.array(z.string()),
    /** Component name → in-cluster address (`http://api.shop-dev.svc.cluster.local:8000`). */
    addresses: z.record(z.string(), z.string()),
  }),
  warnings: z.array(z.string()),
});
export type DeploymentPlan = z.infer<typeof DeploymentPlanSchema>;
