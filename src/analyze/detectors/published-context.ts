/**
 * What a published-image detector sees and returns. Such a detector reads one kind of file
 * that names the images a repository publishes (compose, Kubernetes manifests, Helm values,
 * skaffold.yaml) and matches each image to a component the repository builds.
 */
import type { PublishedImageFrom } from '../../model/app';
import type { Loc } from '../draft';
import { parseYamlDocuments, type YamlDoc } from '../parse/yaml';
import { baseOf, dirOf } from '../paths';
import type { Repo } from '../repo';
import type { WarningSink } from '../warnings';
import type { ComposeService } from './compose';

/** A component the repository builds (a Dockerfile or a generated one), as detectors match it. */
export interface BuiltComponent {
  name: string;
  /** Repository-relative build context. */
  context: string;
}

/** The inputs of one published-image detector run. */
export interface PublishedContext {
  readonly repo: Repo;
  readonly warnings: WarningSink;
  readonly appName: string;
  /** The compose services as the assembler parsed them (not parsed again). */
  readonly services: readonly ComposeService[];
  /** Built components, sorted by name; only these can have a published image. */
  readonly components: readonly BuiltComponent[];
}

/** One image a file names for one component. */
export interface PublishedCandidate {
  component: string;
  image: string;
  from: PublishedImageFrom;
  loc: Loc;
}

/** A detector: its candidates in a stable order, the first for a component being its best. */
export type PublishedDetector = (ctx: PublishedContext) => PublishedCandidate[];

/**
 * The documents of a YAML file read as strings (so that `tag: 1.10` is not the number 1.1).
 * A document that does not parse is an `invalid-yaml` warning naming the file and line, and
 * is skipped; the other documents of the file are still read.
 */
export function readYamlDocs(
  repo: Repo,
  file: string,
  warnings: WarningSink,
  what: string,
): YamlDoc[] {
  const src = repo.source(file);
  if (!src) return [];
  const docs: YamlDoc[] = [];
  for (const parsed of parseYamlDocuments(src.text, { strings: true })) {
    if (parsed.ok) docs.push(parsed.value);
    else
      warnings.add(
        'invalid-yaml',
        `${file}: ${parsed.message}; ${what} in it are ignored`,
        file,
        parsed.line,
      );
  }
  return docs;
}

/** A plain mapping, or `undefined`. */
export function mapping(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

/** A non-empty string, or `undefined`. */
export function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** Directories of the repository's Helm charts (those holding a Chart.yaml), sorted. */
export function chartDirs(repo: Repo): string[] {
  return repo.files.filter((f) => baseOf(f.path) === 'Chart.yaml').map((f) => dirOf(f.path));
}
