/**
 * Test support for the analyzer: in-memory repositories for detector tests, fixture paths,
 * temp copies of fixtures for tests that need to change the file system (symlinks, modes).
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AppModel, Component, Evidence } from '../../../src/model/app';
import { assemble } from '../../../src/analyze/assemble';
import type { UnitDetector } from '../../../src/analyze/detectors/context';
import { Draft } from '../../../src/analyze/draft';
import { Repo, type RepoFile } from '../../../src/analyze/repo';
import { discoverUnits } from '../../../src/analyze/units';
import { WarningSink } from '../../../src/analyze/warnings';
import type { LoadedSpec } from '../../../src/analyze/spec';

export const FIXTURES = resolve(__dirname, '../../fixtures');

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

/** A repository built from path → text, as the walker would return it. */
export function repoOf(files: Record<string, string>): Repo {
  return new Repo(
    Object.entries(files).map(([path, text]): RepoFile => ({
      path,
      size: Buffer.byteLength(text),
      hash: createHash('sha256').update(text).digest('hex'),
      text,
      binary: false,
      oversize: false,
    })),
  );
}

/** Runs detectors on the unit at `dir` of an in-memory repository. */
export function detect(
  files: Record<string, string>,
  detectors: UnitDetector[],
  dir = '.',
): { draft: Draft; warnings: WarningSink; repo: Repo } {
  const repo = repoOf(files);
  const warnings = new WarningSink();
  const unit = discoverUnits(repo, warnings).find((u) => u.dir === dir);
  if (!unit) throw new Error(`no unit at ${dir}`);
  const draft = new Draft('t', dir, 'unit', unit);
  for (const d of detectors) d({ repo, unit, draft, warnings });
  return { draft, warnings, repo };
}

/** The whole assembly over an in-memory repository (no walk). */
export function assembleFiles(files: Record<string, string>, spec?: LoadedSpec): AppModel {
  return assemble({
    repo: repoOf(files),
    warnings: new WarningSink(),
    rootName: 'repo',
    ...(spec ? { spec } : {}),
  });
}

export function component(model: AppModel, name: string): Component {
  const c = model.components.find((x) => x.name === name);
  if (!c)
    throw new Error(`no component ${name} in ${model.components.map((x) => x.name).join(', ')}`);
  return c;
}

/** A component without its digest, for deep equality (the digest is asserted on its own). */
export function withoutDigest(c: Component): Omit<Component, 'sourceDigest'> {
  const { sourceDigest: _d, ...rest } = c;
  return rest;
}

/** A temp copy of a fixture; remove it with the returned function. */
export function tempCopy(name: string): { dir: string; cleanup: () => void } {
  const base = mkdtempSync(join(tmpdir(), 'stackpilot-analyze-'));
  const dir = join(base, name.split('/').at(-1)!);
  cpSync(fixture(name), dir, { recursive: true, verbatimSymlinks: true });
  return { dir, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

/** Evidence from compact `[field, file, line, note]` rows, in the order given. */
export function ev(...rows: Array<[string, string, number | undefined, string?]>): Evidence[] {
  return rows.map(([field, file, line, note]) => ({
    field,
    file,
    ...(line !== undefined ? { line } : {}),
    ...(note !== undefined ? { note } : {}),
  }));
}

/** Edges as compact rows: from, to, target, via, envVar, condition, evidence `field file:line (note)`. */
export function edgeRows(
  model: AppModel,
): Array<[string, string, string, string, string | null, string | null, string[]]> {
  return model.edges.map((e) => [
    e.from,
    e.to,
    e.target,
    e.via,
    e.envVar ?? null,
    e.condition ?? null,
    e.evidence.map((x) => `${x.field} ${x.file}:${x.line ?? ''}${x.note ? ` (${x.note})` : ''}`),
  ]);
}
