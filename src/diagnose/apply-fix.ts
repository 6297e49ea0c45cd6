/**
 * Merging the config fixes of a diagnosis into a stack config file: a pure function from the
 * file's text and the fixes to the new text, keeping the file's comments, order and every key
 * it does not change (the `yaml` Document API edits the parsed tree in place), and refusing a
 * result that `EnvironmentConfigSchema` would not accept.
 */
import { isMap, isScalar, isSeq, parseDocument, type Document, type YAMLMap } from 'yaml';
import type { Fix } from '../model/diagnosis';
import { hasPlaceholder } from './fixes';
import { CONFIG_NAMESPACE, EnvironmentConfigSchema } from '../model/environment';
import { InputError, type InputIssue } from '../model/errors';

/** One setting a merge wrote: its dotted key (`stackpilot:components.worker.memory`) and values. */
export interface FixChange {
  key: string;
  /** The value before, as YAML would write it inline; absent for a new key. */
  from?: string;
  to: string;
}

/** The outcome of {@link applyConfigFixes}. */
export interface MergedConfig {
  /** The new file text; the input text unchanged when no fix changes anything. */
  text: string;
  /** Every leaf setting that changed, in the order the fixes set them. */
  changes: FixChange[];
  /** Fixes left out because their config holds a value only a person knows (`<value of X>`). */
  needsValue: Fix[];
}

/**
 * Merges the `config` of every fix into `text`, a `stacks/Pulumi.<env>.yaml` file, under the
 * `stackpilot:` namespace: objects merge key by key (a fix setting `components.worker.memory`
 * leaves the worker's other overrides alone), anything else replaces the value. A top-level
 * key the file spells without its namespace (`replicas:`, which Pulumi reads as the project's)
 * is edited where it is. Fixes without `config` are skipped (their `command` is for a person).
 * Throws an InputError, locating each issue as `config.stackpilot:<path>`, when the file is not
 * valid YAML or the merged `stackpilot:` keys break `EnvironmentConfigSchema`; the caller then
 * writes nothing. `file` names the file in messages only.
 */
export function applyConfigFixes(
  text: string,
  fixes: readonly Fix[],
  file = 'stack config',
): MergedConfig {
  const doc = parseDocument(text);
  if (doc.errors.length)
    throw new InputError(
      `cannot merge fixes into ${file}`,
      doc.errors.map((e) => ({
        file,
        ...(e.linePos?.[0]?.line ? { line: e.linePos[0].line } : {}),
        message: `YAML: ${e.message.split('\n')[0] ?? e.message}`,
      })),
    );
  if (doc.contents !== null && !isMap(doc.contents))
    throw new InputError(`cannot merge fixes into ${file}`, [
      { file, message: 'the file must be a mapping with a `config:` key' },
    ]);
  const changes: FixChange[] = [];
  const needsValue: Fix[] = [];
  for (const fix of fixes) {
    if (!fix.config) continue;
    if (hasPlaceholder(fix.config)) {
      needsValue.push(fix);
      continue;
    }
    const config = configMap(doc, file);
    for (const [key, value] of Object.entries(fix.config)) {
      const spelled = config.has(`${CONFIG_NAMESPACE}:${key}`)
        ? `${CONFIG_NAMESPACE}:${key}`
        : config.has(key)
          ? key
          : `${CONFIG_NAMESPACE}:${key}`;
      merge(doc, config, spelled, value, `${CONFIG_NAMESPACE}:${key}`, changes);
    }
  }
  if (!changes.length) return { text, changes, needsValue };
  validate(doc, file);
  return { text: doc.toString(), changes, needsValue };
}

/** The document's `config:` mapping, created when the file has none. */
function configMap(doc: Document, file: string): YAMLMap {
  if (doc.contents === null) doc.contents = doc.createNode({}) as never;
  const root = doc.contents as unknown as YAMLMap;
  const existing = root.get('config', true);
  if (isMap(existing)) return existing;
  if (existing !== undefined && !(isScalar(existing) && existing.value === null))
    throw new InputError(`cannot merge fixes into ${file}`, [
      { file, field: 'config', message: 'must be a mapping' },
    ]);
  const created = doc.createNode({}) as YAMLMap;
  root.set('config', created);
  return created;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Sets `value` at `key` of `map`, merging objects into an existing mapping key by key. */
function merge(
  doc: Document,
  map: YAMLMap,
  key: string,
  value: unknown,
  path: string,
  changes: FixChange[],
): void {
  const existing = map.get(key, true);
  if (isPlainObject(value)) {
    let child: YAMLMap;
    if (isMap(existing)) child = existing;
    else {
      child = doc.createNode({}) as YAMLMap;
      map.set(key, child);
    }
    for (const [k, v] of Object.entries(value)) merge(doc, child, k, v, `${path}.${k}`, changes);
    return;
  }
  const before = existing === undefined ? undefined : inline(existing);
  const after = inline(value);
  if (before === after) return;
  // A scalar edited in place keeps the comments attached to it.
  if (isScalar(existing) && !Array.isArray(value)) existing.value = value;
  else map.set(key, doc.createNode(value));
  changes.push({ key: path, ...(before !== undefined ? { from: before } : {}), to: after });
}

/** A value as one line of YAML-ish text, for the change list. */
function inline(v: unknown): string {
  const js = isScalar(v) || isMap(v) || isSeq(v) ? v.toJSON() : v;
  return typeof js === 'string' ? js : JSON.stringify(js);
}

/** Checks the `stackpilot:` keys of the merged document against the schema. */
function validate(doc: Document, file: string): void {
  const config = (doc.toJS() as { config?: Record<string, unknown> }).config ?? {};
  const raw: Record<string, unknown> = {};
  for (const [fullKey, value] of Object.entries(config)) {
    const colon = fullKey.indexOf(':');
    if (colon < 0) raw[fullKey] = value;
    else if (fullKey.slice(0, colon) === CONFIG_NAMESPACE) raw[fullKey.slice(colon + 1)] = value;
  }
  const parsed = EnvironmentConfigSchema.safeParse(raw);
  if (parsed.success) return;
  const issues: InputIssue[] = parsed.error.issues.flatMap((i) => {
    const at = i.path.map(String);
    const field = (p: string[]) => `config.${CONFIG_NAMESPACE}:${p.join('.')}`;
    return i.code === 'unrecognized_keys'
      ? i.keys.map((k) => ({ file, field: field([...at, k]), message: 'unknown setting' }))
      : [{ file, field: field(at), message: i.message }];
  });
  throw new InputError(
    `merging the fixes into ${file} gives an invalid stack config; nothing was written`,
    issues,
  );
}
