/**
 * `stackpilot diagnose <dir|app> --env E [--json] [--fix] [--yes]`: why a cluster stack's
 * objects are not doing their job, each finding with its evidence, cause, plan decision and
 * fix; with `--fix`, every finding's config fix merged into the stack file and the plan diff
 * it makes. Commands a fix names are printed, never run.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { applyConfigFixes, type FixChange } from '../../diagnose/apply-fix';
import { requireCluster } from '../../engine';
import { writeFileAtomic } from '../../engine/write-file-atomic';
import type { Diagnosis, Finding, Fix } from '../../model/diagnosis';
import { CONFIG_NAMESPACE, type Environment } from '../../model/environment';
import {
  diffPlans,
  formatPlanDiff,
  loadEnvironment,
  parseStackConfig,
  planDeployment,
} from '../../plan';
import { confirmChange } from '../confirm';
import type { CliContext } from '../context';
import { ExitCode } from '../exit-codes';
import { printJson, styles } from '../output';
import { planRepository, type Planned } from '../pipeline';

interface DiagnoseFlags {
  env: string;
  json?: boolean;
  fix?: boolean;
  yes?: boolean;
}

/** diagnose: findings, their fixes, and `--fix`. */
export function registerDiagnose(program: Command, ctx: () => CliContext): void {
  program
    .command('diagnose')
    .description(
      `Explain what is wrong with a cluster stack's objects: per finding its evidence, cause, the plan decision behind it and the fix. Changes nothing without --fix. Exits ${ExitCode.unhealthy} when something is wrong`,
    )
    .argument(
      '<dir|app>',
      "repository directory (compared with today's plan) or app name (with the plan of the stack's latest update)",
    )
    .requiredOption('-e, --env <env>', 'environment')
    .option('--json', 'print the Diagnosis as JSON')
    .option(
      '--fix',
      "merge every finding's config fix into the stack file (stacks/Pulumi.<env>.yaml) and print the plan diff",
    )
    .option('-y, --yes', 'with --fix: write the stack file without asking')
    .action(async (target: string, opts: DiagnoseFlags) => {
      const c = ctx();
      const env = await loadEnvironment(c.stacksDir, opts.env);
      // Before planning and before the engine is set up: a render target has nothing to read.
      requireCluster(env, 'diagnose');
      const planned = isDirectory(target)
        ? await planRepository(c, target, env.name, { deployed: true })
        : undefined;
      const diagnosis = await c.engine().diagnose(planned?.app.name ?? target, env, {
        signal: c.signal,
        ...(planned ? { plan: planned.plan } : {}),
      });
      if (opts.json) printJson(c.out, diagnosis);
      else printDiagnosis(c, diagnosis);
      if (opts.fix) await fixStack(c, diagnosis, env, planned, opts);
      // Findings stay on the cluster after --fix: the fix takes effect with the next up.
      if (!diagnosis.healthy) process.exitCode = ExitCode.unhealthy;
    });
}

/** A path as messages show it: relative to the working directory when inside it. */
function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

function isDirectory(target: string): boolean {
  return existsSync(target) && statSync(target).isDirectory();
}

/** A diagnosis as blocks, one per finding, then the notes and a summary line. */
export function printDiagnosis(ctx: CliContext, d: Diagnosis): void {
  const s = styles(ctx.out);
  for (const f of d.findings) {
    ctx.out.line(findingBlock(f, s));
    ctx.out.line('');
  }
  if (d.notes.length) {
    ctx.out.line(s.dim('notes (what could not be read or checked):'));
    for (const n of d.notes) ctx.out.line(s.dim(`  - ${n}`));
  }
  const plan = d.planHash ? `, plan ${d.planHash.slice(0, 19)}` : '';
  const verdict = d.healthy
    ? s.ok('healthy')
    : s.bad(`${d.findings.length} finding${d.findings.length === 1 ? '' : 's'}`);
  ctx.out.line(
    `${s.bold('diagnose')} ${d.project}/${d.environment} (namespace ${d.namespace}${plan}): ${verdict}`,
  );
}

/** One finding: object and class, cause, evidence, decision and fix with its YAML. */
export function findingBlock(f: Finding, s: ReturnType<typeof styles>): string {
  const lines = [
    `${s.bad(f.class)}  ${s.bold(f.object)}${f.component ? `  (component ${f.component})` : ''}`,
    `  cause:     ${f.cause}`,
  ];
  if (f.evidence.length) lines.push('  evidence:', ...f.evidence.map((e) => `    ${e}`));
  if (f.decision)
    lines.push(
      `  decision:  ${f.decision.skill}/${f.decision.topic}: ${f.decision.choice}`,
      s.dim(`             (${f.decision.reason})`),
    );
  if (f.fix) {
    lines.push(`  fix:       ${f.fix.summary}`, s.dim(`             (${f.fix.reason})`));
    if (f.fix.config) lines.push(indent(fixYaml(f.fix), 4));
    if (f.fix.command) lines.push(`  run:       ${f.fix.command}`);
  } else lines.push(s.dim('  fix:       none the plan can make; see the cause'));
  return lines.join('\n');
}

