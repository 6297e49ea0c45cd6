/**
 * YAML parsing that keeps source positions: the value as plain JS plus a `lineOf(path)`
 * lookup over the document's node ranges (yaml's `LineCounter`), so that facts found in a
 * compose file or spec can name their line. Merge keys (`<<: *defaults`) are honoured, as
 * Compose honours them; alias expansion is bounded by the library's default alias count.
 */
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  parseDocument,
  type Document,
  type Node,
} from 'yaml';
import type { Parsed } from './result';

/** A parsed YAML document: its value and the line of any value path inside it. */
export interface YamlDoc {
  readonly value: unknown;
  /** 1-based line of the key (for map entries) or item at `path`; the deepest found ancestor otherwise. */
  lineOf(path: ReadonlyArray<string | number>): number | undefined;
}

/** How YAML scalars are read. */
export interface YamlOptions {
  /**
   * Read every scalar as a string (YAML's failsafe schema), so that `tag: 1.10` stays `1.10`
   * instead of becoming the number 1.1. Default false (the core schema).
   */
  strings?: boolean;
}

/** Parses one YAML document; the first error is returned with its line. */
export function parseYaml(text: string, options: YamlOptions = {}): Parsed<YamlDoc> {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, ...docOptions(options) });
  return toYamlDoc(doc, counter, text);
}

/**
 * Parses a stream of YAML documents (`---` separated, as Kubernetes manifests are): each one
 * parsed on its own, so that one bad document does not hide the others.
 */
export function parseYamlDocuments(text: string, options: YamlOptions = {}): Parsed<YamlDoc>[] {
  const counter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: counter, ...docOptions(options) });
  if (!Array.isArray(docs)) return [];
  return docs.map((doc) => toYamlDoc(doc, counter, text));
}

function docOptions(options: YamlOptions) {
  return {
    merge: true,
    prettyErrors: false,
    ...(options.strings ? { schema: 'failsafe' as const } : {}),
  };
}

function toYamlDoc(doc: Document, counter: LineCounter, text: string): Parsed<YamlDoc> {
  const err = doc.errors[0];
  if (err) {
    // Errors found at end of input (an unclosed quote or bracket) point past the last line;
    // the last line with content is where a reader should look.
    const lastContent = Math.max(0, text.trimEnd().length - 1);
    const line = counter.linePos(Math.min(err.pos[0], lastContent)).line;
    const first = (err.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    return { ok: false, message: `invalid YAML: ${first}`, line };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return {
      ok: false,
      message: `invalid YAML: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
    };
  }
  return { ok: true, value: { value, lineOf: (path) => lineOfPath(doc, counter, path) } };
}

function lineOfPath(
  doc: Document,
  counter: LineCounter,
  path: ReadonlyArray<string | number>,
): number | undefined {
  const lineOfNode = (n: Node | null | undefined): number | undefined =>
    n?.range ? counter.linePos(n.range[0]).line : undefined;
  let node = doc.contents as Node | null;
  let line = lineOfNode(node);
  for (const segment of path) {
    if (node && isAlias(node)) node = node.resolve(doc) ?? null;
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isScalar(p.key) && String(p.key.value) === String(segment),
      );
      if (!pair) return line;
      line = lineOfNode(pair.key as Node) ?? line;
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) return line;
      line = lineOfNode(item) ?? line;
      node = item;
    } else {
      return line;
    }
  }
  return line;
}
