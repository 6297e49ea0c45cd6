/**
 * Django: version, the settings module and WSGI application from manage.py, URL patterns
 * (for health paths), `manage.py migrate` as the migration, a gunicorn start command.
 */
import { PRIORITY, type Loc } from '../draft';
import { joinRel, relTo } from '../paths';
import type { UnitContext } from './context';
import { DEFAULT_PY_PORT } from './fastapi';
import { pyVersion } from './python';

/** Unit detector for Django projects. */
export function detectDjango(ctx: UnitContext): void {
  const { unit, draft, repo } = ctx;
  const dep = unit.pyDeps.get('django');
  if (!dep || dep.dev) return;
  const depLoc: Loc = {
    file: dep.file,
    line: dep.line,
    note: `dependency django${dep.spec ? ` ${dep.spec}` : ''}`,
  };
  draft.serves = true;
  const version = pyVersion(dep.spec);
  draft.claim(
    'framework',
    { name: 'django', ...(version ? { version } : {}) },
    PRIORITY.manifest,
    depLoc,
  );
  draft.claim('kind', 'backend', PRIORITY.code, { ...depLoc, note: 'Django project' });
  draft.claim('port', DEFAULT_PY_PORT, PRIORITY.default, {
    ...depLoc,
    note: 'gunicorn/runserver default port',
  });

  const manage = repo.source(joinRel(unit.dir, 'manage.py'));
  const settings = manage && /DJANGO_SETTINGS_MODULE['"]\s*,\s*['"]([\w.]+)['"]/.exec(manage.text);
  if (manage && settings) {
    const project = settings[1]!.split('.')[0]!;
    const wsgi = joinRel(unit.dir, `${project}/wsgi.py`);
    const object = `${project}.wsgi:application`;
    if (repo.has(wsgi)) {
      const loc: Loc = {
        file: wsgi,
        line: repo.source(wsgi)?.lineOf(/^application\s*=/m),
        note: `WSGI application ${object}`,
      };
      draft.feature('appObject', object, PRIORITY.code, loc);
      draft.claim(
        'startCommand',
        `gunicorn ${object} --bind 0.0.0.0:${DEFAULT_PY_PORT}`,
        PRIORITY.default,
        { ...loc, note: 'gunicorn with the project WSGI application' },
      );
    }
    draft.feature(
      'migrations',
      { tool: 'django', command: 'python manage.py migrate --noinput' },
      PRIORITY.manifest,
      { file: manage.path, line: manage.lineAt(settings.index), note: 'Django project migrations' },
    );
  }

  for (const f of unit.files) {
    if (!/(^|\/)urls\.py$/.test(relTo(unit.dir, f.path))) continue;
    const src = repo.source(f.path);
    if (!src) continue;
    for (const m of src.text.matchAll(/\b(?:re_)?path\(\s*r?['"]\^?([^'"$]*)\$?['"]/g)) {
      const path = `/${m[1]}`;
      draft.routes.push({
        path,
        loc: { file: f.path, line: src.lineAt(m.index), note: `route ${path}` },
      });
    }
  }
}
