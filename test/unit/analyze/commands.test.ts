import { strict as assert } from 'node:assert';
import { analyzeCommand } from '../../../src/analyze/commands';
import { healthRole, pathFromHealthcheck } from '../../../src/analyze/health';

describe('analyze/commands', () => {
  const cases: Array<[string, ReturnType<typeof analyzeCommand>]> = [
    [
      'uvicorn app.main:app --host 0.0.0.0 --port 8000',
      { server: 'uvicorn', port: 8000, appObject: 'app.main:app' },
    ],
    [
      'uvicorn chat.main:create_app --factory --port ${PORT:-8001}',
      { server: 'uvicorn', port: 8001, appObject: 'chat.main:create_app()' },
    ],
    [
      'gunicorn shop.wsgi:application --bind 0.0.0.0:$PORT --workers 3',
      { server: 'gunicorn', appObject: 'shop.wsgi:application' },
    ],
    [
      'gunicorn -b :5000 "users.app:create_app()"',
      { server: 'gunicorn', port: 5000, appObject: 'users.app:create_app()' },
    ],
    ['python manage.py runserver 0.0.0.0:8001', { server: 'django', port: 8001 }],
    ['next start -p 3001', { server: 'next', port: 3001 }],
    [
      'celery -A shop worker --loglevel=info',
      { worker: { framework: 'celery', role: 'worker', app: 'shop' } },
    ],
    [
      'uv run celery --app=worker.celery_app beat',
      { worker: { framework: 'celery', role: 'scheduler', app: 'worker.celery_app' } },
    ],
    ['rq worker high default', { worker: { framework: 'rq', role: 'worker' } }],
    ['dramatiq tasks', { worker: { framework: 'dramatiq', role: 'worker' } }],
    ['alembic upgrade head', { migration: 'alembic' }],
    ['python manage.py migrate --noinput', { migration: 'django' }],
    ['npx prisma migrate deploy', { migration: 'prisma' }],
    ['drizzle-kit migrate', { migration: 'drizzle' }],
    ['pnpm run db:migrate', { migration: 'other' }],
    ['node dist/server.js', {}],
  ];
  for (const [cmd, facts] of cases)
    it(`reads: ${cmd}`, () => {
      assert.deepEqual(analyzeCommand(cmd), facts);
    });

  it('classifies health and readiness paths', () => {
    assert.deepEqual(
      [
        '/health',
        '/healthz/',
        '/api/health',
        '/livez',
        '/ready',
        '/readyz',
        '/health/ready',
        '/api/items',
        '/',
      ].map(healthRole),
      ['health', 'health', 'health', 'health', 'ready', 'ready', 'ready', undefined, undefined],
    );
    assert.equal(
      pathFromHealthcheck('curl -f http://localhost:8000/healthz || exit 1'),
      '/healthz',
    );
    assert.equal(pathFromHealthcheck('pg_isready -U shop'), undefined);
  });
});
