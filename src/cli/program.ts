/**
 * The command tree. Each command lives in its own file under commands/ and registers itself
 * here; the context is built once the global options are parsed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { registerAnalyze } from './commands/analyze';
import { registerBuild } from './commands/build';
import { registerChart } from './commands/chart';
import { registerCi } from './commands/ci';
import { registerDeploy } from './commands/deploy';
import { registerDestroy } from './commands/destroy';
import { registerDiagnose } from './commands/diagnose';
import { registerDrift } from './commands/drift';
import { registerEject } from './commands/eject';
import { registerPlan } from './commands/plan';
import { registerRender } from './commands/render';
import { registerServer } from './commands/server';
import { registerStack } from './commands/stack';
import { CliContext, type GlobalOptions } from './context';
import { EXIT_CODES_HELP } from './exit-codes';
import type { Output } from './output';

/** Builds the `stackpilot` command for one run. */
export function buildProgram(out: Output): Command {
  const program = new Command('stackpilot');
  let context: CliContext | undefined;
  const ctx = (): CliContext => {
    context ??= new CliContext(out, program.opts<GlobalOptions>());
    return context;
  };
  program
    .description(
      'Analyze a repository, plan its Kubernetes deployment per environment with reasons, and preview, apply and roll it back with Pulumi.',
    )
    .version(packageVersion())
    .option(
      '--state-dir <dir>',
      'state directory: Pulumi backend, passphrase, plans, rendered YAML, database',
      '.stackpilot',
    )
    .option('--stacks <dir>', 'directory of the Pulumi.<env>.yaml stack config files', 'stacks')
    .option('--skills <file>', 'user skills file (default: stackpilot.skills.yaml when present)')
    .showHelpAfterError('(run with --help for usage)')
    // Before any command is added, so that every subcommand inherits it: a usage error of
    // `secrets set` must reach main's exit-code map (2) rather than commander's process.exit(1).
    .exitOverride()
    .addHelpText('after', `\n${EXIT_CODES_HELP}`)
    .configureOutput({
      writeOut: (s) => out.line(s.trimEnd()),
      writeErr: (s) => out.note(s.trimEnd()),
    });

  registerAnalyze(program, ctx);
  registerPlan(program, ctx);
  registerRender(program, ctx);
  registerEject(program, ctx);
  registerChart(program, ctx);
  registerBuild(program, ctx);
  registerDeploy(program, ctx);
  registerStack(program, ctx);
  registerDrift(program, ctx);
  registerDiagnose(program, ctx);
  registerDestroy(program, ctx);
  registerServer(program, ctx);
  registerCi(program, ctx);
  return program;
}

/** The version in the nearest package.json above this file (works from src/ and dist/). */
function packageVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file))
      return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return '0.0.0';
}
