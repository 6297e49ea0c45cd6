/**
 * `stackpilot ci github`'s workflow: from the plans of the environments to the text of a
 * GitHub Actions workflow that builds and pushes each plan's images and then deploys through
 * `stackpilot gate`. A pure function: the same input gives byte-identical YAML.
 *
 * Triggers. A pull request builds every image the plans build, without pushing and without
 * deploying: it checks the Dockerfiles before merge, needs no secret (pull requests from forks
 * get none) and publishes nothing unreviewed. A push to the default branch logs in, builds and
 * pushes the images, checks that the pushed tags are exactly the plan's, then runs the gate.
 *
 * Tags. Image tags are content-derived (`src-<source digest>`), so the workflow never names
 * one: each run plans the checked-out commit and `stackpilot build` pushes what that plan
 * names. The plans given here decide only the jobs and the registry logins.
 */
import { Document, isScalar, type YAMLMap } from 'yaml';
import { InputError } from '../model/errors';
import type { DeploymentPlan } from '../model/plan';
import { gateJob, gateJobId, imagesJob, imagesJobId, type Job } from './github-jobs';
import { pushRegistries } from './registries';

/** One environment the workflow builds images for and deploys. */
export interface WorkflowEnvironment {
  /** The environment's plan now; its name and the registries of the images it builds are used. */
  plan: DeploymentPlan;
  /**
   * The environment's `approval.required`: its gate job then runs in the GitHub environment
   * of the same name, so that its protection rules and environment secrets apply.
   */
  approvalRequired: boolean;
}

/** Everything the workflow is made from. */
export interface GithubWorkflowInput {
  /** The environments, in any order (the jobs are sorted by environment name). */
  environments: WorkflowEnvironment[];
  /** The app directory relative to the repository root, with `/`. Default `.`. */
  appDir?: string;
  /** The stack config directory relative to the repository root, with `/`. Default `stacks`. */
  stacksDir?: string;
  /** A skills file relative to the repository root, when planning uses one. Default none. */
  skillsFile?: string;
  /** The default branch: pushes to it publish and deploy. Default `main`. */
  branch?: string;
  /** The command that regenerates the file, for its header. Default `stackpilot ci github <appDir> --force`. */
  regenerate?: string;
}

/** The workflow's text and what a user should know about it. */
export interface GithubWorkflow {
  /** The YAML, ending in a newline. */
  text: string;
  /** Environments whose images cannot be pushed from a hosted runner, one line each. */
  warnings: string[];
}

const BRANCH = /^[A-Za-z0-9._/-]+$/;

/** The workflow of `input`; an `InputError` lists every problem of the input at once. */
export function githubWorkflow(input: GithubWorkflowInput): GithubWorkflow {
  const appDir = input.appDir ?? '.';
  const stacksDir = input.stacksDir ?? 'stacks';
  const branch = input.branch ?? 'main';
  const envs = [...input.environments].sort((a, b) =>
    a.plan.environment < b.plan.environment ? -1 : a.plan.environment > b.plan.environment ? 1 : 0,
  );
  validate(envs, {
    appDir,
    stacksDir,
    branch,
    ...(input.skillsFile ? { skills: input.skillsFile } : {}),
  });

  const call = { skills: input.skillsFile !== undefined };
  const jobs: Record<string, Job> = {};
  const loopbackNotes = new Map<string, string>();
  const registryNotes: string[] = [];
  for (const { plan, approvalRequired } of envs) {
    const env = plan.environment;
    const registries = pushRegistries(plan);
    if (registries.length) jobs[imagesJobId(env)] = imagesJob(call, env, registries);
    jobs[gateJobId(env)] = gateJob({
      env,
      call,
      ...(registries.length ? { needs: imagesJobId(env) } : {}),
      protectedEnvironment: approvalRequired,
    });
    const loopback = registries.filter((r) => r.kind === 'loopback').map((r) => r.host);
    if (loopback.length)
      loopbackNotes.set(imagesJobId(env), loopbackNote(env, loopback, stacksDir));
    registryNotes.push(...registries.filter((r) => r.kind === 'other').map((r) => r.host));
  }

  const doc = new Document({
    name: 'stackpilot',
    on: { push: { branches: [branch] }, pull_request: { branches: [branch] } },
    permissions: { contents: 'read' },
    env: {
      APP_DIR: appDir,
      STACKS_DIR: stacksDir,
      ...(input.skillsFile ? { SKILLS_FILE: input.skillsFile } : {}),
    },
    defaults: { run: { shell: 'bash' } },
    jobs,
  });
  doc.commentBefore = header(input.regenerate ?? `stackpilot ci github ${appDir} --force`, [
    ...new Set(registryNotes.sort()),
  ]);
  const jobsMap = doc.get('jobs', true) as YAMLMap;
  for (const pair of jobsMap.items) {
    const note = isScalar(pair.key) ? loopbackNotes.get(String(pair.key.value)) : undefined;
    if (note && isScalar(pair.key)) pair.key.commentBefore = prefixLines(wrap(note, 92));
  }
  return {
    text: doc.toString({ lineWidth: 0, blockQuote: 'literal' }),
    warnings: [...loopbackNotes.values()],
  };
}

