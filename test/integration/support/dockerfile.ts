/**
 * The repository's Dockerfile read by a real parser (dockerfile-ast), and the static checks of
 * it: each check takes the parsed file and returns its problems, so that the tests can show the
 * checks fail on a broken Dockerfile as well as pass on the real one.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import dockerignore from '@balena/dockerignore';
import {
  DockerfileParser,
  type Copy,
  type Instruction,
  type JSONInstruction,
} from 'dockerfile-ast';
import { REPO_ROOT } from './engine';

/** One build stage: its FROM and the instructions after it, in order. */
export interface Stage {
  name: string | undefined;
  /** The FROM's image as written (`node:20.20.2-bookworm-slim`, or an earlier stage's name). */
  image: string;
  tag: string | undefined;
  digest: string | undefined;
  instructions: Instruction[];
}

/** A parsed Dockerfile: its stages in order. */
export interface ParsedDockerfile {
  stages: Stage[];
}

/** Parses Dockerfile text into its stages. */
export function parseDockerfile(text: string): ParsedDockerfile {
  const dockerfile = DockerfileParser.parse(text);
  const stages: Stage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      const from = dockerfile
        .getFROMs()
        .find((f) => f.getRange().start.line === instruction.getRange().start.line)!;
      stages.push({
        name: from.getBuildStage() ?? undefined,
        image: from.getImage() ?? '',
        tag: from.getImageTag() ?? undefined,
        digest: from.getImageDigest() ?? undefined,
        instructions: [],
      });
    } else stages.at(-1)?.instructions.push(instruction);
  }
  return { stages };
}

/** The repository's own Dockerfile. */
export function repositoryDockerfile(): ParsedDockerfile {
  return parseDockerfile(readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8'));
}

/** The instructions of a stage with this keyword. */
export function instructions(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((i) => i.getKeyword() === keyword);
}

/** The argv of an exec-form (JSON array) instruction such as CMD or ENTRYPOINT. */
export function execForm(instruction: Instruction): string[] {
  return (instruction as JSONInstruction).getJSONStrings().map((s) => s.getJSONValue());
}

/** The argv of a `HEALTHCHECK … CMD [..]` (flags left out). */
export function healthcheckArgv(instruction: Instruction): string[] {
  const raw = instruction.getRawArgumentsContent() ?? '';
  const json = /\bCMD\s+(\[[\s\S]*\])\s*$/.exec(raw)?.[1];
  if (!json) throw new Error(`HEALTHCHECK is not in exec form: ${raw}`);
  return JSON.parse(json) as string[];
}

/** The environment a stage's ENV instructions set (later ones win). */
export function stageEnv(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const i of instructions(stage, 'ENV'))
    for (const arg of i.getArguments()) {
      const [k, ...v] = arg.getValue().split('=');
      env[k!] = v.join('=');
    }
  return env;
}

/** A COPY's sources and destination, and the stage it copies from (none: the build context). */
export function copyParts(i: Instruction): { from?: string; sources: string[]; dest: string } {
  const args = i.getArguments().map((a) => a.getValue());
  // Copy.getFromFlag() sees only a first flag; `--from` may follow `--chown`, or the reverse.
  const from = (i as Copy)
    .getFlags()
    .find((f) => f.getName() === 'from')
    ?.getValue();
  return { ...(from ? { from } : {}), sources: args.slice(0, -1), dest: args.at(-1) ?? '' };
}

/** Every base image is pinned: a version tag (never `latest`) or a digest, no build arguments. */
export function unpinnedImages(df: ParsedDockerfile): string[] {
  const problems: string[] = [];
  const earlier = new Set<string>();
  for (const stage of df.stages) {
    if (earlier.has(stage.image)) {
      if (stage.name) earlier.add(stage.name);
      continue;
    }
    if (stage.image.includes('$'))
      problems.push(`${stage.image}: a build argument picks the image`);
    else if (!stage.digest && (!stage.tag || stage.tag === 'latest' || !/\d/.test(stage.tag)))
      problems.push(`${stage.image}: not pinned to a version tag or digest`);
    if (stage.name) earlier.add(stage.name);
  }
  return problems;
}

/** The last stage's USER is neither missing nor root. */
export function runtimeUserProblems(df: ParsedDockerfile): string[] {
  const runtime = df.stages.at(-1);
  const user = runtime && instructions(runtime, 'USER').at(-1)?.getArgumentsContent();
  if (!user) return ['the runtime stage has no USER: it runs as root'];
  const name = user.split(':')[0]!;
  return name === 'root' || name === '0' ? [`the runtime stage runs as ${user}`] : [];
}

/** Every `COPY --from` names an earlier stage. */
export function unknownCopyStages(df: ParsedDockerfile): string[] {
  const problems: string[] = [];
  const earlier: string[] = [];
  for (const stage of df.stages) {
    for (const i of instructions(stage, 'COPY')) {
      const { from } = copyParts(i);
      if (from && !earlier.includes(from))
        problems.push(`COPY --from=${from}: no earlier stage has that name`);
    }
    if (stage.name) earlier.push(stage.name);
  }
  return problems;
}

