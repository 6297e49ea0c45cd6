/**
 * FastAPI: version, the ASGI application object (module-level or factory), routes for health
 * and readiness, streaming responses, Alembic migrations, and a uvicorn start command when
 * nothing else gives one.
 */
import { PRIORITY, type Loc } from '../draft';
import { joinRel } from '../paths';
import type { UnitContext } from './context';
import { decoratorRoutes, findAppObject, pyVersion, STREAMING_PY } from './python';

/** Port of uvicorn and gunicorn when nothing else says (8000). */
export const DEFAULT_PY_PORT = 8000;

/** `uvicorn module:app --host 0.0.0.0 --port 8000` (with `--factory` for an app factory). */
export function uvicornCommand(object: string, port: number): string {
  const factory = object.endsWith('()');
  return `uvicorn ${factory ? object.slice(0, -2) : object}${factory ? ' --factory' : ''} --host 0.0.0.0 --port ${port}`;
}

/** Unit detector for FastAPI services. */
export function detectFastapi(ctx: UnitContext): void {
  const { unit, draft, repo } = ctx;
  const dep = unit.pyDeps.get('fastapi');
  if (!dep || dep.dev) return;
  const depLoc: Loc = {
    file: dep.file,
    line: dep.line,
    note: `dependency fastapi${dep.spec ? ` ${dep.spec}` : ''}`,
  };
  draft.serves = true;
  const version = pyVersion(dep.spec);
  draft.claim(
    'framework',
    { name: 'fastapi', ...(version ? { version } : {}) },
    PRIORITY.manifest,
    depLoc,
  );
  draft.claim('kind', 'backend', PRIORITY.code, { ...depLoc, note: 'FastAPI service' });
  draft.claim('port', DEFAULT_PY_PORT, PRIORITY.default, {
    ...depLoc,
    note: 'uvicorn default port',
  });

  const app = findAppObject(repo, unit, 'FastAPI');
  if (app) {
    draft.feature('appObject', app.object, PRIORITY.code, app.loc);
    draft.claim('startCommand', uvicornCommand(app.object, DEFAULT_PY_PORT), PRIORITY.default, {
      ...app.loc,
      note: 'uvicorn with the detected application',
    });
  }
  for (const r of decoratorRoutes(repo, unit)) draft.routes.push({ path: r.path, loc: r.loc });

  for (const path of unit.codeFiles) {
    const src = repo.source(path);
    const m = src && STREAMING_PY.exec(src.text);
    if (src && m) {
      draft.feature('streaming', true, PRIORITY.code, {
        file: path,
        line: src.lineAt(m.index),
        note: `streams (${m[0]})`,
      });
      break;
    }
  }

  const ini = joinRel(unit.dir, 'alembic.ini');
  const alembicDep = unit.pyDeps.get('alembic');
  if (repo.has(ini) || alembicDep) {
    const src = repo.source(ini);
    const line = src?.lineOf(/^script_location/m);
    draft.feature(
      'migrations',
      { tool: 'alembic', command: 'alembic upgrade head' },
      PRIORITY.manifest,
      repo.has(ini)
        ? { file: ini, ...(line ? { line } : {}), note: 'Alembic configuration' }
        : { file: alembicDep!.file, line: alembicDep!.line, note: 'dependency alembic' },
    );
  }
}
