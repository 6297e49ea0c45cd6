/**
 * A diagnosis: why a stack's objects on the cluster are not doing their job, each cause tied
 * to the plan decision that led to it and, where the plan can change it, the stack-config
 * override that fixes it. Produced by `src/diagnose/` (a pure function of a plan and a
 * {@link DiagnosisSnapshot}); served by `stackpilot diagnose` and
 * `GET /v1/stacks/:env/diagnosis`, and attached to a failed `up`.
 */
import { z } from 'zod';

/** The failure classes a diagnosis knows, a closed vocabulary. */
export const FailureClassSchema = z.enum([
  'crash-loop',
  'oom-killed',
  'image-pull',
  'config-missing',
  'unschedulable',
  'claim-unbound',
  'readiness',
  'probe-mismatch',
  'no-endpoints',
  'migration-failed',
  'rollout-stuck',
  'autoscaler-no-metrics',
  'ingress-misconfigured',
  'network-policy-blocks',
]);
export type FailureClass = z.infer<typeof FailureClassSchema>;

/** The plan decision behind a finding: which skill chose what, and why. */
export const FindingDecisionSchema = z.strictObject({
  skill: z.string(),
  topic: z.string(),
  choice: z.string(),
  reason: z.string(),
});
export type FindingDecision = z.infer<typeof FindingDecisionSchema>;

/**
 * The fix of a finding. `config` is a partial `stackpilot:` stack config (the keys of
 * `EnvironmentConfigSchema`, e.g. `{components: {worker: {memory: '1Gi'}}}`) that `--fix` merges
 * into `stacks/Pulumi.<env>.yaml`; `command` is what to run when the fix is not a config change
 * (`stackpilot secrets set …`, `stackpilot build …`, `stackpilot up …`). A fix never loosens a
 * security default (never root, never privileged, never a wider NetworkPolicy than the plan's).
 */
export const FixSchema = z.strictObject({
  /** One line: what to change. */
  summary: z.string(),
  /** Why this value: the observed figure (`OOMKilled at its 256Mi limit, 3 times`). */
  reason: z.string(),
  config: z.record(z.string(), z.unknown()).optional(),
  command: z.string().optional(),
});
export type Fix = z.infer<typeof FixSchema>;

/** One thing wrong, with its evidence, cause, decision and fix. */
export const FindingSchema = z.strictObject({
  class: FailureClassSchema,
  /** The plan component the object belongs to, when it belongs to one. */
  component: z.string().optional(),
  /** `Deployment shop-dev/api`. */
  object: z.string(),
  /** Status fields and events, quoted as the cluster reported them. */
  evidence: z.array(z.string()),
  /** One line: what is wrong and what it means (`exit code 137: killed by SIGKILL …`). */
  cause: z.string(),
  decision: FindingDecisionSchema.optional(),
  /** Absent when the fix is outside the plan's reach; `cause` then says what to look at. */
  fix: FixSchema.optional(),
});
export type Finding = z.infer<typeof FindingSchema>;

/** The diagnosis of one stack. */
export const DiagnosisSchema = z.strictObject({
  project: z.string(),
  environment: z.string(),
  namespace: z.string(),
  /** The plan the objects were compared with. */
  planHash: z.string().optional(),
  /** No findings. */
  healthy: z.boolean(),
  findings: z.array(FindingSchema),
  /** What could not be read or checked (RBAC, logs a kwok node does not serve). */
  notes: z.array(z.string()),
});
export type Diagnosis = z.infer<typeof DiagnosisSchema>;
