/**
 * Environment variable references in source code: `process.env.X`, `import.meta.env.X`,
 * `os.environ["X"]`, `os.getenv("X", "default")`, django-environ and python-decouple calls,
 * and the fields of pydantic `BaseSettings` classes (which read `FIELD_NAME` from the env).
 * A literal default found beside the reference is kept for classification only.
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

/** Env references in one JS/TS or Python file. */
export function scanEnvRefs(src: SourceText, settingsFile: boolean): EnvRef[] {
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
