/**
 * The server's Dockerfile, checked statically with a real parser (dockerfile-ast): no Docker
 * engine or registry is reachable here, so no image is built. What can be checked without one
 * is: pinned bases, a non-root runtime, stage references, the build context against the
 * repository and its .dockerignore, the scripts the RUN steps call, and the HEALTHCHECK, EXPOSE
 * and CMD against the server's own routes and CLI options. The package test runs the CMD and
 * the HEALTHCHECK command themselves against the packed CLI.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import dockerignore from '@balena/dockerignore';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/program';
import { healthRoutes } from '../../src/server/routes/health';
import { REPO_ROOT } from './support/engine';
import {
  copyParts,
  execForm,
  healthcheckArgv,
  instructions,
  missingContextSources,
  missingRunScripts,
  parseDockerfile,
  repositoryDockerfile,
  runSyntaxErrors,
  runtimeUserProblems,
  stageEnv,
  unknownCopyStages,
  unpinnedImages,
  type Stage,
} from './support/dockerfile';

const silent = { line: () => undefined, note: () => undefined, color: false };

/** The option names (`--state-dir`) a command accepts. */
const optionNames = (command: Command) => command.options.map((o) => o.long!);

describe('Dockerfile (static: dockerfile-ast)', () => {
  const df = repositoryDockerfile();
  const runtime = df.stages.at(-1)!;
  const program = buildProgram(silent);
  const serve = program.commands.find((c) => c.name() === 'serve')!;
  const defaultPort = Number(serve.options.find((o) => o.long === '--port')!.defaultValue);
  const stage = (name: string): Stage => df.stages.find((s) => s.name === name)!;

  it('has the engine, build and runtime stages, every base image pinned', () => {
    assert.deepEqual(
      df.stages.map((s) => s.name),
      ['go', 'engine', 'build', 'runtime'],
    );
    assert.deepEqual(unpinnedImages(df), []);
    assert.match(runtime.image, /^node:20\.\d+\.\d+-\w+-slim$/, 'a slim Node.js 20 runtime');
  });

  it('runs the runtime stage as a non-root user it creates', () => {
    assert.deepEqual(runtimeUserProblems(df), []);
    const user = instructions(runtime, 'USER').at(-1)!.getArgumentsContent()!;
    const runs = instructions(runtime, 'RUN').map((r) => r.getArgumentsContent() ?? '');
    const useradd = runs
      .map((r) => new RegExp(`useradd\\b[^&;]*--uid (\\d+)[^&;]*\\s${user}(?=\\s|$)`).exec(r))
      .find(Boolean);
    assert.ok(useradd, `a RUN creates the user ${user} with a fixed --uid`);
    // The same rule as the plans' pods: a UID that no host user shares.
    assert.ok(Number(useradd[1]) >= 10000, `uid ${useradd[1]} >= 10000`);
  });

  it('copies only from earlier stages and from files the repository has, past .dockerignore', () => {
    assert.deepEqual(unknownCopyStages(df), []);
    assert.deepEqual(missingContextSources(df), []);
  });

  it('calls only scripts it copied in from the repository, and its RUN steps parse', () => {
    assert.deepEqual(missingRunScripts(df), []);
    assert.deepEqual(runSyntaxErrors(df), []);
    const engineRuns = instructions(stage('engine'), 'RUN').map((r) => r.getArgumentsContent());
    assert.ok(
      engineRuns.some((r) => /\bbash \S*scripts\/setup-engine\.sh\b/.test(r ?? '')),
      "the engine stage runs the project's own scripts/setup-engine.sh",
    );
    const goCopy = instructions(stage('engine'), 'COPY').map(copyParts);
    assert.ok(
      goCopy.some((c) => c.from === 'go'),
      'the engine stage gets Go from the go stage',
    );
  });

  it("copies in the engine cache where the runtime's STACKPILOT_ENGINE_DIR points", () => {
    const dir = stageEnv(stage('engine')).STACKPILOT_ENGINE_DIR;
    assert.ok(dir, 'the engine stage sets STACKPILOT_ENGINE_DIR');
    // manifest.json holds absolute paths: both stages must agree on the directory.
    assert.equal(stageEnv(runtime).STACKPILOT_ENGINE_DIR, dir);
    const fromEngine = instructions(runtime, 'COPY')
      .map(copyParts)
      .filter((c) => c.from === 'engine');
    assert.deepEqual(fromEngine.flatMap((c) => c.sources).sort(), [
      posix.join(dir, 'bin'),
      posix.join(dir, 'home'),
      posix.join(dir, 'manifest.json'),
    ]);
    assert.ok(fromEngine.every((c) => c.sources[0] === c.dest));
  });

  it("checks health on the server's public liveness route, on the port it exposes", () => {
    const health = instructions(runtime, 'HEALTHCHECK');
    assert.equal(health.length, 1);
    const argv = healthcheckArgv(health[0]!);
    assert.equal(argv[0], 'node', 'the slim image has node, not curl');
    const url = new URL(/https?:\/\/[^'"\s)]+/.exec(argv.join(' '))![0]);
    const route = healthRoutes.find((r) => r.path === url.pathname);
    assert.ok(route, `${url.pathname} is one of the server's health routes`);
    assert.equal(route.method, 'get');
    assert.equal(route.access, 'public', 'the probe carries no token');
    assert.equal(url.pathname, '/healthz');
    assert.equal(Number(url.port), defaultPort);
  });

  it("exposes the server's default port and runs stackpilot serve with options the CLI has", () => {
    const exposed = instructions(runtime, 'EXPOSE').flatMap((e) =>
      e.getArguments().map((a) => Number(a.getValue().split('/')[0])),
    );
    assert.deepEqual(exposed, [defaultPort]);

    const cmd = execForm(instructions(runtime, 'CMD').at(-1)!);
    assert.equal(cmd[0], 'stackpilot');
    const at = cmd.indexOf('serve');
    assert.ok(at > 0, 'CMD runs the serve command');
    const flags = (args: string[]) => args.filter((a) => a.startsWith('--'));
    for (const flag of flags(cmd.slice(1, at)))
      assert.ok(optionNames(program).includes(flag), `${flag} is a global option`);
    for (const flag of flags(cmd.slice(at + 1)))
      assert.ok(optionNames(serve).includes(flag), `${flag} is an option of serve`);
    const value = (flag: string) => cmd[cmd.indexOf(flag) + 1];
    assert.equal(Number(value('--port')), defaultPort);

    // The state directory is the volume; the stacks directory and allowed roots exist.
    const volumes = instructions(runtime, 'VOLUME').flatMap(execForm);
    assert.deepEqual(volumes, [value('--state-dir')]);
    const dests = instructions(runtime, 'COPY').map((c) => copyParts(c).dest);
    assert.ok(dests.includes(value('--stacks')!), 'the stacks directory is copied in');
    const runs = instructions(runtime, 'RUN').map((r) => r.getArgumentsContent() ?? '');
    assert.ok(runs.some((r) => r.includes(`mkdir -p`) && r.includes(value('--allow-root')!)));

    // `stackpilot` is the package's bin, linked onto PATH.
    const bin = (
      JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
        bin: Record<string, string>;
      }
    ).bin.stackpilot!;
    assert.ok(
      runs.some((r) =>
        new RegExp(`ln -s \\S+/${bin.replace(/\./g, '\\.')} /usr/local/bin/stackpilot`).test(r),
      ),
      `a RUN links ${bin} as /usr/local/bin/stackpilot`,
    );
  });

  it('keeps node_modules, state, tests and local builds out of the build context', () => {
    const ig = dockerignore().add(readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8'));
    for (const path of [
      'node_modules/commander/package.json',
      'examples/fullstack/apps/web/node_modules/x/index.js',
      '.stackpilot/passphrase',
      'examples/fullstack/.stackpilot/stackpilot.db',
      'test/unit/ci/github-workflow.test.ts',
      'test/fixtures/fullstack/compose.yaml',
      'dist/src/cli/main.js',
      '.git/HEAD',
      '.env',
    ])
      assert.ok(ig.ignores(path), `${path} is left out`);
    for (const path of [
      'package.json',
      'src/cli/main.ts',
      'scripts/setup-engine.sh',
      'stacks/Pulumi.dev.yaml',
    ])
      assert.ok(!ig.ignores(path), `${path} is in the context`);
  });

  it('fails a Dockerfile that breaks each rule, so the checks above can fail', () => {
    const broken = parseDockerfile(
      [
        'FROM node:latest AS build',
        'COPY no-such-dir /x',
        'COPY node_modules /y',
        'RUN bash /x/setup.sh && npm run no-such-script',
        'RUN if then',
        'FROM node AS runtime',
        'COPY --from=bulid /x /x',
        'USER root',
        '',
      ].join('\n'),
    );
    assert.deepEqual(unpinnedImages(broken), [
      'node:latest: not pinned to a version tag or digest',
      'node: not pinned to a version tag or digest',
    ]);
    assert.deepEqual(runtimeUserProblems(broken), ['the runtime stage runs as root']);
    assert.deepEqual(unknownCopyStages(broken), [
      'COPY --from=bulid: no earlier stage has that name',
    ]);
    assert.deepEqual(missingContextSources(broken), [
      'no-such-dir: not in the repository',
      'node_modules: excluded by .dockerignore',
    ]);
    assert.deepEqual(missingRunScripts(broken), [
      'RUN calls /x/setup.sh, which no COPY brought in from the repository',
      'RUN runs npm script no-such-script, which package.json lacks',
    ]);
    assert.equal(runSyntaxErrors(broken).length, 1);
  });
});
