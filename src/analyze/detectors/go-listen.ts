/**
 * Where a Go server listens: the address argument of its listener call, read as a literal
 * (`":8080"`), or followed through the variables it is built from (`addr := ":" + port`,
 * `fmt.Sprintf(":%s", port)`) to a literal default (`port = "8080"`, `if port == "" { port =
 * "8080" }`) or to the env var it is read from, whose value an `.env` file of the unit gives.
 */
import type { Loc } from '../draft';
import type { SourceText } from '../repo';

/** A listener call by framework: `net/http`, `grpc` (net.Listen), `gin`, `echo`, `fiber`. */
const CALLS: Array<{ re: RegExp; note: string; frameworks?: readonly string[] }> = [
  { re: /\bListenAndServe(?:TLS)?\(/g, note: 'ListenAndServe' },
  { re: /&http\.Server\{[^}]*?\bAddr:\s*()/g, note: 'http.Server Addr' },
  { re: /\bnet\.Listen\(\s*"tcp[46]?"\s*,/g, note: 'net.Listen' },
  { re: /\.Run\(/g, note: 'Run', frameworks: ['gin'] },
  { re: /\.Start\(/g, note: 'Start', frameworks: ['echo'] },
  { re: /(?<!\bnet)\.Listen\(/g, note: 'Listen', frameworks: ['fiber'] },
];

const NOT_VARS = new Set([
  'fmt',
  'Sprintf',
  'net',
  'JoinHostPort',
  'os',
  'Getenv',
  'strconv',
  'Itoa',
  'nil',
]);

/** A port found for a listener, with the call and the literal or env value behind it. */
export interface GoListen {
  port: number;
  locs: Loc[];
}

/** The text of a call's arguments from just after `(` to its matching `)` (at most 300 chars). */
function argsAt(text: string, from: number): string {
  let depth = 0;
  for (let i = from; i < text.length && i < from + 300; i++) {
    const ch = text[i];
    if (ch === '(' || ch === '{') depth++;
    else if (ch === ')' || ch === '}') {
      if (depth === 0) return text.slice(from, i);
      depth--;
    } else if (ch === ',' && depth === 0 && text.slice(from, i).trim()) return text.slice(from, i);
  }
  return text.slice(from, from + 300);
}

/** `"host:8080"`, `":8080"` or `"8080"` → 8080. */
function portOfLiteral(s: string): number | undefined {
  const m = /^(?:[^"]*:)?(\d{2,5})$/.exec(s);
  const n = m ? Number(m[1]) : NaN;
  return n >= 1 && n <= 65535 ? n : undefined;
}

/**
 * Resolves an expression to a port: a string literal, else each variable in it through its
 * assignments (two levels), else an env read whose name `envValue` knows.
 */
function resolve(
  src: SourceText,
  expr: string,
  envValue: (name: string) => { value: string; loc: Loc } | undefined,
  depth: number,
): { port: number; locs: Loc[] } | undefined {
  const literal = /"([^"]*)"/.exec(expr);
  if (literal && !/^tcp[46]?$/.test(literal[1]!)) {
    const port = portOfLiteral(literal[1]!);
    if (port) return { port, locs: [] };
  }
  const env = /os\.(?:Getenv|LookupEnv)\(\s*"([A-Za-z_]\w*)"/.exec(expr);
  const fromEnv = env ? envValue(env[1]!) : undefined;
  if (fromEnv) {
    const port = portOfLiteral(fromEnv.value);
    if (port) return { port, locs: [fromEnv.loc] };
  }
  if (depth > 2) return undefined;
  const vars = [...new Set(expr.replace(/"[^"]*"/g, '').match(/\b[A-Za-z_]\w*\b/g) ?? [])];
  for (const v of vars) {
    if (NOT_VARS.has(v)) continue;
    // Every assignment of the variable, in source order: an env read first, then a literal.
    const defs = [...src.text.matchAll(new RegExp(`\\b${v}\\s*(?::=|=(?!=))\\s*([^\\n;]+)`, 'g'))];
    for (const d of defs) {
      const inner = d[1]!.trim();
      if (/^"[^"]*"$/.test(inner) || /^\d{2,5}$/.test(inner)) continue;
      const found = resolve(src, inner, envValue, depth + 1);
      if (found?.locs.length) return found;
    }
    for (const d of defs) {
      const inner = d[1]!.trim();
      const lit = /^"([^"]*)"$/.exec(inner)?.[1] ?? /^(\d{2,5})$/.exec(inner)?.[1];
      const port = lit !== undefined ? portOfLiteral(lit) : undefined;
      if (port)
        return {
          port,
          locs: [{ file: src.path, line: src.lineAt(d.index), note: `${v} defaults to ${port}` }],
        };
    }
    for (const d of defs) {
      const found = resolve(src, d[1]!.trim(), envValue, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * The port of the first listener call in the unit's Go files that resolves to one. Calls that
 * only some frameworks make (`.Run(`, `.Start(`, `.Listen(`) count only with that framework.
 */
export function goListenPort(
  sources: readonly SourceText[],
  framework: string | undefined,
  envValue: (name: string) => { value: string; loc: Loc } | undefined,
): GoListen | undefined {
  for (const src of sources)
    for (const call of CALLS) {
      if (call.frameworks && !call.frameworks.includes(framework ?? '')) continue;
      for (const m of src.text.matchAll(call.re)) {
        const arg = argsAt(src.text, m.index + m[0].length);
        const found = resolve(src, arg, envValue, 0);
        if (!found) continue;
        const at: Loc = {
          file: src.path,
          line: src.lineAt(m.index),
          note: `${call.note} listens on ${found.port}`,
        };
        return { port: found.port, locs: [at, ...found.locs] };
      }
    }
  return undefined;
}
