/**
 * The on-disk program of the repository's own `Pulumi.yaml` (`main: dist/src/program/main.js`),
 * so that `pulumi preview -s dev` deploys a plan without the stackpilot server. It reads two
 * stack config keys — `stackpilot:planFile` (a plan JSON path relative to the project directory)
 * and `stackpilot:target` (default: render) — and runs the same program as the engine, with
 * manifest delivery only (`stackpilot:delivery: helm` is refused).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { CONFIG_NAMESPACE, TargetSchema, type Target } from '../model/environment';
import { InputError, type InputIssue } from '../model/errors';
import { DeploymentPlanSchema, type DeploymentPlan } from '../model/plan';
import { createProgram, type ProgramOutputs } from './index';

/**
 * Where this program's state directory lies inside the project, as the engine's default
 * (`.stackpilot`): a relative render directory is resolved against it, and the default
 * render directory is `<state>/rendered/<stack>`.
 */
const STATE_DIR = '.stackpilot';

/**
 * Reads the stack config and the plan file, and runs the program. Pulumi's Node.js host calls
 * the module's export with no arguments, so the project directory defaults to the working
 * directory, which the host sets to the project's.
 */
async function main(projectDir: string = process.cwd()): Promise<ProgramOutputs> {
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  // The chart is written by the engine, which this standalone program does not run: deploying
  // manifests instead would silently put a second set of owners on a helm-delivered app.
  if (config.get('delivery') === 'helm')
    throw new InputError('the on-disk program delivers manifests only', [
      {
        field: `${CONFIG_NAMESPACE}:delivery`,
        message: 'helm delivery writes the chart first: deploy with `stackpilot up`',
      },
    ]);
  const planFile = config.require('planFile');
  const plan = readPlan(path.resolve(projectDir, planFile), planFile);
  const target = readTarget(config);
  const renderDirectory =
    target.kind === 'render'
      ? path.resolve(
          projectDir,
          STATE_DIR,
          target.directory ?? path.join('rendered', pulumi.getStack()),
        )
      : undefined;
  return createProgram(plan, { target, ...(renderDirectory ? { renderDirectory } : {}) })();
}

function readPlan(file: string, shown: string): DeploymentPlan {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError('cannot read the plan file', [
      { file: shown, field: `${CONFIG_NAMESPACE}:planFile`, message: (err as Error).message },
    ]);
  }
  const parsed = DeploymentPlanSchema.safeParse(raw);
  if (!parsed.success) {
    const issues: InputIssue[] = parsed.error.issues.map((i) => ({
      file: shown,
      field: i.path.join('.'),
      message: i.message,
    }));
    throw new InputError('invalid plan file', issues);
  }
  return parsed.data;
}

function readTarget(config: pulumi.Config): Target {
  const raw = config.getObject<unknown>('target') ?? { kind: 'render' };
  const parsed = TargetSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InputError(
      'invalid stack config',
      parsed.error.issues.map((i) => ({
        field: [`${CONFIG_NAMESPACE}:target`, ...i.path.map(String)].join('.'),
        message: i.message,
      })),
    );
  }
  return parsed.data;
}

// Pulumi's Node.js host calls a CommonJS module's exported function and awaits its result as
// the stack outputs.
export = main;