/** The files of a repository directory, relative with `/` (node_modules and .git left out). */
function filesUnder(root: string, rel: string): string[] {
  const abs = join(root, rel);
  if (!statSync(abs).isDirectory()) return [rel];
  return readdirSync(abs)
    .filter((n) => n !== 'node_modules' && n !== '.git')
    .flatMap((n) => filesUnder(root, posix.join(rel, n)));
}

/**
 * Every source copied from the build context exists in `root` and is not excluded by its
 * `.dockerignore` (Docker's matching rules, as @balena/dockerignore ports them).
 */
export function missingContextSources(df: ParsedDockerfile, root = REPO_ROOT): string[] {
  const ignorePath = join(root, '.dockerignore');
  const ig = dockerignore().add(existsSync(ignorePath) ? readFileSync(ignorePath, 'utf8') : '');
  const problems: string[] = [];
  for (const stage of df.stages)
    for (const i of [...instructions(stage, 'COPY'), ...instructions(stage, 'ADD')]) {
      const { from, sources } = copyParts(i);
      if (from) continue;
      for (const src of sources.map((s) => posix.normalize(s).replace(/\/$/, ''))) {
        if (!existsSync(join(root, src))) problems.push(`${src}: not in the repository`);
        else if (ig.ignores(src) || filesUnder(root, src).every((f) => ig.ignores(f)))
          problems.push(`${src}: excluded by .dockerignore`);
      }
    }
  return problems;
}

/**
 * Where a stage's context COPYs put repository paths: container path → repository path, with
 * relative destinations resolved against the WORKDIR in force at the COPY.
 */
function copiedPaths(stage: Stage, before: Instruction): Map<string, string> {
  const out = new Map<string, string>();
  let workdir = '/';
  for (const i of stage.instructions) {
    if (i === before) break;
    if (i.getKeyword() === 'WORKDIR')
      workdir = posix.resolve(workdir, i.getArgumentsContent() ?? '/');
    if (i.getKeyword() !== 'COPY' || copyParts(i).from) continue;
    const { sources, dest } = copyParts(i);
    const target = posix.resolve(workdir, dest);
    for (const src of sources) {
      const into =
        dest.endsWith('/') || sources.length > 1 ? posix.join(target, posix.basename(src)) : target;
      out.set(into, posix.normalize(src));
    }
  }
  return out;
}

/**
 * The shell scripts each RUN names (any `*.sh` word) were copied into the stage
 * before it from files of the repository, and the npm scripts it runs exist in package.json.
 */
export function missingRunScripts(df: ParsedDockerfile, root = REPO_ROOT): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>;
  };
  const problems: string[] = [];
  for (const stage of df.stages)
    for (const run of instructions(stage, 'RUN')) {
      const text = run.getArgumentsContent() ?? '';
      const workdir = instructions(stage, 'WORKDIR')
        .filter((w) => w.getRange().start.line < run.getRange().start.line)
        .reduce((dir, w) => posix.resolve(dir, w.getArgumentsContent() ?? '/'), '/');
      const copied = copiedPaths(stage, run);
      for (const [, script] of text.matchAll(/(?:^|\s)([\w./-]*\.sh)(?=$|[\s;&|])/g)) {
        const inContainer = posix.resolve(workdir, script!);
        const match = [...copied].find(
          ([dest]) => inContainer === dest || inContainer.startsWith(`${dest}/`),
        );
        const repoPath = match && posix.join(match[1], posix.relative(match[0], inContainer));
        if (!repoPath || !existsSync(join(root, repoPath)))
          problems.push(`RUN calls ${script}, which no COPY brought in from the repository`);
      }
      for (const [, name] of text.matchAll(/\bnpm run(?:\s+--\S+)*\s+([\w:-]+)/g))
        if (!pkg.scripts?.[name!])
          problems.push(`RUN runs npm script ${name}, which package.json lacks`);
      if (/\bnpm pack\b/.test(text) && !pkg.scripts?.prepack)
        problems.push('RUN packs the CLI, and package.json has no prepack to build it');
    }
  return problems;
}

/**
 * Every RUN's shell text passes `sh -n`: Docker runs the shell form with `/bin/sh -c`, which in
 * the Debian images is dash, as on the machines the tests run on.
 */
export function runSyntaxErrors(df: ParsedDockerfile): string[] {
  return df.stages.flatMap((stage) =>
    instructions(stage, 'RUN').flatMap((run) => {
      const res = spawnSync('sh', ['-n', '-c', run.getArgumentsContent() ?? ''], {
        encoding: 'utf8',
      });
      return res.status === 0 ? [] : [`RUN ${run.getArgumentsContent()}: ${res.stderr.trim()}`];
    }),
  );
}
