import { join } from 'node:path';
import type { Command } from 'commander';
import { buildChart, writeChart } from '../../chart';
import { InputError, NotFoundError } from '../../model/errors';
import { listEnvironments } from '../../plan';
import type { CliContext } from '../context';
import { printJson, styles, table } from '../output';
import { planEnvironments } from '../pipeline';

/** What `stackpilot chart --json` prints. */
export interface ChartResult {
  /** The chart (app) name. */
  chart: string;
  /** The chart directory, absolute. */
  directory: string;
  /** Environments in chart order: the first one's values are `values.yaml`. */
  environments: string[];
  /** How many files under `templates/` render objects (partials and NOTES.txt left out). */
  templates: number;
  /** Every file written, chart-relative, sorted. */
  files: string[];
  /** Secrets the chart references by name, which must exist before installing. */
  secrets: string[];
  /** How to install each environment. */
  install: { environment: string; namespace: string; release: string; command: string }[];
}

interface ChartOptions {
  out: string;
  env?: string[];
  force?: boolean;
  json?: boolean;
}

/** Environments that come first, in this order, when `--env` is not given. */
const USUAL_ORDER = ['dev', 'staging', 'prod'];

/** `stackpilot chart <dir> --out <dir> [--env <env> ...]`: one Helm chart of the app for its environments. */
export function registerChart(program: Command, ctx: () => CliContext): void {
  program
    .command('chart')
    .description(
      'Write a Helm chart of the app: the objects render makes, values.yaml from the first environment and values-<env>.yaml with what each environment changes',
    )
    .argument('<dir>', 'repository directory')
    .requiredOption('-o, --out <dir>', 'chart directory (replaced whole on success)')
    .option(
      '-e, --env <env>',
      'environment, repeatable; the first gives values.yaml (default: every stacks/Pulumi.<env>.yaml, dev, staging, prod first)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--force', 'replace an output directory that is not a chart stackpilot wrote')
    .option('--json', 'print the result as JSON')
    .action(async (dir: string, opts: ChartOptions) => {
      const c = ctx();
      const names = opts.env ?? chartOrder(await listEnvironments(c.stacksDir));
      if (!names.length)
        throw new NotFoundError(`no environments: no Pulumi.<env>.yaml in ${c.stacksDir}`);
      const repeated = names.filter((n, i) => names.indexOf(n) !== i);
      if (repeated.length)
        throw new InputError('each environment can be given once', [
          { field: 'env', message: `${[...new Set(repeated)].join(', ')} given more than once` },
        ]);
      const planned = await planEnvironments(c, dir, names);
      const chart = buildChart(planned.map((p) => p.plan));
      const directory = writeChart(chart, opts.out, { force: opts.force ?? false });
      const files = Object.keys(chart.files);
      const result: ChartResult = {
        chart: chart.name,
        directory,
        environments: chart.environments,
        templates: files.filter(isObjectTemplate).length,
        files,
        secrets: Object.keys(secretsOf(chart.values[chart.environments[0]!]!)),
        install: planned.map(({ plan }) => {
          const release = chart.releaseName(plan.environment);
          const values = join(directory, `values-${plan.environment}.yaml`);
          return {
            environment: plan.environment,
            namespace: plan.namespace,
            release,
            command: ['helm', 'upgrade', '--install', release, directory]
              .concat(['-n', plan.namespace, '-f', values])
              .map(shellWord)
              .join(' '),
          };
        }),
      };
      if (opts.json) return printJson(c.out, result);
      printResult(c, result);
    });
}

/** dev, staging and prod first (those that exist), then the others sorted. */
export function chartOrder(names: readonly string[]): string[] {
  const rest = names.filter((n) => !USUAL_ORDER.includes(n)).sort();
  return [...USUAL_ORDER.filter((n) => names.includes(n)), ...rest];
}

function printResult(c: CliContext, result: ChartResult): void {
  const s = styles(c.out);
  c.out.line(
    `wrote chart ${s.bold(result.chart)} to ${result.directory}: ${result.environments.join(', ')}, ${result.templates} templates`,
  );
  if (result.secrets.length)
    c.out.line(
      `create its Secrets in each namespace first (keys in values.yaml): ${result.secrets.join(', ')}`,
    );
  c.out.line(
    table(
      ['env', 'install'],
      result.install.map((i) => [i.environment, i.command]),
    ),
  );
}

/** A file Helm renders into objects: under templates/, not a partial, not the notes. */
function isObjectTemplate(file: string): boolean {
  if (!file.startsWith('templates/')) return false;
  const name = file.slice(file.lastIndexOf('/') + 1);
  return !name.startsWith('_') && name !== 'NOTES.txt';
}

function secretsOf(values: Record<string, unknown>): Record<string, unknown> {
  const secrets = values.secrets;
  return secrets && typeof secrets === 'object' ? (secrets as Record<string, unknown>) : {};
}

/** A word as a shell reads it back: bare when safe, else single-quoted. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9._/=:-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
