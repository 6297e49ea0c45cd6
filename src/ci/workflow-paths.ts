/**
 * Where a generated workflow runs: GitHub reads workflows from `<repo>/.github/workflows/` and
 * runs their steps in the repository root, so every path the workflow names (the app, the stack
 * files, the skills file) is made relative to that root, and one outside it is refused.
 */
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { InputError, type InputIssue } from '../model/errors';

/** The absolute paths of one `stackpilot ci github` run. */
export interface WorkflowLocations {
  /** The app directory. */
  dir: string;
  /** The workflow file. */
  out: string;
  /** The stack config directory. */
  stacksDir: string;
  /** The skills file, when planning uses one. */
  skillsFile?: string;
}

/** The same paths relative to the repository root, with `/` (`.` for the root itself). */
export interface WorkflowPaths {
  /** The repository root: the folder holding `.github/workflows/`, else the app directory. */
  root: string;
  appDir: string;
  stacksDir: string;
  skillsFile?: string;
  /** The workflow file, when it is inside the root (a file elsewhere is only for reading). */
  out?: string;
}

/** The default workflow file of an app directory: `<dir>/.github/workflows/stackpilot.yml`. */
export function defaultWorkflowFile(dir: string): string {
  return join(dir, '.github', 'workflows', 'stackpilot.yml');
}

/**
 * The repository root of a workflow file: three levels up from `<root>/.github/workflows/x.yml`.
 * A file anywhere else is not read by GitHub as it is; its root is taken to be `fallback`.
 */
export function repositoryRoot(out: string, fallback: string): string {
  const workflows = dirname(out);
  return basename(workflows) === 'workflows' && basename(dirname(workflows)) === '.github'
    ? dirname(dirname(workflows))
    : fallback;
}

/** `target` relative to `root` with `/`, or undefined when it is outside. */
function inside(root: string, target: string): string | undefined {
  const rel = relative(root, target);
  if (rel === '') return '.';
  if (rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return rel.split(/[\\/]/).join('/');
}

/**
 * The workflow's paths; an `InputError` lists every path outside the repository the workflow
 * checks out, with what to do.
 */
export function workflowPaths(locations: WorkflowLocations): WorkflowPaths {
  const dir = resolve(locations.dir);
  const out = resolve(locations.out);
  const root = repositoryRoot(out, dir);
  const issues: InputIssue[] = [];
  const rel = (what: string, path: string, fix: string): string => {
    const r = inside(root, resolve(path));
    if (r === undefined)
      issues.push({ file: resolve(path), message: `the ${what} is outside ${root}; ${fix}` });
    return r ?? '.';
  };
  const paths: WorkflowPaths = {
    root,
    appDir: rel('app directory', dir, 'write the workflow into the repository that holds it'),
    stacksDir: rel(
      'stacks directory',
      locations.stacksDir,
      'the workflow checks out only the repository: keep the Pulumi.<env>.yaml files in it and pass --stacks <dir>',
    ),
    ...(inside(root, out) !== undefined ? { out: inside(root, out) } : {}),
    ...(locations.skillsFile
      ? {
          skillsFile: rel(
            'skills file',
            locations.skillsFile,
            'keep it in the repository and pass --skills <file>',
          ),
        }
      : {}),
  };
  if (issues.length) throw new InputError('the workflow cannot reach every path it needs', issues);
  return paths;
}
