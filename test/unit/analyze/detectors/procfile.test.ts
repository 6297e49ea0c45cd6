import { strict as assert } from 'node:assert';
import { detectProcfile } from '../../../../src/analyze/detectors/procfile';
import { detect, ev } from '../support';

describe('analyze/detectors: procfile', () => {
  it('takes web as the start command, release as migrations, the rest as processes', () => {
    const { draft, warnings } = detect(
      {
        'requirements.txt': 'django\n',
        Procfile:
          'web: gunicorn shop.wsgi --bind 0.0.0.0:${PORT:-8000}\nworker: celery -A shop worker\nrelease: python manage.py migrate\noops\n',
      },
      [detectProcfile],
    );
    assert.equal(draft.get('startCommand'), 'gunicorn shop.wsgi --bind 0.0.0.0:${PORT:-8000}');
    assert.equal(draft.get('port'), 8000);
    assert.equal(draft.get('public'), true);
    assert.deepEqual(draft.getFeature('migrations'), {
      tool: 'django',
      command: 'python manage.py migrate',
    });
    assert.deepEqual(
      draft.evidenceOf('features.migrations'),
      ev(['features.migrations', 'Procfile', 3, 'Procfile release']),
    );
    assert.deepEqual(draft.processes, [
      {
        type: 'worker',
        command: 'celery -A shop worker',
        loc: { file: 'Procfile', line: 2, note: 'Procfile worker' },
      },
    ]);
    assert.deepEqual(warnings.list(), [
      {
        code: 'invalid-procfile',
        message: 'Procfile: expected "<process type>: <command>"',
        file: 'Procfile',
        line: 4,
      },
    ]);
  });
});
