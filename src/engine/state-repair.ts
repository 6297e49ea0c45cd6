/**
 * Repairs what a killed engine leaves in Pulumi's file (`file://`) backend, before anything
 * opens the stack (the Automation API's selectStack itself fails on a bad checkpoint).
 *
 * The backend writes each object through gocloud's fileblob: it truncates and rewrites the
 * object's `<file>.attrs` sidecar, then renames a temporary file over the object. A SIGKILL
 * in between leaves an empty or half-written `.attrs`, and every later read of the object
 * fails with `failed to load checkpoint: EOF`. A sidecar is metadata only (content type and
 * checksum; a missing one is read as defaults), so a broken one is moved aside. A checkpoint
 * that does not parse is replaced by the newest intact copy among `<stack>.json.bak`, the
 * backend's `.pulumi/backups/<project>/<stack>/` and `.pulumi/history/<project>/<stack>/`
 * checkpoints. Nothing is ever deleted: every file replaced or moved goes to a quarantine
 * folder, and a checkpoint without an intact copy is left in place and reported.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import type { StateRepair } from '../model/operations';
import { writeFileAtomic } from './write-file-atomic';

export type { StateRepair } from '../model/operations';

/** Where a stack's files live in a file backend, and where broken files are kept. */
export interface RepairTarget {
  /** The file backend's directory (the path of its `file://` URL). */
  backendDir: string;
  project: string;
  stack: string;
  /** Folder for the broken files, outside the backend so that Pulumi never reads them. */
  quarantineDir: string;
}

/** Suffix of gocloud fileblob's attribute sidecars. */
const ATTRS = '.attrs';
const CHECKPOINT_NAMES = (stack: string) => [`${stack}.json`, `${stack}.json.gz`];

/**
 * Repairs the stack's files; returns one entry per file it found broken (none on a healthy
 * or missing stack). Idempotent: a second run finds nothing.
 */
export function repairStackState(target: RepairTarget): StateRepair[] {
  const { backendDir, project, stack } = target;
  const meta = join(backendDir, '.pulumi');
  const stacksDir = join(meta, 'stacks', project);
  const historyDir = join(meta, 'history', project, stack);
  const backupsDir = join(meta, 'backups', project, stack);
  const locksDir = join(meta, 'locks', 'organization', project, stack);
  const repairs: StateRepair[] = [];
  const quarantine = new Quarantine(target);

  // Sidecars of every object of this stack, and the backend's own metadata file.
  const sidecars = [
    ...listFiles(stacksDir).filter((f) => isStackFile(f, stack) && f.endsWith(ATTRS)),
    ...[historyDir, backupsDir, locksDir].flatMap((d) => listFiles(d)).filter(isAttrs),
    ...listFiles(meta).filter((f) => f === join(meta, `meta.yaml${ATTRS}`)),
  ];
  for (const file of sidecars) {
    const problem = jsonProblem(file);
    if (problem) repairs.push({ ...quarantine.moveAside(file), problem, action: 'moved-aside' });
  }

  // History and backup objects that do not parse are moved aside (they can only mislead).
  for (const file of [...listFiles(historyDir), ...listFiles(backupsDir)]) {
    if (isAttrs(file)) continue;
    const problem = jsonProblem(file);
    if (problem) repairs.push({ ...quarantine.moveAside(file), problem, action: 'moved-aside' });
  }

  for (const name of CHECKPOINT_NAMES(stack)) {
    const file = join(stacksDir, name);
    if (!existsSync(file)) continue;
    const problem = checkpointProblem(file, project, stack);
    if (!problem) continue;
    const source = newestIntactCopy(
      [
        `${file}.bak`,
        ...listFiles(backupsDir).filter((f) => !isAttrs(f)),
        ...listFiles(historyDir).filter((f) => /\.checkpoint\.json(\.gz)?$/.test(f)),
      ],
      project,
      stack,
      name.endsWith('.gz'),
    );
    if (!source) {
      repairs.push({ file: relative(backendDir, file), problem, action: 'unrepairable' });
      continue;
    }
    const kept = quarantine.copyAside(file);
    writeFileAtomic(file, readFileSync(source));
    // The sidecar describes the broken bytes (checksum): without it, defaults are read.
    if (existsSync(`${file}${ATTRS}`)) quarantine.moveAside(`${file}${ATTRS}`);
    repairs.push({ ...kept, problem, action: 'restored', source: relative(backendDir, source) });
  }
  return repairs;
}

