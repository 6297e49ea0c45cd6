/**
 * go.mod: the module path, the `go` directive and the `require` lines (single and block form),
 * each located by line. Indirect requirements are left out: they are not what the module
 * itself imports.
 */
import type { SourceText } from '../repo';
import type { Dependency } from './package-json';

/** The go.mod fields the analysis uses. */
export interface GoMod {
  file: string;
  /** `module` path, e.g. `github.com/acme/shop/frontend`. */
  module?: string;
  /** The `go` directive (`1.22`), with its line. */
  go?: { version: string; line: number };
  /** Direct requirements by module path. */
  requires: Map<string, Dependency>;
}

/** Parses go.mod text; unknown directives are ignored. */
export function parseGoMod(src: SourceText): GoMod {
  const out: GoMod = { file: src.path, requires: new Map() };
  const lines = src.text.split('\n');
  let inRequire = false;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (inRequire) {
      if (line === ')') inRequire = false;
      else addRequire(out, line, raw, src.path, i + 1);
      continue;
    }
    const mod = /^module\s+"?([^\s"]+)"?$/.exec(line);
    if (mod) out.module = mod[1]!;
    const go = /^go\s+(\d+(?:\.\d+){0,2})$/.exec(line);
    if (go) out.go = { version: go[1]!, line: i + 1 };
    if (/^require\s*\($/.test(line)) inRequire = true;
    const single = /^require\s+(.+)$/.exec(line);
    if (single && !inRequire) addRequire(out, single[1]!, raw, src.path, i + 1);
  }
  return out;
}

function addRequire(out: GoMod, spec: string, raw: string, file: string, line: number): void {
  if (/\/\/\s*indirect\b/.test(raw)) return;
  const m = /^"?([^\s"]+)"?\s+(v[^\s]+)$/.exec(spec);
  if (!m) return;
  out.requires.set(m[1]!, { name: m[1]!, spec: m[2]!, extras: [], dev: false, file, line });
}
