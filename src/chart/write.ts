/**
 * Writing a chart: whole or not at all. The files go to a fresh directory beside the target,
 * which then takes the target's place; a failure on the way leaves the target as it was. A
 * target that exists, is not empty and is not a chart stackpilot wrote is refused unless forced.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../model/errors';
import type { Chart } from './build';
import { GENERATED_ANNOTATION } from './files';

/** Options of {@link writeChart}. */
export interface WriteChartOptions {
  /** Replace a target that is not a chart stackpilot wrote. Default false. */
  force?: boolean;
}

/** Writes `chart` to `outDir` (its `Chart.yaml` at the top). Returns the absolute directory. */
export function writeChart(chart: Chart, outDir: string, options: WriteChartOptions = {}): string {
  const target = resolve(outDir);
  if (existsSync(target)) refuseForeign(target, options.force ?? false);
  mkdirSync(dirname(target), { recursive: true });
  const staging = mkdtempSync(join(dirname(target), `.${basename(target)}.new-`));
  let aside: string | undefined;
  try {
    for (const [file, content] of Object.entries(chart.files)) {
      mkdirSync(dirname(join(staging, file)), { recursive: true });
      writeFileSync(join(staging, file), content);
    }
    if (existsSync(target)) {
      aside = `${staging}.old`;
      renameSync(target, aside);
    }
    renameSync(staging, target);
  } catch (err) {
    if (aside && !existsSync(target)) renameSync(aside, target);
    aside = undefined;
    throw err;
  } finally {
    rmSync(staging, { recursive: true, force: true });
    if (aside) rmSync(aside, { recursive: true, force: true });
  }
  return target;
}

function refuseForeign(target: string, force: boolean): void {
  if (!statSync(target).isDirectory()) {
    throw new InputError(`cannot write a chart to ${target}`, [
      { file: target, message: 'exists and is not a directory' },
    ]);
  }
  if (force || !readdirSync(target).length || writtenByStackpilot(target)) return;
  throw new InputError(`refusing to replace ${target}`, [
    {
      file: target,
      message: `not a chart stackpilot wrote (no ${GENERATED_ANNOTATION} annotation in Chart.yaml); pass --force to replace it`,
    },
  ]);
}

function writtenByStackpilot(dir: string): boolean {
  try {
    return readFileSync(join(dir, 'Chart.yaml'), 'utf8').includes(
      `${GENERATED_ANNOTATION}: stackpilot`,
    );
  } catch {
    return false;
  }
}