/** Keeps broken files in `<quarantine>/<backend-relative path>`, never overwriting one. */
class Quarantine {
  private readonly stamp = new Date().toISOString().replace(/[:.]/g, '-');

  constructor(private readonly target: RepairTarget) {}

  moveAside(file: string): { file: string; keptAs: string } {
    const { rel, dest } = this.destination(file);
    renameSync(file, dest);
    return { file: rel, keptAs: relative(this.target.quarantineDir, dest) };
  }

  copyAside(file: string): { file: string; keptAs: string } {
    const { rel, dest } = this.destination(file);
    writeFileAtomic(dest, readFileSync(file));
    return { file: rel, keptAs: relative(this.target.quarantineDir, dest) };
  }

  private destination(file: string): { rel: string; dest: string } {
    const rel = relative(this.target.backendDir, file);
    let dest = join(this.target.quarantineDir, this.stamp, rel);
    for (let i = 1; existsSync(dest); i++)
      dest = join(this.target.quarantineDir, this.stamp, `${rel}.${i}`);
    mkdirSync(dirname(dest), { recursive: true });
    return { rel, dest };
  }
}

/** Files (not folders) directly in `dir`, sorted; none when it does not exist. */
function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .map((name) => join(dir, name))
    .filter((f) => statSync(f).isFile());
}

function isAttrs(file: string): boolean {
  return file.endsWith(ATTRS);
}

/** The stack's checkpoint, its backup copy, or one of their sidecars. */
function isStackFile(file: string, stack: string): boolean {
  const name = file.slice(file.lastIndexOf('/') + 1);
  return name.startsWith(`${stack}.json`);
}

/** The bytes of an object, gunzipped when it is a `.gz` one. */
function readObject(file: string): Buffer {
  const raw = readFileSync(file);
  return /\.gz(\.bak)?$/.test(file) ? gunzipSync(raw) : raw;
}

/** Why a JSON object does not parse: `empty`, `truncated` (any parse failure), or none. */
function jsonProblem(file: string): StateRepair['problem'] | undefined {
  let text: string;
  try {
    text = readObject(file).toString('utf8');
  } catch {
    return 'truncated';
  }
  if (text.trim() === '') return 'empty';
  try {
    JSON.parse(text);
    return undefined;
  } catch {
    return 'truncated';
  }
}

const CheckpointSchema = z.object({
  version: z.number().int(),
  checkpoint: z.object({
    stack: z.string(),
    latest: z
      .object({ manifest: z.object({ time: z.string() }).passthrough() })
      .passthrough()
      .optional(),
  }),
});

/** The checkpoint in `file` when it is intact and of this stack. */
function readCheckpoint(
  file: string,
  project: string,
  stack: string,
): z.infer<typeof CheckpointSchema> | undefined {
  try {
    const parsed = CheckpointSchema.safeParse(JSON.parse(readObject(file).toString('utf8')));
    if (!parsed.success) return undefined;
    const name = parsed.data.checkpoint.stack;
    return name === stack || name.endsWith(`/${project}/${stack}`) ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function checkpointProblem(
  file: string,
  project: string,
  stack: string,
): StateRepair['problem'] | undefined {
  if (readCheckpoint(file, project, stack)) return undefined;
  return jsonProblem(file) ?? 'truncated';
}

/**
 * The intact checkpoint copy whose deployment is newest (by the manifest time Pulumi writes on
 * each save), among copies of the same encoding; the first listed wins a tie.
 */
function newestIntactCopy(
  candidates: string[],
  project: string,
  stack: string,
  gzipped: boolean,
): string | undefined {
  let best: { file: string; time: number } | undefined;
  for (const file of candidates) {
    if (!existsSync(file) || /\.gz(\.bak)?$/.test(file) !== gzipped) continue;
    const cp = readCheckpoint(file, project, stack);
    if (!cp) continue;
    const time = Date.parse(cp.checkpoint.latest?.manifest.time ?? '') || 0;
    if (!best || time > best.time) best = { file, time };
  }
  return best?.file;
}
