/**
 * Where the image tools are: crane, actionlint and the distribution registry are built by
 * `scripts/setup-images.sh` into its cache; buildah is a system package, found on PATH.
 */
import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** A tool that `scripts/setup-images.sh` builds. */
export type ImageTool = 'crane' | 'actionlint' | 'registry';

/** The cache that `scripts/setup-images.sh` fills (`STACKPILOT_IMAGES_DIR` overrides it). */
export function imagesCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.STACKPILOT_IMAGES_DIR ?? join(homedir(), '.cache', 'stackpilot', 'images');
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The absolute path of a built image tool; throws, naming `npm run setup`, when it is not built.
 */
export function imageTool(name: ImageTool, env: NodeJS.ProcessEnv = process.env): string {
  const path = join(imagesCacheDir(env), 'bin', name);
  if (!isExecutable(path))
    throw new Error(
      `${name} is not built (no ${path}): run \`npm run setup\` (or \`bash scripts/setup-images.sh\`)`,
    );
  return path;
}

/** The image builder on PATH: `'buildah'` when there is one, else undefined. */
export function builderOnPath(env: NodeJS.ProcessEnv = process.env): 'buildah' | undefined {
  const dirs = (env.PATH ?? '').split(delimiter).filter((d) => d !== '');
  return dirs.some((d) => isExecutable(join(d, 'buildah'))) ? 'buildah' : undefined;
}
