/**
 * The component `sourceDigest`: sha256 over the sorted (path relative to the build context,
 * sha256 of content) pairs of every walked file in the build context, plus the Dockerfile
 * when it lies outside the context. Hashing per-file hashes (a Merkle step) keeps memory flat
 * while still changing whenever any byte of the image's input does. Unreadable files count as
 * `unreadable` so that they cannot silently drop out. A prebuilt image's digest is that of its
 * reference. The walk's bounds bound the work.
 */
import { createHash } from 'node:crypto';
import type { Build } from '../model/app';
import { isUnder, relTo } from './paths';
import type { Repo } from './repo';

/** The `sha256:` source digest of a component built with `build` from directory `path`. */
export function sourceDigest(repo: Repo, build: Build, path: string): string {
  const h = createHash('sha256');
  if (build.strategy === 'image') {
    h.update(`image\0${build.image}`);
    return `sha256:${h.digest('hex')}`;
  }
  const context = build.context;
  for (const f of repo.filesUnder(context))
    h.update(`${relTo(context, f.path)}\0${f.hash ?? 'unreadable'}\n`);
  if (build.strategy === 'dockerfile' && !isUnder(build.dockerfile, context)) {
    const df = repo.get(build.dockerfile);
    h.update(`dockerfile:${build.dockerfile}\0${df?.hash ?? 'missing'}\n`);
  }
  // The component directory, when it differs from the context, is part of its identity.
  if (path !== context) h.update(`path\0${path}\n`);
  return `sha256:${h.digest('hex')}`;
}
