/**
 * Application secret values for a stack: which `secrets:*` config keys a plan needs, which
 * are set, and filling the rest from `STACKPILOT_SECRET_<NAME>` environment variables or,
 * for throwaway render targets only, from labelled placeholders.
 */
import type { Stack } from '@pulumi/pulumi/automation';
import { SECRETS_NAMESPACE } from '../model/environment';
import { InputError } from '../model/errors';
import type { DeploymentPlan } from '../model/plan';

/** What to do about a secret that has no value: fail, or set a labelled placeholder. */
export type MissingSecretPolicy = 'error' | 'placeholder';

/** Every Pulumi config key the plan's Secrets read, sorted. */
export function requiredSecretKeys(plan: DeploymentPlan): string[] {
  const keys = new Set<string>();
  for (const node of plan.nodes) {
    if (node.kind !== 'secret') continue;
    for (const entry of node.spec.entries) {
      for (const part of entry.parts) if ('config' in part) keys.add(part.config);
    }
  }
  return [...keys].sort();
}

/** The environment variable that can carry a secret config key's value. */
export function secretEnvVar(key: string): string {
  const name = key.startsWith(`${SECRETS_NAMESPACE}:`)
    ? key.slice(SECRETS_NAMESPACE.length + 1)
    : key;
  return `STACKPILOT_SECRET_${name.replace(/[^A-Za-z0-9_]/g, '_').toUpperCase()}`;
}

/** The outcome of making sure every secret has a value. */
export interface SecretSync {
  /** All secret values now set on the stack: the redaction list for this operation. */
  values: string[];
  /** Keys that got placeholders, for the operation's warnings. */
  placeholders: string[];
}

/**
 * Ensures every key the plan needs is set on the stack as a secret: already set, taken from
 * its environment variable, or (policy `placeholder`) a placeholder. Throws an InputError
 * listing every missing key otherwise, before anything is deployed.
 */
export async function syncSecrets(
  stack: Stack,
  plan: DeploymentPlan,
  policy: MissingSecretPolicy,
  env: NodeJS.ProcessEnv,
): Promise<SecretSync> {
  const existing = await stack.getAllConfig();
  const values: string[] = [];
  const placeholders: string[] = [];
  const missing: string[] = [];
  const toSet: Record<string, { value: string; secret: true }> = {};
  for (const key of requiredSecretKeys(plan)) {
    const fromEnv = env[secretEnvVar(key)];
    if (fromEnv) {
      toSet[key] = { value: fromEnv, secret: true };
      values.push(fromEnv);
    } else if (existing[key]) {
      values.push(existing[key].value);
    } else if (policy === 'placeholder') {
      toSet[key] = {
        value: `placeholder-${key.replace(/[^a-z0-9]/gi, '-').toLowerCase()}`,
        secret: true,
      };
      placeholders.push(key);
    } else {
      missing.push(key);
    }
  }
  if (missing.length) {
    throw new InputError(
      `environment ${stack.name} needs secret values that are not set`,
      missing.map((key) => ({
        field: key,
        message: `set it with \`stackpilot secrets set ${key} --env ${stack.name}\` or the ${secretEnvVar(key)} variable`,
      })),
    );
  }
  // One CLI call for all of them: each call is a process start.
  if (Object.keys(toSet).length) await stack.setAllConfig(toSet);
  // Existing config values of every namespace are redacted too, secret or not-yet-known.
  for (const [key, value] of Object.entries(existing))
    if (value.secret && !key.startsWith('stackpilot:')) values.push(value.value);
  return { values: [...new Set(values)], placeholders };
}
