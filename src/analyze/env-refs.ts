/**
 * Environment variable references in source code: `process.env.X`, `import.meta.env.X`,
 * `os.environ["X"]`, `os.getenv("X", "default")`, django-environ and python-decouple calls,
 * the fields of pydantic `BaseSettings` classes (which read `FIELD_NAME` from the env), and
 * Go's `os.Getenv("X")` / `os.LookupEnv("X")` (with the `if v == "" { v = "default" }` that
 * usually follows). A literal default found beside the reference is kept for classification only.
 */
import type { EnvRef } from './draft';
import type { SourceText } from './repo';

const NAME = '[A-Za-z_][A-Za-z0-9_]*';
const STR = `(["'\`])((?:(?!\\3).)*)\\3`;

const JS_PATTERNS: RegExp[] = [
  new RegExp(
    `process\\.env\\.(${NAME})(?:\\s*(?:\\?\\?|\\|\\|)\\s*(?:${STR.replace(/\\3/g, '\\2')}|(\\d+)))?`,
    'g',
  ),
  new RegExp(`process\\.env\\[\\s*["'\`](${NAME})["'\`]\\s*\\]`, 'g'),
  new RegExp(`import\\.meta\\.env\\.(${NAME})`, 'g'),
];

const PY_PATTERNS: RegExp[] = [
  new RegExp(`os\\.environ\\[\\s*["'](${NAME})["']\\s*\\]`, 'g'),
  new RegExp(
    `os\\.(?:environ\\.get|getenv)\\(\\s*["'](${NAME})["'](?:\\s*,\\s*(?:${STR.replace(/\\3/g, '\\2')}|(\\d+)))?`,
    'g',
  ),
  new RegExp(
    `\\benv(?:\\.[a-z_]+)?\\(\\s*["']([A-Z_][A-Z0-9_]*)["'](?:[^)\\n]*?default\\s*=\\s*(?:${STR.replace(/\\3/g, '\\2')}|(\\d+)))?`,
    'g',
  ),
  new RegExp(
    `\\bconfig\\(\\s*["']([A-Z_][A-Z0-9_]*)["'](?:[^)\\n]*?default\\s*=\\s*(?:${STR.replace(/\\3/g, '\\2')}|(\\d+)))?`,
    'g',
  ),
];

const GO_READ = new RegExp(`os\\.(?:Getenv|LookupEnv)\\(\\s*"(${NAME})"\\s*\\)`, 'g');

