/**
 * Shared helpers of the Python detectors: the language claim, the ASGI/WSGI application
 * object (module-level `app = FastAPI()` or an app factory), decorator routes.
 */
import { PRIORITY, type Loc } from '../draft';
import type { Repo } from '../repo';
import { pyModule, type Unit } from '../units';
import type { UnitContext } from './context';

/** Unit detector: any unit with a Python manifest is Python. */
export function detectPythonBasics(ctx: UnitContext): void {
  const { unit, draft } = ctx;
  if (!unit.pyManifests.length) return;
  draft.claim('language', 'python', PRIORITY.manifest, {
    file: unit.pyManifests[0]!,
    note: `Python (${unit.pyTool ?? 'pip'})`,
  });
}

/** `^0.115.0`, `>=0.115,<1` → `0.115.0`, `0.115`. */
export function pyVersion(spec: string | undefined): string | undefined {
  return spec ? /(\d+(?:\.\d+){0,2})/.exec(spec)?.[1] : undefined;
}

const PREFERRED = /(^|\/)(main|app|server|api|asgi|wsgi|__init__)\.py$/;

/**
 * The application object created by `ctor(...)` (e.g. `FastAPI`, `Flask`): `module:var` for a
 * module-level assignment, `module:factory()` when created inside a top-level function.
 */
export function findAppObject(
  repo: Repo,
  unit: Unit,
  ctor: string,
): { object: string; loc: Loc } | undefined {
  const re = new RegExp(
    `^([ \\t]*)([A-Za-z_]\\w*)\\s*(?::\\s*[\\w.\\[\\]]+\\s*)?=\\s*(?:\\w+\\.)?${ctor}\\(`,
    'm',
  );
  const candidates: Array<{ object: string; loc: Loc; rank: number }> = [];
  for (const path of unit.codeFiles) {
    if (!path.endsWith('.py')) continue;
    const src = repo.source(path);
    const m = src && re.exec(src.text);
    if (!src || !m) continue;
    const module = pyModule(unit, path);
    const line = src.lineAt(m.index);
    let object = `${module}:${m[2]}`;
    if (m[1]) {
      const defs = [
        ...src.text.slice(0, m.index).matchAll(/^(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(/gm),
      ];
      const factory = defs.at(-1)?.[1];
      if (!factory) continue;
      object = `${module}:${factory}()`;
    }
    candidates.push({
      object,
      loc: { file: path, line, note: `${ctor} application ${object}` },
      rank: (PREFERRED.test(path) ? 0 : 1) * 1000 + path.split('/').length,
    });
  }
  candidates.sort((a, b) => a.rank - b.rank || (a.loc.file < b.loc.file ? -1 : 1));
  return candidates[0];
}

/** Decorator routes `@app.get("/healthz")`, `@router.route("/x")`, with a same-file `APIRouter(prefix=...)`. */
export function decoratorRoutes(
  repo: Repo,
  unit: Unit,
): Array<{ path: string; loc: Loc; file: string }> {
  const out: Array<{ path: string; loc: Loc; file: string }> = [];
  for (const path of unit.codeFiles) {
    if (!path.endsWith('.py')) continue;
    const src = repo.source(path);
    if (!src) continue;
    const prefixes = new Map<string, string>();
    for (const m of src.text.matchAll(
      /^(\w+)\s*=\s*(?:\w+\.)?(?:APIRouter|Blueprint)\(([^)]*)\)/gm,
    )) {
      const prefix = /(?:prefix|url_prefix)\s*=\s*['"]([^'"]+)['"]/.exec(m[2]!)?.[1];
      if (prefix) prefixes.set(m[1]!, prefix.replace(/\/$/, ''));
    }
    for (const m of src.text.matchAll(
      /@(\w+)\.(?:get|head|api_route|route)\(\s*['"]([^'"]*)['"]/g,
    )) {
      const route = `${prefixes.get(m[1]!) ?? ''}${m[2]}` || '/';
      out.push({
        path: route,
        file: path,
        loc: { file: path, line: src.lineAt(m.index), note: `route ${route}` },
      });
    }
  }
  return out;
}

/** Code that streams responses: Starlette/SSE responses, LLM SDK streaming flags. */
export const STREAMING_PY =
  /\b(StreamingResponse|EventSourceResponse)\b|\bstream\s*=\s*True\b|\.stream\(|\.astream\(/;
