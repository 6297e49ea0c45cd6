/**
 * Runs the third-party checkers installed by `scripts/setup-checkers.sh` over manifests written
 * one file per object, and turns their reports into {@link Finding}s. A checker that is not
 * installed is reported as missing with the reason, never silently passed.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Finding } from './findings';
import { writeManifests, type Manifest } from './manifests';

export const CHECKERS_DIR =
  process.env.STACKPILOT_CHECKERS_DIR ?? path.join(os.homedir(), '.cache/stackpilot/checkers');

export interface Checker {
  name: 'kubernetes-validate' | 'checkov' | 'kube-score';
  bin: string;
  /** The version the binary reports, or why it is unavailable. */
  version?: string;
  missing?: string;
}

/** One written manifest: its file, its plan and the object. */
export interface WrittenManifest {
  file: string;
  plan: string;
  env: string;
  manifest: Manifest;
}

/** Writes `manifests` one file per object into `dir`, labelled with their plan and environment. */
export function writeForCheckers(
  manifests: readonly Manifest[],
  dir: string,
  plan: string,
  env: string,
): WrittenManifest[] {
  return writeManifests(manifests, dir).map((file, j) => ({
    file,
    plan,
    env,
    manifest: manifests[j]!,
  }));
}

function probe(name: Checker['name'], bin: string, args: string[], pattern: RegExp): Checker {
  if (!fs.existsSync(bin))
    return { name, bin, missing: `${bin} not found; run scripts/setup-checkers.sh` };
  const r = spawnSync(bin, args, { encoding: 'utf8', timeout: 60_000 });
  const version = pattern.exec(`${r.stdout}${r.stderr}`)?.[1];
  return version
    ? { name, bin, version }
    : { name, bin, missing: `${bin} ${args.join(' ')} failed: ${r.stderr || r.error}` };
}

/** The checkers and their versions, or why each is missing. */
export function findCheckers(): Checker[] {
  return [
    probe(
      'kubernetes-validate',
      path.join(CHECKERS_DIR, 'venv/bin/kubernetes-validate'),
      ['--version'],
      /(\d+\.\d+\.\d+)/,
    ),
    probe('checkov', path.join(CHECKERS_DIR, 'venv/bin/checkov'), ['--version'], /(\d+\.\d+\.\d+)/),
    probe(
      'kube-score',
      path.join(CHECKERS_DIR, 'bin/kube-score'),
      ['version'],
      /version: (v?\d+\.\d+\.\d+)/,
    ),
  ];
}

/** Finding about the object of a written file. */
function findingAt(
  written: ReadonlyMap<string, WrittenManifest>,
  checker: string,
  check: string,
  file: string,
  message: string,
): Finding {
  const w = written.get(path.resolve(file));
  if (!w) throw new Error(`${checker} reported on an unknown file ${file}: ${check} ${message}`);
  return {
    checker,
    check,
    plan: w.plan,
    env: w.env,
    kind: w.manifest.kind,
    name: w.manifest.metadata.name,
    message,
  };
}

/**
 * kubernetes-validate, strict (unknown fields are errors), against the newest Kubernetes schema it
 * ships. Custom resources it has no schema for (the ServiceMonitor) are left to our own rules.
 */
export function runKubernetesValidate(c: Checker, files: readonly WrittenManifest[]): Finding[] {
  const written = new Map(files.map((w) => [path.resolve(w.file), w]));
  const r = spawnSync(c.bin, ['--strict', '--quiet', ...files.map((w) => w.file)], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const findings: Finding[] = [];
  for (const line of `${r.stdout}\n${r.stderr}`.split('\n')) {
    const error = /^ERROR (\S+) (.*)$/.exec(line);
    if (error) findings.push(findingAt(written, c.name, 'schema', error[1]!, error[2]!));
    const warn = /^WARN (\S+) Couldn't find schema for kind (\S+) with api version (\S+)/.exec(
      line,
    );
    if (warn && warn[3] !== 'monitoring.coreos.com/v1') {
      findings.push(
        findingAt(written, c.name, 'no-schema', warn[1]!, `no schema for ${warn[2]} ${warn[3]}`),
      );
    }
  }
  if (r.status !== 0 && !findings.length)
    throw new Error(`kubernetes-validate failed: ${r.stderr}`);
  return findings;
}

/** checkov's Kubernetes framework over a directory tree, offline (`--skip-download`). */
export function runCheckov(c: Checker, root: string, files: readonly WrittenManifest[]): Finding[] {
  const written = new Map(files.map((w) => [path.resolve(w.file), w]));
  const r = spawnSync(
    c.bin,
    [
      '-d',
      root,
      '--framework',
      'kubernetes',
      '--quiet',
      '--compact',
      '--skip-download',
      '-o',
      'json',
    ],
    {
      encoding: 'utf8',
      cwd: root,
      maxBuffer: 256 << 20,
      env: { ...process.env, BC_SKIP_MAPPING: 'TRUE' },
    },
  );
  let reports: unknown;
  try {
    reports = JSON.parse(r.stdout);
  } catch {
    throw new Error(`checkov printed no JSON (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  }
  const list = (Array.isArray(reports) ? reports : [reports]) as Array<{
    results?: {
      failed_checks?: Array<{
        check_id: string;
        check_name: string;
        file_path: string;
        file_abs_path?: string;
      }>;
    };
  }>;
  return list.flatMap((rep) =>
    (rep.results?.failed_checks ?? []).map((f) =>
      findingAt(
        written,
        c.name,
        f.check_id,
        f.file_abs_path ?? path.join(root, f.file_path),
        f.check_name,
      ),
    ),
  );
}

/** Optional kube-score tests worth having on: seccomp profiles and container port names. */
const KUBE_SCORE_OPTIONAL = ['container-seccomp-profile', 'container-ports-check'];

/** kube-score over one plan's files (its cross-object checks need exactly one plan at a time). */
export function runKubeScore(c: Checker, files: readonly WrittenManifest[]): Finding[] {
  const written = new Map(files.map((w) => [path.resolve(w.file), w]));
  const args = [
    'score',
    '--output-format',
    'json',
    ...KUBE_SCORE_OPTIONAL.flatMap((t) => ['--enable-optional-test', t]),
  ];
  const r = spawnSync(c.bin, [...args, ...files.map((w) => w.file)], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  let objects: unknown;
  try {
    objects = JSON.parse(r.stdout);
  } catch {
    throw new Error(`kube-score printed no JSON (exit ${r.status}): ${r.stderr || r.stdout}`);
  }
  const findings: Finding[] = [];
  for (const o of objects as Array<{
    file_name: string;
    checks: Array<{
      check: { id: string };
      grade: number;
      skipped: boolean;
      comments: Array<{ path: string; summary: string }> | null;
    }>;
  }>) {
    for (const check of o.checks) {
      if (check.skipped || check.grade >= 10) continue;
      const what = (check.comments ?? [])
        .map((x) => [x.path, x.summary].filter(Boolean).join(': '))
        .join('; ');
      findings.push(
        findingAt(written, c.name, check.check.id, o.file_name, what || `grade ${check.grade}`),
      );
    }
  }
  return findings;
}
