/**
 * Repository paths that clients may ask the server to analyze: only directories inside the
 * configured allowed roots, checked both as written (no `..` escapes) and after resolving
 * symlinks (no escapes through a link). The path is resolved once; the analysis then reads only
 * that real path, confined to the roots at every level (see `analyze/confined-fs.ts`).
 */
import { realpathSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { ForbiddenError, InputError, NotFoundError } from '../model/errors';

/** True when `path` is `root` or below it (both absolute and normalized). */
export function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** The real paths of the configured roots; a root that does not exist is a configuration error. */
export function realRoots(roots: readonly string[]): string[] {
  const issues = [];
  const out: string[] = [];
  for (const [i, root] of roots.entries()) {
    try {
      out.push(realpathSync(resolve(root)));
    } catch {
      issues.push({ field: `allowedRoots.${i}`, message: `${root} does not exist` });
    }
  }
  if (issues.length) throw new InputError('invalid allowed roots', issues);
  return out;
}

/** Why a relative repository path is refused: the client's working directory means nothing here. */
export const RELATIVE_PATH_MESSAGE =
  'must be an absolute path on the server; to deploy code that is on the client, analyze it there and send the AppModel to POST /v1/plans as app (stackpilot gate --app-dir does)';

/**
 * Resolves a requested repository path (absolute; a relative one is an InputError) against
 * `roots` (real paths). Escapes are a ForbiddenError, a missing directory a NotFoundError.
 */
export async function resolveRepositoryPath(
  requested: string,
  roots: readonly string[],
): Promise<string> {
  const field = 'body.path';
  if (requested.includes('\0'))
    throw new InputError('invalid path', [{ field, message: 'must not contain NUL characters' }]);
  const first = roots[0];
  if (first === undefined)
    throw new ForbiddenError(
      'this server has no allowed roots: analyses are disabled',
      'no_allowed_roots',
    );
  if (!isAbsolute(requested))
    throw new InputError('relative repository path', [{ field, message: RELATIVE_PATH_MESSAGE }]);
  const candidate = resolve(requested);
  const outside = () =>
    new ForbiddenError(`${requested} is outside the allowed roots`, 'path_outside_roots');
  if (!roots.some((r) => isInside(candidate, r))) throw outside();
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    throw new NotFoundError(`no directory ${requested} under the allowed roots`);
  }
  if (!roots.some((r) => isInside(real, r))) throw outside();
  // The directory may vanish or be swapped meanwhile: that is a missing directory, not a 500.
  const st = await stat(real).catch(() => undefined);
  if (!st) throw new NotFoundError(`no directory ${requested} under the allowed roots`);
  if (!st.isDirectory())
    throw new InputError('not a directory', [
      { field, message: `${requested} is not a directory` },
    ]);
  return real;
}
