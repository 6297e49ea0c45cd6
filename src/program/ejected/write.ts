/**
 * Writes an ejected project atomically: everything goes to a temporary sibling directory that
 * is renamed into place only once complete, so a reader never sees half a project.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError, type InputIssue } from '../../model/errors';

/**
 * Writes `files` (relative POSIX path → contents) as the directory `outDir`, replacing an
 * existing `outDir` as a whole. Paths that are absolute or climb out of `outDir` are an
 * {@link InputError}; on any failure `outDir` is left as it was.
 */
export function writeEjectedProject(files: Readonly<Record<string, string>>, outDir: string): void {
  const issues: InputIssue[] = [];
  for (const rel of Object.keys(files)) {
    const norm = path.posix.normalize(rel);
    if (!rel || path.isAbsolute(rel) || norm.startsWith('..') || norm !== rel) {
      issues.push({ field: rel, message: 'must be a plain relative path inside the project' });
    }
  }
  if (issues.length) throw new InputError('cannot write the ejected project', issues);

  const target = path.resolve(outDir);
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}.tmp-`));
  let old: string | undefined;
  try {
    for (const rel of Object.keys(files).sort()) {
      const file = path.join(tmp, ...rel.split('/'));
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, files[rel] ?? '');
    }
    if (fs.existsSync(target)) {
      old = `${tmp}.old`;
      fs.renameSync(target, old);
    }
    fs.renameSync(tmp, target);
  } catch (err) {
    if (old && !fs.existsSync(target)) fs.renameSync(old, target);
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  if (old) fs.rmSync(old, { recursive: true, force: true });
}
