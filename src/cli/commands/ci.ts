import { existsSync, readFileSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import type { Command } from 'commander';
import { githubWorkflow, type WorkflowEnvironment } from '../../ci';
import { defaultWorkflowFile, workflowPaths, type WorkflowPaths } from '../../ci/workflow-paths';
import { writeFileAtomic } from '../../engine/write-file-atomic';
import { ConflictError, NotFoundError } from '../../model/errors';
import { listEnvironments } from '../../plan';
import type { CliContext } from '../context';
import { printJson, styles } from '../output';
import { planRepository } from '../pipeline';

/** What `stackpilot ci github --json` prints. */
export interface CiGithubResult {
  /** The workflow file, absolute. */
  file: string;
  /** `written` (new), `overwritten` (with --force), or `unchanged` (already this text). */
  status: 'written' | 'overwritten' | 'unchanged';
  environments: string[];
  warnings: string[];
}

interface CiGithubOptions {
  env?: string[];
  out?: string;
  branch: string;
  force?: boolean;
  json?: boolean;
}

/** `stackpilot ci github <dir>`: the GitHub Actions workflow that builds, pushes and gates. */
export function registerCi(program: Command, ctx: () => CliContext): void {
  const ci = program
    .command('ci')
    .description('Generate a CI workflow: build and push the plan images, then stackpilot gate');
  ci.command('github')
    .description(
      "Write a GitHub Actions workflow: pull requests build every image the plans build; pushes to the default branch push them with the plan's tags, check them, and deploy each environment through stackpilot gate",
    )
    .argument('<dir>', 'repository directory')
    .option('-e, --env <names...>', 'environments (default: every stacks/Pulumi.<env>.yaml)')
    .option('-o, --out <file>', 'workflow file (default: <dir>/.github/workflows/stackpilot.yml)')
    .option('--branch <name>', 'default branch: pushes to it publish and deploy', 'main')
    .option('--force', 'overwrite an existing workflow file that differs')
    .option('--json', 'print the result as JSON')
    .action(async (dir: string, opts: CiGithubOptions) => {
      const c = ctx();
      const skillsFile = c.options.skills ?? defaultSkillsFile();
      const paths = workflowPaths({
        dir,
        out: opts.out ?? defaultWorkflowFile(dir),
        stacksDir: c.stacksDir,
        ...(skillsFile ? { skillsFile } : {}),
      });
      const names = opts.env ?? (await listEnvironments(c.stacksDir));
      if (!names.length)
        throw new NotFoundError(`no environments: no Pulumi.<env>.yaml in ${c.stacksDir}`);
      const environments: WorkflowEnvironment[] = [];
      for (const name of [...new Set(names)]) {
        const { env, plan } = await planRepository(c, dir, name);
        environments.push({ plan, approvalRequired: env.approval.required });
      }
      const workflow = githubWorkflow({
        environments,
        appDir: paths.appDir,
        stacksDir: paths.stacksDir,
        ...(paths.skillsFile ? { skillsFile: paths.skillsFile } : {}),
        branch: opts.branch,
        regenerate: regenerateCommand(paths, opts),
      });
      const file = resolve(opts.out ?? defaultWorkflowFile(dir));
      const status = writeWorkflow(file, workflow.text, opts.force ?? false);
      const s = styles(c.out);
      for (const w of workflow.warnings) c.out.note(s.warn(`warning: ${w}`));
      const result: CiGithubResult = {
        file,
        status,
        environments: environments.map((e) => e.plan.environment).sort(),
        warnings: workflow.warnings,
      };
      if (opts.json) return printJson(c.out, result);
      c.out.line(
        `${status === 'unchanged' ? 'unchanged' : 'wrote'} ${file} (${result.environments.join(', ')})`,
      );
    });
}

/** `stackpilot.skills.yaml` in the working directory, which planning picks up when present. */
function defaultSkillsFile(): string | undefined {
  const file = resolve('stackpilot.skills.yaml');
  return existsSync(file) ? file : undefined;
}

/**
 * Writes `text` to `file` atomically unless the file already holds it; a different file is
 * overwritten only with `force`, so that hand edits are not lost silently.
 */
function writeWorkflow(file: string, text: string, force: boolean): CiGithubResult['status'] {
  const exists = existsSync(file);
  if (exists) {
    if (readFileSync(file, 'utf8') === text) return 'unchanged';
    if (!force)
      throw new ConflictError(
        `${file} exists and differs from the generated workflow; pass --force to overwrite it`,
        'file_exists',
      );
  }
  writeFileAtomic(file, text);
  return exists ? 'overwritten' : 'written';
}

/** The command, run from the repository root, that writes the same file again. */
function regenerateCommand(paths: WorkflowPaths, opts: CiGithubOptions): string {
  const args = ['stackpilot'];
  if (paths.stacksDir !== 'stacks') args.push('--stacks', paths.stacksDir);
  if (paths.skillsFile && paths.skillsFile !== 'stackpilot.skills.yaml')
    args.push('--skills', paths.skillsFile);
  args.push('ci', 'github', paths.appDir);
  if (opts.env) args.push('--env', ...[...new Set(opts.env)].sort());
  if (paths.out && paths.out !== posix.join(paths.appDir, '.github/workflows/stackpilot.yml'))
    args.push('--out', paths.out);
  if (opts.branch !== 'main') args.push('--branch', opts.branch);
  args.push('--force');
  return args.map(shellWord).join(' ');
}

/** A word as a shell reads it back: bare when safe, else single-quoted. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9._/=:-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