/** Why a loopback registry cannot work from a hosted runner, and what to set instead. */
function loopbackNote(env: string, hosts: string[], stacksDir: string): string {
  return (
    `${env}: ${hosts.join(', ')} is a registry on the machine that runs the job; a GitHub-hosted ` +
    `runner cannot push there (and a cluster could not pull from it). Set stackpilot:registry ` +
    `in ${stacksDir}/Pulumi.${env}.yaml to a registry both reach (for example ghcr.io/<owner>), ` +
    `or run the job on a self-hosted runner beside that registry.`
  );
}

/** The header: what generated the file, how to regenerate it, and the settings it reads. */
function header(regenerate: string, otherRegistries: string[]): string {
  const lines = [
    'Generated by `stackpilot ci github`. Do not edit: change the stack files and regenerate',
    'it from the repository root with:',
    `  ${regenerate}`,
    '',
    'Pull requests build every image the plans build (nothing is pushed or deployed). Pushes',
    'to the default branch build and push them with the tags the plan of the checked-out',
    'commit names, check the pushed tags are exactly those, then deploy with `stackpilot gate`.',
    '',
    'Settings (repository variables and secrets):',
    '  vars.STACKPILOT_PACKAGE      npm package spec stackpilot is installed from (the URL of its npm pack tarball)',
    '  vars.STACKPILOT_URL          stackpilot server URL, for the gate',
    '  secrets.STACKPILOT_TOKEN     a deployer token (stackpilot tokens create ci --role deployer)',
  ];
  if (otherRegistries.length)
    lines.push(
      `  secrets.REGISTRY_USERNAME, secrets.REGISTRY_PASSWORD   for ${otherRegistries.join(', ')}`,
    );
  return prefixLines(lines.join('\n'));
}

/** yaml writes `#` before each line of a comment; a leading space keeps `# text`. */
function prefixLines(text: string): string {
  return text
    .split('\n')
    .map((l) => (l ? ` ${l}` : ''))
    .join('\n');
}

/** Breaks `text` into lines of at most `width` characters, at spaces. */
function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line].join('\n');
}

/** Every problem of the input at once. */
function validate(
  envs: WorkflowEnvironment[],
  paths: { appDir: string; stacksDir: string; branch: string; skills?: string },
): void {
  const issues: { field: string; message: string }[] = [];
  if (!envs.length) issues.push({ field: 'environments', message: 'no environment to deploy' });
  const names = envs.map((e) => e.plan.environment);
  for (const dup of new Set(names.filter((n, i) => names.indexOf(n) !== i)))
    issues.push({ field: 'environments', message: `environment ${dup} is given twice` });
  if (!BRANCH.test(paths.branch))
    issues.push({ field: 'branch', message: `"${paths.branch}" is not a branch name` });
  for (const [field, value] of [
    ['appDir', paths.appDir],
    ['stacksDir', paths.stacksDir],
    ['skillsFile', paths.skills],
  ] as const) {
    if (value === undefined) continue;
    if (value.startsWith('/') || value.split('/').includes('..') || value.includes('\\'))
      issues.push({ field, message: `"${value}" must be a path inside the repository, with /` });
  }
  if (issues.length) throw new InputError('cannot write the GitHub workflow', issues);
}
