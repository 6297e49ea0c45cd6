/**
 * The engine's on-disk state directory (default `.stackpilot/` in the working directory):
 *
 * ```
 * backend/            the local file:// Pulumi backend (unless a backend URL is configured)
 * passphrase          generated passphrase for the passphrase secrets provider (0600)
 * workspaces/<app>/   Pulumi workspace of each project (Pulumi.yaml and per-stack settings)
 * plans/<hash>.json   content-addressed archive of every plan previewed or deployed
 * update-plans/       Pulumi update plans saved by previews, for approval-bound ups
 * rendered/<env>/     YAML rendered by render targets
 * charts/<app>/<env>/ the Helm chart of a helm-delivered stack, rewritten from the plan of
 *                     each operation before its release is checked or installed
 * charts/<app>/<env>.release.json  the chart digest and description its release last got
 * processes/          one record per running operation: its engine processes (pids, start times)
 * quarantine/         broken backend files that recover replaced or moved aside, kept as found
 * ```
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { InputError } from '../model/errors';

/** Where a project's engine state lives. */
export interface StateLayout {
  root: string;
  backendDir: string;
  passphraseFile: string;
  workspacesDir: string;
  plansDir: string;
  updatePlansDir: string;
  renderedDir: string;
  chartsDir: string;
  processesDir: string;
  quarantineDir: string;
}

/** The layout under `root` (made absolute against the working directory). */
export function stateLayout(root: string): StateLayout {
  const abs = resolve(root);
  return {
    root: abs,
    backendDir: join(abs, 'backend'),
    passphraseFile: join(abs, 'passphrase'),
    workspacesDir: join(abs, 'workspaces'),
    plansDir: join(abs, 'plans'),
    updatePlansDir: join(abs, 'update-plans'),
    renderedDir: join(abs, 'rendered'),
    chartsDir: join(abs, 'charts'),
    processesDir: join(abs, 'processes'),
    quarantineDir: join(abs, 'quarantine'),
  };
}

/** How to obtain the secrets passphrase when `PULUMI_CONFIG_PASSPHRASE` is not set. */
export type PassphrasePolicy = 'require' | 'generate-if-missing';

/** The outcome of resolving the passphrase; `generated` means a new one was just written. */
export interface Passphrase {
  value: string;
  source: 'environment' | 'state-file' | 'generated';
}

/**
 * Resolves the passphrase: `PULUMI_CONFIG_PASSPHRASE`, else the state file, else (policy
 * `generate-if-missing`) a new random one written with mode 0600, else an InputError.
 */
export function resolvePassphrase(
  layout: StateLayout,
  policy: PassphrasePolicy,
  env: NodeJS.ProcessEnv = process.env,
): Passphrase {
  const fromEnv = env.PULUMI_CONFIG_PASSPHRASE;
  if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, source: 'environment' };
  if (existsSync(layout.passphraseFile)) {
    return { value: readFileSync(layout.passphraseFile, 'utf8').trim(), source: 'state-file' };
  }
  if (policy === 'generate-if-missing') {
    mkdirSync(layout.root, { recursive: true });
    const value = randomBytes(24).toString('base64url');
    writeFileSync(layout.passphraseFile, `${value}\n`, { mode: 0o600, flag: 'wx' });
    return { value, source: 'generated' };
  }
  throw new InputError(
    `no secrets passphrase: set PULUMI_CONFIG_PASSPHRASE, or put one in ${layout.passphraseFile}`,
  );
}

/** The backend URL: the configured one, else `file://<state>/backend`. */
export function backendUrl(layout: StateLayout, configured?: string): string {
  if (configured) return configured;
  mkdirSync(layout.backendDir, { recursive: true });
  return `file://${layout.backendDir}`;
}

/** Resolves a render directory from stack config: relative paths live under the state dir. */
export function renderDirectory(layout: StateLayout, envName: string, configured?: string): string {
  if (!configured) return join(layout.renderedDir, envName);
  return isAbsolute(configured) ? configured : join(layout.root, configured);
}