/** A fix's config as the stack file writes it: `stackpilot:`-namespaced keys. */
function fixYaml(fix: Fix): string {
  const keyed = Object.fromEntries(
    Object.entries(fix.config ?? {}).map(([k, v]) => [`${CONFIG_NAMESPACE}:${k}`, v]),
  );
  return stringify(keyed).trimEnd();
}

/** `text` with every line indented by `n` spaces. */
export function indent(text: string, n: number): string {
  return text
    .split('\n')
    .map((l) => `${' '.repeat(n)}${l}`)
    .join('\n');
}

/**
 * Merges the config fixes into the stack file `file` of `envName`, validates the result as
 * the next run would read it, asks `confirm` and writes it atomically. Returns the changes and
 * the new environment; undefined when no fix changes the file. Writes nothing when the merge
 * is refused (an InputError naming the field) or not confirmed. Fixes that need a value only a
 * person knows are never written; `onNeedsValue` is told of them.
 */
export async function writeConfigFixes(
  file: string,
  envName: string,
  fixes: readonly Fix[],
  confirm: (changes: FixChange[]) => Promise<void>,
  onNeedsValue: (fixes: Fix[]) => void = () => {},
): Promise<{ changes: FixChange[]; env: Environment } | undefined> {
  const shown = displayPath(file);
  const merged = applyConfigFixes(readFileSync(file, 'utf8'), fixes, shown);
  if (merged.needsValue.length) onNeedsValue(merged.needsValue);
  if (!merged.changes.length) return undefined;
  // The whole file as `loadEnvironment` will read it next time (quantities, ranges, lines).
  const env = parseStackConfig(merged.text, shown, envName);
  await confirm(merged.changes);
  writeFileAtomic(file, merged.text);
  return { changes: merged.changes, env };
}

async function fixStack(
  c: CliContext,
  d: Diagnosis,
  env: Environment,
  planned: Planned | undefined,
  opts: DiagnoseFlags,
): Promise<void> {
  // With --json, stdout holds the Diagnosis alone.
  const say = (t: string) => (opts.json ? c.out.note(t) : c.out.line(t));
  const s = styles(c.out);
  const fixes = d.findings.flatMap((f) => (f.fix ? [f.fix] : []));
  const file = join(c.stacksDir, `Pulumi.${env.name}.yaml`);
  const shown = displayPath(file);
  const written = await writeConfigFixes(
    file,
    env.name,
    fixes,
    async (changes) => {
      say(`${s.bold('fix')} ${shown}:`);
      for (const ch of changes)
        say(`  ${ch.key}: ${ch.from !== undefined ? `${ch.from} → ` : ''}${ch.to}`);
      c.throwIfCancelled();
      await confirmChange(`write ${changes.length} change(s) to ${shown}`, opts.yes);
    },
    (left) => {
      say(`${s.bad('not written')}: these fixes need a value only you know; set it in ${shown}:`);
      for (const f of left) say(indent(`${f.summary}\n${fixYaml(f)}`, 2));
    },
  );
  if (!written) say(`${s.bold('fix')}: no finding has a config fix that changes ${shown}`);
  else {
    say(`${s.ok('wrote')} ${shown}; the next \`stackpilot up\` deploys it`);
    if (!planned)
      say(
        s.dim(
          `plan diff: needs the repository directory (\`stackpilot diagnose <dir> --env ${env.name} --fix\`, or \`stackpilot preview <dir> --env ${env.name}\`)`,
        ),
      );
    else {
      const previous = await c.engine().deployedPlan(planned.app.name, env.name);
      const after = await planDeployment(planned.app, written.env, {
        ...c.skills(),
        ...(previous ? { previous } : {}),
      });
      say(`${s.bold('plan diff')} (before → after the fix):`);
      say(formatPlanDiff(diffPlans(planned.plan, after)));
    }
  }
  const commands = fixes.flatMap((f) => (f.command ? [f.command] : []));
  if (commands.length) {
    say('commands to run yourself (diagnose never runs them):');
    for (const cmd of commands) say(`  ${cmd}`);
  }
}
