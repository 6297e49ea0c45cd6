/**
 * Building a {@link Fix}: a stack-config override with its one-line YAML-ish summary
 * (`stackpilot:components: {worker: {memory: 1Gi}}`), or a command to run.
 */
import type { Fix } from '../model/diagnosis';

/** The repository directory commands are written with: the front doors run from the repository. */
export const REPO_DIR = '.';

/** A value in YAML flow style, keys sorted: `{worker: {memory: 1Gi}}`. */
export function flow(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(flow).join(', ')}]`;
  if (typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${k}: ${flow((value as Record<string, unknown>)[k])}`)
      .join(', ')}}`;
  if (typeof value === 'string') return plainScalar(value) ? value : JSON.stringify(value);
  return String(value);
}

/** Whether a string reads back as the same string unquoted in YAML flow style (`1Gi` does, `8000` and `true` do not). */
function plainScalar(v: string): boolean {
  if (!/^[\w./@-][\w./:@-]*$/.test(v) || /:$/.test(v)) return false;
  if (/^(true|false|yes|no|on|off|null|~)$/i.test(v)) return false;
  return !/^[-+]?(\d[\d_]*(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(v) && !/^0[xo]/i.test(v);
}

/** The summary line of a config override: one `stackpilot:<key>: <value>` per top-level key. */
export function configSummary(config: Record<string, unknown>): string {
  return Object.keys(config)
    .sort()
    .map((k) => `stackpilot:${k}: ${flow(config[k])}`)
    .join('; ');
}

/** A fix that is a stack-config override; `command` when something must also be run. */
export function configFix(config: Record<string, unknown>, reason: string, command?: string): Fix {
  return { summary: configSummary(config), reason, config, ...(command ? { command } : {}) };
}

/** A fix that is a command to run. */
export function commandFix(command: string, reason: string): Fix {
  return { summary: command, reason, command };
}

/** A per-component override: `{components: {api: {memory: '1Gi'}}}`. */
export function componentOverride(
  component: string,
  override: Record<string, unknown>,
): Record<string, unknown> {
  return { components: { [component]: override } };
}

/** `stackpilot up . --env dev`: re-apply the plan, which recreates what it owns as planned. */
export function upCommand(environment: string): string {
  return `stackpilot up ${REPO_DIR} --env ${environment}`;
}

/** `stackpilot secrets set shop DATABASE_URL --env dev` (the value is read from stdin). */
export function secretsSetCommand(project: string, name: string, environment: string): string {
  return `stackpilot secrets set ${project} ${name} --env ${environment}`;
}

/** `stackpilot build . --env dev --push`. */
export function buildCommand(environment: string): string {
  return `stackpilot build ${REPO_DIR} --env ${environment} --push`;
}

/** `stackpilot rollback shop --env dev`. */
export function rollbackCommand(project: string, environment: string): string {
  return `stackpilot rollback ${project} --env ${environment}`;
}

/**
 * A value the diagnosis cannot know (the env var's value, a tag that exists), written `<what>`:
 * a front door that merges a fix must ask for it instead of writing the placeholder.
 */
export function placeholder(what: string): string {
  return `<${what}>`;
}

/** Whether a config value is (or holds) a {@link placeholder}. */
export function hasPlaceholder(value: unknown): boolean {
  if (typeof value === 'string') return /^<[^<>]+>$|:<[^<>]+>$/.test(value);
  if (value && typeof value === 'object') return Object.values(value).some(hasPlaceholder);
  return false;
}
