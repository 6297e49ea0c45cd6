import { strict as assert } from 'node:assert';
import { detectDjango } from '../../../../src/analyze/detectors/django';
import { detectFastapi } from '../../../../src/analyze/detectors/fastapi';
import { detectFlask } from '../../../../src/analyze/detectors/flask';
import { detectPythonBasics } from '../../../../src/analyze/detectors/python';
import { detectPythonWorker } from '../../../../src/analyze/detectors/python-worker';
import { applyHealthRoutes } from '../../../../src/analyze/health';
import { detect, ev } from '../support';

describe('analyze/detectors: Python', () => {
  describe('fastapi', () => {
    it('reads a module-level app, prefixed routes, streaming and Alembic', () => {
      const { draft } = detect(
        {
          'requirements.txt': 'fastapi==0.115.6\nuvicorn[standard]==0.34.0\n',
          'alembic.ini': '[alembic]\nscript_location = migrations\n',
          'app/__init__.py': '',
          'app/main.py':
            'from fastapi import FastAPI\n\nfrom app.ops import router\n\napp = FastAPI(title="x")\napp.include_router(router)\n',
          'app/ops.py':
            'from fastapi import APIRouter\nfrom fastapi.responses import StreamingResponse\n\nrouter = APIRouter(prefix="/ops")\n\n\n@router.get("/healthz")\ndef h():\n    return {}\n\n\n@router.get("/stream")\ndef s():\n    return StreamingResponse(iter(["a"]))\n',
          'tests/test_app.py': 'app = FastAPI()\n',
        },
        [detectFastapi, detectPythonBasics],
      );
      applyHealthRoutes(draft);
      assert.deepEqual(draft.get('framework'), { name: 'fastapi', version: '0.115.6' });
      assert.equal(draft.get('kind'), 'backend');
      assert.equal(draft.get('language'), 'python');
      assert.equal(draft.get('port'), 8000);
      assert.equal(draft.get('healthPath'), '/ops/healthz');
      assert.equal(draft.get('startCommand'), 'uvicorn app.main:app --host 0.0.0.0 --port 8000');
      assert.deepEqual(draft.features(), {
        appObject: 'app.main:app',
        streaming: true,
        migrations: { tool: 'alembic', command: 'alembic upgrade head' },
      });
      assert.deepEqual(
        draft.evidenceOf('features.appObject'),
        ev(['features.appObject', 'app/main.py', 5, 'FastAPI application app.main:app']),
      );
      assert.deepEqual(
        draft.evidenceOf('features.migrations'),
        ev(['features.migrations', 'alembic.ini', 2, 'Alembic configuration']),
      );
      assert.deepEqual(
        draft.evidenceOf('features.streaming'),
        ev(['features.streaming', 'app/ops.py', 2, 'streams (StreamingResponse)']),
      );
    });

    it('reads an app factory in a src layout', () => {
      const { draft } = detect(
        {
          'pyproject.toml': '[project]\nname = "svc"\ndependencies = ["fastapi>=0.115"]\n',
          'src/svc/__init__.py': '',
          'src/svc/app.py':
            'from fastapi import FastAPI\n\n\ndef create_app() -> FastAPI:\n    app = FastAPI()\n    return app\n',
        },
        [detectFastapi],
      );
      assert.equal(draft.getFeature('appObject'), 'svc.app:create_app()');
      assert.equal(
        draft.get('startCommand'),
        'uvicorn svc.app:create_app --factory --host 0.0.0.0 --port 8000',
      );
      assert.deepEqual(draft.get('framework'), { name: 'fastapi', version: '0.115' });
    });
  });

  describe('django', () => {
    it('reads settings, WSGI application, URL patterns and migrations', () => {
      const { draft } = detect(
        {
          'requirements.txt': 'Django==5.1.4\n',
          'manage.py':
            'import os\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_cfg.settings")\n',
          'site_cfg/wsgi.py':
            'from django.core.wsgi import get_wsgi_application\n\napplication = get_wsgi_application()\n',
          'site_cfg/urls.py':
            'urlpatterns = [\n    path("admin/", admin.site.urls),\n    path("readyz/", ready),\n    re_path(r"^healthz/$", health),\n]\n',
        },
        [detectDjango],
      );
      applyHealthRoutes(draft);
      assert.deepEqual(draft.get('framework'), { name: 'django', version: '5.1.4' });
      assert.equal(draft.getFeature('appObject'), 'site_cfg.wsgi:application');
      assert.equal(
        draft.get('startCommand'),
        'gunicorn site_cfg.wsgi:application --bind 0.0.0.0:8000',
      );
      assert.deepEqual(draft.getFeature('migrations'), {
        tool: 'django',
        command: 'python manage.py migrate --noinput',
      });
      assert.equal(draft.get('healthPath'), '/healthz/');
      assert.equal(draft.get('readinessPath'), '/readyz/');
      assert.deepEqual(
        draft.evidenceOf('healthPath'),
        ev(['healthPath', 'site_cfg/urls.py', 4, 'route /healthz/']),
      );
      assert.deepEqual(
        draft.evidenceOf('features.appObject'),
        ev([
          'features.appObject',
          'site_cfg/wsgi.py',
          3,
          'WSGI application site_cfg.wsgi:application',
        ]),
      );
    });
  });

  describe('flask', () => {
    it('reads the application, routes and app.run port', () => {
      const { draft } = detect(
        {
          Pipfile: '[packages]\nflask = "==3.0.3"\n',
          'wsgi.py':
            'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/health")\ndef health():\n    return "ok"\n\n\nif __name__ == "__main__":\n    app.run(host="0.0.0.0", port=5050)\n',
        },
        [detectFlask, detectPythonBasics],
      );
      applyHealthRoutes(draft);
      assert.deepEqual(draft.get('framework'), { name: 'flask', version: '3.0.3' });
      assert.equal(draft.getFeature('appObject'), 'wsgi:app');
      assert.equal(draft.get('port'), 5050);
      assert.equal(draft.get('healthPath'), '/health');
      assert.equal(draft.get('startCommand'), 'gunicorn wsgi:app --bind 0.0.0.0:5000');
      assert.deepEqual(
        draft.evidenceOf('language'),
        ev(['language', 'Pipfile', undefined, 'Python (pipenv)']),
      );
    });
  });

  describe('python-worker', () => {
    it('makes a Celery-only unit a worker with a synthesized command', () => {
      const { draft } = detect(
        {
          'requirements.txt': 'celery[redis]==5.4.0\n',
          'jobs/__init__.py': '',
          'jobs/app.py': 'from celery import Celery\n\napp = Celery("jobs")\n',
        },
        [detectFastapi, detectPythonWorker],
      );
      assert.equal(draft.get('kind'), 'worker');
      assert.deepEqual(draft.get('framework'), { name: 'celery', version: '5.4.0' });
      assert.equal(draft.getFeature('queueFramework'), 'celery');
      assert.equal(draft.get('startCommand'), 'celery -A jobs.app worker --loglevel=INFO');
      assert.deepEqual(draft.evidenceOf('kind'), ev(['kind', 'jobs/app.py', 3, 'celery worker']));
    });

    it('recognises RQ and Dramatiq', () => {
      const rq = detect({ 'requirements.txt': 'rq==2.0\n', 'w.py': 'q = Queue(connection=r)\n' }, [
        detectPythonWorker,
      ]).draft;
      assert.equal(rq.get('startCommand'), 'rq worker');
      const dq = detect(
        {
          'requirements.txt': 'dramatiq[rabbitmq]==1.17\n',
          'tasks/mail.py': '@dramatiq.actor\ndef send():\n    pass\n',
        },
        [detectPythonWorker],
      ).draft;
      assert.equal(dq.get('startCommand'), 'dramatiq tasks.mail');
      assert.equal(dq.getFeature('queueFramework'), 'dramatiq');
    });

    it('leaves a web app that only enqueues alone', () => {
      const { draft } = detect(
        { 'requirements.txt': 'fastapi\ncelery\n', 'main.py': 'app = FastAPI()\n' },
        [detectFastapi, detectPythonWorker],
      );
      assert.equal(draft.get('kind'), 'backend');
      assert.equal(draft.getFeature('queueFramework'), undefined);
    });
  });
});