/** Env references in one JS/TS, Python or Go file. */
export function scanEnvRefs(src: SourceText, settingsFile: boolean): EnvRef[] {
  if (src.path.endsWith('.go')) return goEnvRefs(src);
  const py = src.path.endsWith('.py');
  const refs: EnvRef[] = [];
  const source = settingsFile ? 'settings' : 'code';
  for (const re of py ? PY_PATTERNS : JS_PATTERNS) {
    re.lastIndex = 0;
    for (const m of src.text.matchAll(re)) {
      const value = m[3] ?? m[4];
      refs.push({
        name: m[1]!,
        source,
        ...(value !== undefined ? { value } : {}),
        loc: { file: src.path, line: src.lineAt(m.index) },
      });
    }
  }
  if (!py) {
    for (const m of src.text.matchAll(/\b(?:const|let|var)\s*\{([^}]*)\}\s*=\s*process\.env\b/g)) {
      for (const part of m[1]!.split(',')) {
        const name = /^\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(part)?.[1];
        const value = /=\s*["'`]([^"'`]*)["'`]/.exec(part)?.[1];
        if (name)
          refs.push({
            name,
            source,
            ...(value !== undefined ? { value } : {}),
            loc: { file: src.path, line: src.lineAt(m.index) },
          });
      }
    }
  } else {
    refs.push(...settingsClassRefs(src));
  }
  return refs;
}

/** Fields of pydantic `BaseSettings` subclasses: `database_url: str` reads `DATABASE_URL` (plus any `env_prefix`). */
function settingsClassRefs(src: SourceText): EnvRef[] {
  const out: EnvRef[] = [];
  const lines = src.text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^class\s+\w+\s*\([^)]*\bBaseSettings\b[^)]*\)\s*:/.test(lines[i]!)) continue;
    const body: Array<{ text: string; line: number }> = [];
    for (let j = i + 1; j < lines.length; j++) {
      const l = lines[j]!;
      if (l.trim() && !/^\s/.test(l)) break;
      body.push({ text: l, line: j + 1 });
    }
    const prefix = (
      /env_prefix\s*=\s*["']([A-Za-z0-9_]*)["']/.exec(body.map((b) => b.text).join('\n'))?.[1] ?? ''
    ).toUpperCase();
    for (const { text, line } of body) {
      const m = /^\s{1,8}([a-z_][a-z0-9_]*)\s*:\s*([^=#]+?)\s*(?:=\s*(.+?))?\s*(?:#.*)?$/.exec(
        text,
      );
      if (!m || m[1] === 'model_config' || m[1]!.startsWith('_')) continue;
      const alias = /(?:validation_)?alias\s*=\s*["']([A-Za-z_][A-Za-z0-9_]*)["']/.exec(
        m[3] ?? '',
      )?.[1];
      const literal =
        /^["']([^"']*)["']$/.exec(m[3] ?? '')?.[1] ??
        (/^-?\d+(\.\d+)?$/.test(m[3] ?? '') ? m[3] : undefined);
      out.push({
        name: alias ?? `${prefix}${m[1]!.toUpperCase()}`,
        source: 'settings',
        ...(literal !== undefined ? { value: literal } : {}),
        loc: { file: src.path, line, note: `settings field ${m[1]}` },
      });
    }
  }
  return out;
}

/**
 * Go reads: `os.Getenv("X")` and `os.LookupEnv("X")`. A default is the literal assigned to the
 * variable that holds the read when it is empty: `port := os.Getenv("PORT")` followed by
 * `if port == "" { port = "8080" }`.
 */
function goEnvRefs(src: SourceText): EnvRef[] {
  const out: EnvRef[] = [];
  for (const m of src.text.matchAll(GO_READ)) {
    const before = src.text.slice(Math.max(0, m.index - 80), m.index);
    const holder = /\b([A-Za-z_]\w*)\s*(?:,\s*\w+\s*)?:?=\s*$/.exec(before)?.[1];
    const value = holder ? goEmptyDefault(src.text.slice(m.index), holder) : undefined;
    out.push({
      name: m[1]!,
      source: 'code',
      ...(value !== undefined ? { value } : {}),
      loc: { file: src.path, line: src.lineAt(m.index) },
    });
  }
  // A helper that reads the variable its parameter names (`mustMapEnv(&addr, "CART_ADDR")`).
  for (const fn of src.text.matchAll(/^func\s+(\w+)\(([^)]*)\)[^{\n]*\{([\s\S]*?)^\}/gm)) {
    const params = fn[2]!.split(',').map((p) => p.trim().split(/\s+/)[0]!);
    const at = params.findIndex(
      (p) => p && new RegExp(`os\\.(?:Getenv|LookupEnv)\\(\\s*${p}\\s*\\)`).test(fn[3]!),
    );
    if (at < 0) continue;
    const call = new RegExp(`(?<!func\\s)\\b${fn[1]}\\(((?:[^()"\\n]|"[^"\\n]*")*)\\)`, 'g');
    for (const c of src.text.matchAll(call)) {
      const arg = c[1]!.split(',')[at]?.trim();
      const name = arg && /^"([A-Za-z_][A-Za-z0-9_]*)"$/.exec(arg)?.[1];
      if (name)
        out.push({
          name,
          source: 'code',
          loc: { file: src.path, line: src.lineAt(c.index), note: `read by ${fn[1]}` },
        });
    }
  }
  return out;
}

/** The literal of `if v == "" { v = "lit" }` within the few lines after a read into `v`. */
export function goEmptyDefault(after: string, v: string): string | undefined {
  const re = new RegExp(
    `^[^\\n]*\\n(?:[^\\n]*\\n){0,3}?\\s*if\\s+${v}\\s*==\\s*""\\s*\\{\\s*${v}\\s*=\\s*"([^"\\n]*)"`,
  );
  return re.exec(after)?.[1];
}
