import { strict as assert } from 'node:assert';
import { applyDockerfile } from '../../../../src/analyze/detectors/dockerfile';
import { Draft } from '../../../../src/analyze/draft';
import { WarningSink } from '../../../../src/analyze/warnings';
import { ev, repoOf } from '../support';

function apply(text: string, hasNodeApp = false): { draft: Draft; warnings: WarningSink } {
  const repo = repoOf({ 'svc/Dockerfile': text });
  const draft = new Draft('svc', 'svc', 'unit');
  const warnings = new WarningSink();
  applyDockerfile(draft, repo, 'svc/Dockerfile', 'svc', warnings, hasNodeApp);
  return { draft, warnings };
}

describe('analyze/detectors: dockerfile', () => {
  it('reads the final stage through the stages it derives from', () => {
    const { draft, warnings } = apply(
      'FROM python:3.12-slim AS base\nENV APP_PORT=8100\nUSER root\n\nFROM base AS runtime\nENV LOG_LEVEL=info PATH=/venv/bin:$PATH\nUSER 10001\nEXPOSE ${APP_PORT}/tcp\nHEALTHCHECK --interval=5s CMD ["curl", "-f", "http://localhost:8100/livez"]\nENTRYPOINT ["tini", "--"]\nCMD ["gunicorn", "-b", "0.0.0.0:8100", "svc.wsgi:app"]\n',
    );
    assert.deepEqual(warnings.list(), []);
    assert.deepEqual(draft.get('build'), {
      strategy: 'dockerfile',
      dockerfile: 'svc/Dockerfile',
      context: 'svc',
    });
    assert.equal(draft.get('port'), 8100);
    assert.deepEqual(
      draft.evidenceOf('port'),
      ev(['port', 'svc/Dockerfile', 11, 'CMD listens on 8100']),
    );
    assert.equal(draft.get('startCommand'), 'tini -- gunicorn -b 0.0.0.0:8100 svc.wsgi:app');
    assert.equal(draft.get('healthPath'), '/livez');
    assert.equal(draft.get('language'), 'python');
    assert.equal(draft.get('kind'), 'backend');
    assert.deepEqual(draft.features(), {
      dockerUser: '10001',
      dockerHealthcheck: 'curl -f http://localhost:8100/livez',
      appObject: 'svc.wsgi:app',
    });
    assert.deepEqual(
      draft.env.map((e) => [e.name, e.value, e.source, e.loc.line]),
      [
        ['APP_PORT', '8100', 'dockerfile', 2],
        ['LOG_LEVEL', 'info', 'dockerfile', 6],
      ],
    );
  });

  it('makes an nginx image a public proxy, or a static frontend when it serves a JS build', () => {
    const proxy = apply(
      'FROM nginx:1.27-alpine\nCOPY nginx.conf /etc/nginx/conf.d/default.conf\n',
    ).draft;
    assert.equal(proxy.get('kind'), 'proxy');
    assert.equal(proxy.get('public'), true);
    assert.equal(proxy.get('port'), 80);
    const spa = apply(
      'FROM node:22 AS build\nRUN npm run build\nFROM nginx:1.27-alpine\nCOPY --from=build /app/dist /usr/share/nginx/html\nEXPOSE 8080\n',
      true,
    ).draft;
    assert.equal(spa.get('kind'), 'frontend');
    assert.equal(spa.get('port'), 8080);
  });

  it('makes an image without EXPOSE but with a command a worker', () => {
    const { draft } = apply('FROM node:22-alpine\nCMD node worker.js\n');
    assert.equal(draft.get('kind'), 'worker');
    assert.equal(draft.get('startCommand'), 'node worker.js');
    assert.equal(draft.get('language'), 'javascript');
  });

  it('warns about unknown instructions with their line', () => {
    const { warnings } = apply('FROM alpine\nRUNN echo\n');
    assert.deepEqual(warnings.list(), [
      {
        code: 'invalid-dockerfile',
        message: 'svc/Dockerfile: unknown instruction RUNN',
        file: 'svc/Dockerfile',
        line: 2,
      },
    ]);
  });
});
