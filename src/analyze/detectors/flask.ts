/** Flask: version, the WSGI application (module-level or `create_app()` factory), routes, gunicorn start. */
import { PRIORITY, type Loc } from '../draft';
import type { UnitContext } from './context';
import { decoratorRoutes, findAppObject, pyVersion } from './python';

/** Flask's development-server port, used when nothing else says (5000). */
export const DEFAULT_FLASK_PORT = 5000;

/** Unit detector for Flask applications. */
export function detectFlask(ctx: UnitContext): void {
  const { unit, draft, repo } = ctx;
  const dep = unit.pyDeps.get('flask');
  if (!dep || dep.dev || unit.pyDeps.has('fastapi') || unit.pyDeps.has('django')) return;
  const depLoc: Loc = {
    file: dep.file,
    line: dep.line,
    note: `dependency flask${dep.spec ? ` ${dep.spec}` : ''}`,
  };
  draft.serves = true;
  const version = pyVersion(dep.spec);
  draft.claim(
    'framework',
    { name: 'flask', ...(version ? { version } : {}) },
    PRIORITY.manifest,
    depLoc,
  );
  draft.claim('kind', 'backend', PRIORITY.code, { ...depLoc, note: 'Flask application' });
  draft.claim('port', DEFAULT_FLASK_PORT, PRIORITY.default, {
    ...depLoc,
    note: 'Flask default port',
  });

  const app = findAppObject(repo, unit, 'Flask');
  if (app) {
    draft.feature('appObject', app.object, PRIORITY.code, app.loc);
    draft.claim(
      'startCommand',
      `gunicorn ${app.object.endsWith('()') ? `'${app.object}'` : app.object} --bind 0.0.0.0:${DEFAULT_FLASK_PORT}`,
      PRIORITY.default,
      { ...app.loc, note: 'gunicorn with the detected application' },
    );
  }
  for (const r of decoratorRoutes(repo, unit)) draft.routes.push({ path: r.path, loc: r.loc });
  for (const path of unit.codeFiles) {
    const src = repo.source(path);
    const m = src && /\.run\([^)]*\bport\s*=\s*(\d{2,5})/.exec(src.text);
    if (src && m)
      draft.claim('port', Number(m[1]), PRIORITY.code, {
        file: path,
        line: src.lineAt(m.index),
        note: `app.run(port=${m[1]})`,
      });
  }
}
