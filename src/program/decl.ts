/**
 * The program's own intermediate form: one {@link ResourceDecl} per plan node, plain data
 * that both the inline program (`construct.ts`) and the ejected source (`eject/`) are made
 * from, so the two can never disagree about types, names, inputs or ordering.
 */
import type { SecretPart } from '../model/plan';

/** Every resource class the program creates, spelled as its expression in the SDKs. */
export const RESOURCE_CLASSES = [
  'k8s.core.v1.Namespace',
  'k8s.core.v1.ServiceAccount',
  'k8s.core.v1.ConfigMap',
  'k8s.core.v1.Secret',
  'k8s.core.v1.PersistentVolumeClaim',
  'k8s.core.v1.Service',
  'k8s.apps.v1.Deployment',
  'k8s.apps.v1.StatefulSet',
  'k8s.batch.v1.Job',
  'k8s.batch.v1.CronJob',
  'k8s.networking.v1.Ingress',
  'k8s.networking.v1.NetworkPolicy',
  'k8s.autoscaling.v2.HorizontalPodAutoscaler',
  'k8s.policy.v1.PodDisruptionBudget',
  'k8s.apiextensions.CustomResource',
  'random.RandomPassword',
] as const;
export type ResourceClass = (typeof RESOURCE_CLASSES)[number];

/**
 * A Secret `data` value: the base64 of a value assembled from parts (literal text, a Pulumi
 * secret config key, or the result of a generated-secret node), marked secret. It stays
 * symbolic here; `construct.ts` turns it into a `pulumi.secret` output and `ejected/` prints
 * the expression that builds the same output.
 */
export class SecretValue {
  constructor(readonly parts: readonly SecretPart[]) {}
}

/** Plain input data, with secret values left symbolic. */
export type Value =
  string | number | boolean | SecretValue | readonly Value[] | { readonly [key: string]: Value };

/** One resource to register, derived from one plan node. */
export interface ResourceDecl {
  /** The plan node this resource implements. */
  nodeId: string;
  /** Pulumi resource name (URN name): stable, derived from the node id. */
  name: string;
  cls: ResourceClass;
  args: { readonly [key: string]: Value };
  /** Node ids of exactly the resources this one waits for (the node's `dependsOn`). */
  dependsOn: readonly string[];
}

/** What a per-kind mapper returns: the resource class and its inputs. */
export interface MappedResource {
  cls: ResourceClass;
  args: { readonly [key: string]: Value };
}

/**
 * Builders type their inputs against the SDK argument types (so a misspelled field fails to
 * compile) and hand them over through this cast: they only ever contain plain data and
 * {@link SecretValue}s.
 */
export function plain(args: object): { readonly [key: string]: Value } {
  return args as { readonly [key: string]: Value };
}

/**
 * Splits a full Pulumi config key at its first colon: `secrets:OPENAI_API_KEY` → namespace
 * `secrets`, key `OPENAI_API_KEY`. A key without a namespace belongs to the project's own
 * namespace (`namespace` undefined, as `new pulumi.Config()` reads it).
 */
export function splitConfigKey(full: string): { namespace?: string; key: string } {
  const i = full.indexOf(':');
  return i < 0 ? { key: full } : { namespace: full.slice(0, i), key: full.slice(i + 1) };
}
