/** TOML parsing (smol-toml) with the failure located by line; the parser's code excerpt is dropped. */
import type * as SmolToml from 'smol-toml' with { 'resolution-mode': 'import' };
import type { Parsed } from './result';

// smol-toml ships CommonJS for `require`, but its types are ESM-only; this project compiles to
// CommonJS, so the runtime import is a plain require typed from the ESM declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const toml = require('smol-toml') as typeof SmolToml;

/** Parses TOML text to a table, or a failure with its line. */
export function parseToml(text: string): Parsed<Record<string, unknown>> {
  try {
    return { ok: true, value: toml.parse(text) as Record<string, unknown> };
  } catch (err) {
    const first = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
    const reason = first.replace(/^Invalid TOML document: /, '');
    if (err instanceof toml.TomlError)
      return { ok: false, message: `invalid TOML: ${reason}`, line: err.line };
    return { ok: false, message: `invalid TOML: ${reason}` };
  }
}
