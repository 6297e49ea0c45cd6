/**
 * The skill contract. A skill is one module with an id, the ids of the skills whose output
 * it reads, and one pure function from its input to its contribution and decisions. The
 * orchestrator (`orchestrator.ts`) orders skills by `needs`, runs them, and merges their
 * contributions, rejecting two skills that write the same field.
 */
import { z } from 'zod';
import type { AppModel } from '../model/app';
import type { Environment } from '../model/environment';
import type { DeploymentPlan } from '../model/plan';
import {
  ContainerEnvSchema,
  ContainerSecurityContextSchema,
  CostSchema,
  DecisionSchema,
  ImagePlanSchema,
  PlanNodeSchema,
  PodTemplateSchema,
  ProbeSchema,
  RecoveryPlanSchema,
  ResourcesSchema,
  RolloutPlanSchema,
  PodVolumeSchema,
  type Decision,
  type PlanNode,
} from '../model/plan';

/**
 * What the skills know about one component's workload, field by field. Each field is written
 * by exactly one skill; the `workloads` skill assembles workload and job nodes from them.
 */
export const ComponentFactsSchema = z.strictObject({
  /** containerize: immutable image reference. */
  image: z.string(),
  /** containerize: entrypoint override and arguments. */
  command: z.array(z.string()),
  args: z.array(z.string()),
  /** containerize: named container ports. */
  ports: z.array(z.strictObject({ name: z.string(), containerPort: z.number().int() })),
  /**
   * workloads (app components) / data-services (data components): which controller runs it;
   * `job` for run-once components, `none` for components not run in-cluster.
   */
  controller: z.enum(['deployment', 'statefulset', 'job', 'none']),
  /** scaling: requests and limits. */
  resources: ResourcesSchema,
  /** scaling: fixed replica count, absent when autoscaled. */
  replicas: z.number().int().min(0).optional(),
  autoscaled: z.boolean(),
  topologySpread: PodTemplateSchema.shape.topologySpread,
  /** observability: probes and scrape annotations. */
  probes: z.strictObject({
    liveness: ProbeSchema.optional(),
    readiness: ProbeSchema.optional(),
    startup: ProbeSchema.optional(),
  }),
  podAnnotations: z.record(z.string(), z.string()),
  /** observability: structured-logging env entries (`LOG_FORMAT=json`), only names the app does not set. */
  logEnv: z.array(ContainerEnvSchema),
  /** secrets: env entries that read plan Secrets. */
  secretEnv: z.array(ContainerEnvSchema),
  /**
   * secrets: env entries of the component's migration Job that differ from `secretEnv`
   * (the direct, unpooled database URL instead of the pooled one).
   */
  migrationSecretEnv: z.array(ContainerEnvSchema),
  /** networking: service-discovery env entries (in-cluster URLs). */
  discoveryEnv: z.array(ContainerEnvSchema),
  /** workloads (app components) / data-services (data components): plain config env entries. */
  configEnv: z.array(ContainerEnvSchema),
  /** security: identity and security contexts. */
  serviceAccount: z.string(),
  podSecurityContext: PodTemplateSchema.shape.securityContext,
  securityContext: ContainerSecurityContextSchema,
  /** security: writable scratch volumes (emptyDir) and their mounts, for a read-only root. */
  scratchVolumes: z.array(z.strictObject({ volume: PodVolumeSchema, mountPath: z.string() })),
  /**
   * data-services: per-replica persistent claims for a StatefulSet, with mount paths and the
   * StorageClass (absent: the cluster's default).
   */
  volumeClaims: z.array(
    z.strictObject({
      name: z.string(),
      storage: z.string(),
      mountPath: z.string(),
      storageClass: z.string().optional(),
    }),
  ),
  /** rollout: update strategy parameters. */
  strategy: z.union([
    z.strictObject({
      type: z.literal('rolling'),
      maxSurge: z.union([z.number(), z.string()]),
      maxUnavailable: z.union([z.number(), z.string()]),
    }),
    z.strictObject({ type: z.literal('recreate') }),
  ]),
  minReadySeconds: z.number().int().min(0),
  terminationGracePeriodSeconds: z.number().int().min(0),
  /** rollout: how many old ReplicaSets to keep for `rollout undo`, and when a rollout counts as stuck. */
  revisionHistoryLimit: z.number().int().min(0),
  progressDeadlineSeconds: z.number().int().min(1),
  /**
   * rollout: blue-green colours of a component. `active` gets this plan's image; the standby
   * colour keeps `standbyImage` (the previous release, warm for an instant switch-back) or,
   * with no previous release, runs this image at zero replicas.
   */
  blueGreen: z.strictObject({
    active: z.enum(['blue', 'green']),
    standbyImage: z.string().optional(),
  }),
});
export type ComponentFacts = z.infer<typeof ComponentFactsSchema>;
export type FactField = keyof ComponentFacts;

/** Plan-level sections a skill may write, each owned by one skill. */
export const PlanSectionsSchema = z.strictObject({
  images: z.array(ImagePlanSchema),
  cost: CostSchema,
  rollout: RolloutPlanSchema,
  recovery: RecoveryPlanSchema,
  publicUrls: z.array(z.string()),
  addresses: z.record(z.string(), z.string()),
});
export type PlanSections = z.infer<typeof PlanSectionsSchema>;

/**
 * What one skill returns. Nodes are new plan nodes (ids unique across all skills; `dependsOn`
 * is left empty: the plan graph computes it). Facts are per-component fields.
 */
export const SkillContributionSchema = z.strictObject({
  facts: z.record(z.string(), ComponentFactsSchema.partial()).default({}),
  nodes: z.array(PlanNodeSchema).default([]),
  sections: PlanSectionsSchema.partial().default({}),
  decisions: z.array(DecisionSchema).default([]),
  warnings: z.array(z.string()).default([]),
});
export type SkillContribution = z.input<typeof SkillContributionSchema>;

/** What a skill reads: the app, the environment, and everything the skills before it wrote. */
export interface SkillInput {
  readonly app: AppModel;
  readonly env: Environment;
  /** Merged facts so far, by component name. */
  readonly facts: Readonly<Record<string, Partial<ComponentFacts>>>;
  /** Nodes contributed so far, sorted by id. */
  readonly nodes: readonly PlanNode[];
  /** Plan sections contributed so far. */
  readonly sections: Readonly<Partial<PlanSections>>;
  /**
   * The plan deployed before this one in the same environment, when the caller knows it.
   * Only the rollout skill reads it (blue-green keeps the previous release on the standby colour).
   */
  readonly previous?: DeploymentPlan;
}

/** A planning skill. `run` must be pure: same input, same output. */
export interface Skill {
  /** Unique id, lowercase with dashes, e.g. `scaling`. */
  readonly id: string;
  /** Ids of skills whose output this one reads; they run first. */
  readonly needs: readonly string[];
  /** One sentence on what the skill decides, for `--help` and the report. */
  readonly description: string;
  run(input: SkillInput): SkillContribution | Promise<SkillContribution>;
}

/** Convenience for building a decision record. */
export function decision(
  skill: string,
  subject: string,
  topic: string,
  choice: string,
  reason: string,
  alternatives: string[] = [],
): Decision {
  return { skill, subject, topic, choice, alternatives, reason };
}
