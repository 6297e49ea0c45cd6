/**
 * Python queue workers: Celery, RQ, Dramatiq. A unit whose only runtime is a worker library
 * (no web framework) is a worker; a web app that merely enqueues tasks is not, unless a
 * Procfile or compose command runs its worker (handled by command analysis).
 */
import { PRIORITY, type Loc } from '../draft';
import { pyModule } from '../units';
import type { UnitContext } from './context';
import { pyVersion } from './python';

function findInCode(ctx: UnitContext, re: RegExp): { path: string; loc: Loc } | undefined {
  for (const path of ctx.unit.codeFiles) {
    if (!path.endsWith('.py')) continue;
    const src = ctx.repo.source(path);
    const m = src && re.exec(src.text);
    if (src && m) return { path, loc: { file: path, line: src.lineAt(m.index) } };
  }
  return undefined;
}

/** Unit detector for Celery, RQ and Dramatiq workers. */
export function detectPythonWorker(ctx: UnitContext): void {
  const { unit, draft } = ctx;
  if (draft.serves) return;
  const claim = (
    framework: string,
    dep: { spec?: string; file: string; line?: number },
    loc: Loc,
    command: string,
  ): void => {
    const version = pyVersion(dep.spec);
    draft.claim(
      'framework',
      { name: framework, ...(version ? { version } : {}) },
      PRIORITY.manifest,
      { file: dep.file, line: dep.line, note: `dependency ${framework}` },
    );
    draft.claim('kind', 'worker', PRIORITY.code, { ...loc, note: `${framework} worker` });
    draft.feature('queueFramework', framework, PRIORITY.code, loc);
    draft.claim('startCommand', command, PRIORITY.default, {
      ...loc,
      note: `${framework} worker command`,
    });
  };

  const celery = unit.pyDeps.get('celery');
  if (celery && !celery.dev) {
    const app = findInCode(ctx, /^\w+\s*=\s*(?:celery\.)?Celery\(/m);
    const module = app ? pyModule(unit, app.path) : undefined;
    claim(
      'celery',
      celery,
      app?.loc ?? { file: celery.file, line: celery.line },
      `celery -A ${module ?? 'app'} worker --loglevel=INFO`,
    );
    return;
  }
  const rq = unit.pyDeps.get('rq');
  if (rq && !rq.dev) {
    const q = findInCode(ctx, /\b(Queue|Worker)\(/);
    claim('rq', rq, q?.loc ?? { file: rq.file, line: rq.line }, 'rq worker');
    return;
  }
  const dramatiq = unit.pyDeps.get('dramatiq');
  if (dramatiq && !dramatiq.dev) {
    const actor = findInCode(ctx, /@(?:dramatiq\.)?actor\b/);
    claim(
      'dramatiq',
      dramatiq,
      actor?.loc ?? { file: dramatiq.file, line: dramatiq.line },
      `dramatiq ${actor ? pyModule(unit, actor.path) : 'tasks'}`,
    );
  }
}
