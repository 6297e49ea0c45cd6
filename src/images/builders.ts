/**
 * The local image builders stackpilot can drive, and which one this machine has. The first
 * that works wins, in the order users expect: `docker buildx` (when its daemon answers),
 * `podman`, `buildah`. `STACKPILOT_BUILDER` picks one by name instead. Each builder is a
 * table of argv: no shell, so nothing in a tag or build argument is interpreted.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { InputError } from '../model/errors';
import { runCommand } from './run';

/** The builders, in the order they are looked for. */
export const BUILDER_NAMES = ['docker', 'podman', 'buildah'] as const;
export type BuilderName = (typeof BUILDER_NAMES)[number];

/** What one image build needs, with paths absolute. */
export interface BuildSpec {
  image: string;
  dockerfile: string;
  context: string;
  buildArgs: Record<string, string>;
}

/** A builder: how to build an image, push it, and where the pushed digest ends up. */
export interface Builder {
  name: BuilderName;
  /** The executable's absolute path. */
  path: string;
  buildArgv(spec: BuildSpec): string[];
  /** Pushes `image`; loopback registries are plain HTTP. `digestFile` receives the digest when the builder writes one. */
  pushArgv(image: string, loopback: boolean, digestFile: string): string[];
}

/** What every builder takes after its build verb: Dockerfile, tag, build args (sorted), context. */
function buildFlags(s: BuildSpec): string[] {
  const args = Object.keys(s.buildArgs)
    .sort()
    .flatMap((k) => ['--build-arg', `${k}=${s.buildArgs[k]}`]);
  return ['-f', s.dockerfile, '-t', s.image, ...args, s.context];
}

/** podman's and buildah's push flags: plain HTTP to loopback, and the pushed digest to a file. */
function pushFlags(loopback: boolean, digestFile: string): string[] {
  return [...(loopback ? ['--tls-verify=false'] : []), '--digestfile', digestFile];
}

const TABLE: Record<BuilderName, Omit<Builder, 'path'>> = {
  docker: {
    name: 'docker',
    buildArgv: (s) => ['buildx', 'build', '--load', ...buildFlags(s)],
    // Docker treats loopback registries as insecure by itself; the digest is in its output.
    pushArgv: (image) => ['push', image],
  },
  podman: {
    name: 'podman',
    buildArgv: (s) => ['build', ...buildFlags(s)],
    pushArgv: (image, loopback, digestFile) => ['push', ...pushFlags(loopback, digestFile), image],
  },
  buildah: {
    name: 'buildah',
    buildArgv: (s) => ['bud', ...buildFlags(s)],
    pushArgv: (image, loopback, digestFile) => [
      'push',
      ...pushFlags(loopback, digestFile),
      image,
      `docker://${image}`,
    ],
  },
};

/** The absolute path of `name` on `PATH`, or undefined. */
export function onPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Whether the builder at `path` can build now (docker: its daemon answers). */
async function works(name: BuilderName, path: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const probe = name === 'docker' ? ['buildx', 'version'] : ['--version'];
  const signal = AbortSignal.timeout(10_000);
  const ok = async (argv: string[]) =>
    (await runCommand([path, ...argv], { env, signal }).catch(() => undefined))?.code === 0;
  if (!(await ok(probe))) return false;
  return name !== 'docker' || ok(['info', '--format', '{{.ServerVersion}}']);
}

/**
 * The builder to use: `STACKPILOT_BUILDER` when set (an {@link InputError} when it is not
 * installed or unknown), else the first of {@link BUILDER_NAMES} that works; undefined when
 * none does.
 */
export async function findBuilder(
  env: NodeJS.ProcessEnv = process.env,
): Promise<Builder | undefined> {
  const wanted = env.STACKPILOT_BUILDER;
  if (wanted !== undefined && !(BUILDER_NAMES as readonly string[]).includes(wanted))
    throw new InputError(
      `STACKPILOT_BUILDER=${wanted} is not a builder stackpilot knows: use one of ${BUILDER_NAMES.join(', ')}`,
    );
  for (const name of wanted ? [wanted as BuilderName] : BUILDER_NAMES) {
    const path = onPath(name, env);
    if (path && (await works(name, path, env))) return { ...TABLE[name], path };
    if (wanted)
      throw new InputError(
        `STACKPILOT_BUILDER=${wanted}, but ${path ? `${path} does not work` : `${wanted} is not on PATH`}`,
      );
  }
  return undefined;
}

/** The error for a machine with no builder: what was looked for and what to install. */
export function noBuilderError(): InputError {
  return new InputError(
    'no image builder found: stackpilot builds with docker buildx (with a running daemon), podman or buildah, and none is on PATH; install one (on Debian: apt-get install buildah), deploy to an environment with a cluster target (images are then built there by Kaniko Jobs), or build in CI with `stackpilot ci github`',
  );
}
