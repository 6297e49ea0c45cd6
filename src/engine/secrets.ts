/**
 * Application secret values for a stack: which `secrets:*` config keys a plan needs, which
 * are set, and filling the rest from `STACKPILOT_SECRET_<NAME>` environment variables or,
 * for throwaway render targets only, from labelled placeholders.
 */
import { spawn } from 'node:child_process';
import type { Stack } from '@pulumi/pulumi/automation';
import { SECRETS_NAMESPACE } from '../model/environment';
import { InputError } from '../model/errors';
import type { DeploymentPlan } from '../model/plan';
import { redact } from './redact';

/** Prefix of the environment variables that carry secret values. */
export const SECRET_ENV_PREFIX = 'STACKPILOT_SECRET_';

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
  return `${SECRET_ENV_PREFIX}${name.replace(/[^A-Za-z0-9_]/g, '_').toUpperCase()}`;
}

/**
 * Environment overrides that unset every `STACKPILOT_SECRET_*` variable of this process in a
 * child. The Automation API starts the pulumi CLI with this process's environment plus the
 * workspace's variables, and Node leaves a variable whose value is `undefined` out of a
 * child's environment: so these entries keep secret values away from the CLI and its plugins,
 * which read secrets from the stack config, never from these variables.
 */
export function withoutSecretValues(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const unset: Record<string, string | undefined> = {};
  for (const key of Object.keys(env)) if (key.startsWith(SECRET_ENV_PREFIX)) unset[key] = undefined;
  return unset as Record<string, string>;
}

/**
 * Runs `start` with every `STACKPILOT_SECRET_*` variable out of `process.env`, restored right
 * after `start` returns. For Automation API calls that spawn the pulumi CLI with this process's
 * environment and no way to pass our own (`PulumiCommand.get` runs `pulumi version`): they
 * spawn synchronously inside the call, before its first await, and nothing else runs between
 * the removal and the restore.
 */
export function withSecretsHidden<T>(start: () => T): T {
  const hidden = Object.entries(process.env).filter(([k]) => k.startsWith(SECRET_ENV_PREFIX));
  for (const [k] of hidden) delete process.env[k];
  try {
    return start();
  } finally {
    for (const [k, v] of hidden) process.env[k] = v;
  }
}

/**
 * Runs the stack's own pulumi CLI in the stack's workspace, with the Automation API's
 * environment minus every `STACKPILOT_SECRET_*` value: for the commands the Automation API
 * would run with a secret on their command line (`config set`) or cannot run at all (`stack
 * export --show-secrets`). A secret goes on standard input, never in argv.
 */
/** What {@link runStackCli} sends and masks. */
export interface StackCliOptions {
  /** Names the command in an error: `pulumi config set`. */
  what: string;
  /** Written to the command's standard input; none: stdin is closed. */
  input?: string;
  /** Masked in every error text. Default none. */
  secrets?: readonly string[];
}

/**
 * Runs `pulumi <args>` for `stack`, resolving with its standard output. Fails with `what`, the
 * exit code and its standard error (secrets masked); the output itself is never in an error.
 */
export function runStackCli(
  stack: Stack,
  args: string[],
  { what, input, secrets = [] }: StackCliOptions,
): Promise<string> {
  const ws = stack.workspace;
  return new Promise((resolve, reject) => {
    const child = spawn(ws.pulumiCommand.command, args, {
      cwd: ws.workDir,
      env: { ...process.env, ...withoutSecretValues(), ...ws.envVars },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) => reject(new Error(redact(err.message, secrets))));
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else
        reject(new Error(`${what} failed (exit ${code ?? 'signal'}):\n${redact(stderr, secrets)}`));
    });
    child.stdin.on('error', () => undefined); // a CLI that exits early closes its stdin
    child.stdin.end(input);
  });
}

/**
 * Sets secret config values on the stack, each through `pulumi config set --secret --raw KEY`
 * with the value on the command's standard input (the CLI reads it from there when no value
 * argument is given and stdin is not a terminal): never on a command line, where any local
 * user could read it, as the Automation API's setConfig and setAllConfig would put it. Runs
 * the stack's own CLI in the stack's workspace with the Automation API's environment.
 */
export async function setSecretConfig(stack: Stack, values: Record<string, string>): Promise<void> {
  for (const [key, value] of Object.entries(values)) {
    await runStackCli(
      stack,
      ['config', 'set', '--secret', '--raw', '--stack', stack.name, '--non-interactive', '--', key],
      { what: 'pulumi config set', input: value, secrets: Object.values(values) },
    );
  }
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
  const toSet: Record<string, string> = {};
  for (const key of requiredSecretKeys(plan)) {
    const fromEnv = env[secretEnvVar(key)];
    if (fromEnv) {
      // Each value set is a CLI process of its own (the value goes on its stdin): skip the same.
      if (existing[key]?.value !== fromEnv) toSet[key] = fromEnv;
      values.push(fromEnv);
    } else if (existing[key]) {
      values.push(existing[key].value);
    } else if (policy === 'placeholder') {
      toSet[key] = `placeholder-${key.replace(/[^a-z0-9]/gi, '-').toLowerCase()}`;
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
  // One CLI call per value, each on standard input: never in a command line.
  await setSecretConfig(stack, toSet);
  // Existing config values of every namespace are redacted too, secret or not-yet-known.
  for (const [key, value] of Object.entries(existing))
    if (value.secret && !key.startsWith('stackpilot:')) values.push(value.value);
  return { values: [...new Set(values)], placeholders };
}
