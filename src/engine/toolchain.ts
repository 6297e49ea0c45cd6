/**
 * Locates the Pulumi CLI and plugin home that `npm run setup` (scripts/setup-engine.sh)
 * prepared, and the environment every engine call runs with. Never downloads anything:
 * update checks and automatic plugin acquisition are off.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../model/errors';

/** Where the engine binaries live and how to call them. */
export interface Toolchain {
  /** Absolute path of the `pulumi` binary. */
  cli: string;
  /** PULUMI_HOME holding the provider plugins. */
  pulumiHome: string;
}

const ManifestSchema = z.object({ pulumi: z.string(), pulumiHome: z.string() });

/** The engine cache directory: `$STACKPILOT_ENGINE_DIR`, default `~/.cache/stackpilot/engine`. */
export function engineCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.STACKPILOT_ENGINE_DIR ?? join(homedir(), '.cache', 'stackpilot', 'engine');
}

/**
 * Finds the toolchain: `$STACKPILOT_PULUMI_CLI` (with `$PULUMI_HOME` or the cache's home), else
 * the manifest the setup script wrote. Throws an InputError saying how to fix it otherwise.
 */
export function findToolchain(env: NodeJS.ProcessEnv = process.env): Toolchain {
  const cacheDir = engineCacheDir(env);
  const explicit = env.STACKPILOT_PULUMI_CLI;
  if (explicit) {
    if (!existsSync(explicit)) {
      throw new InputError(`STACKPILOT_PULUMI_CLI points at ${explicit}, which does not exist`);
    }
    return { cli: explicit, pulumiHome: env.PULUMI_HOME ?? join(cacheDir, 'home') };
  }
  const manifestPath = join(cacheDir, 'manifest.json');
  if (existsSync(manifestPath)) {
    const parsed = ManifestSchema.safeParse(JSON.parse(readFileSync(manifestPath, 'utf8')));
    if (parsed.success && existsSync(parsed.data.pulumi)) {
      return { cli: parsed.data.pulumi, pulumiHome: parsed.data.pulumiHome };
    }
  }
  throw new InputError(
    `the Pulumi engine is not set up (no ${manifestPath}). Run \`npm run setup\` once, ` +
      'or set STACKPILOT_PULUMI_CLI to an existing pulumi binary (>= 3.181).',
  );
}

/**
 * The directory `PulumiCommand.get({ root })` expects: the parent of the `bin/` that holds
 * `pulumi`. A CLI outside a `bin/` folder is therefore not supported.
 */
export function cliRoot(toolchain: Toolchain): string {
  return dirname(dirname(toolchain.cli));
}

/** Environment for every engine call: offline, quiet, with the chosen plugin home. */
export function engineEnv(
  toolchain: Toolchain,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    PULUMI_HOME: toolchain.pulumiHome,
    PULUMI_SKIP_UPDATE_CHECK: 'true',
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
    ...extra,
  };
}
