import type { Command } from 'commander';
import { analyzeRepository, summarizeAppModel } from '../../analyze';
import type { CliContext } from '../context';
import { printJson } from '../output';

/** `stackpilot analyze <dir>`: what the repository is. */
export function registerAnalyze(program: Command, ctx: () => CliContext): void {
  program
    .command('analyze')
    .description(
      'Read a repository and print its components, dependencies, external services, secrets (by name) and warnings',
    )
    .argument('<dir>', 'repository directory')
    .option('--json', 'print the AppModel as JSON')
    .action(async (dir: string, opts: { json?: boolean }) => {
      const model = await analyzeRepository(dir);
      if (opts.json) printJson(ctx().out, model);
      else ctx().out.line(summarizeAppModel(model));
    });
}
