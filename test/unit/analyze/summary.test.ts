import { strict as assert } from 'node:assert';
import { summarizeAppModel } from '../../../src/analyze';
import { assembleFiles } from './support';

describe('analyze/summary', () => {
  it('prints components, edges, external services, secrets by name and warnings', () => {
    const model = assembleFiles({
      'web/package.json': '{ "dependencies": { "next": "15.1.6" } }',
      'web/.env.example': 'NEXT_PUBLIC_API_URL=http://localhost:8000\n',
      'api/requirements.txt': 'fastapi==0.115.6\nopenai==1.58\n',
      'api/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
      'api/.env.example':
        'OPENAI_API_KEY=sk-canary-summary\nDATABASE_URL=postgres://u:pw-canary@localhost:5432/app\n',
      'api/Dockerfile':
        'FROM python:3.12\nEXPOSE 8000\nCMD uvicorn main:app --host 0.0.0.0 --port 8000\n',
      'broken/package.json': '{ "name": ',
    });
    assert.equal(
      summarizeAppModel(model),
      [
        'repo: 3 components, 1 external service, 3 edges, 1 warning',
        '',
        'Components',
        '  api       backend   fastapi 0.115.6  :8000  api  dockerfile api/Dockerfile  public',
        '  postgres  database  postgres 16      :5432  .    image postgres:16-alpine   internal',
        '  web       frontend  nextjs 15.1.6    :3000  web  generated Dockerfile       public',
        '',
        'Edges',
        '  api -> openai (external)  via env OPENAI_API_KEY',
        '  api -> postgres  via env DATABASE_URL',
        '  web -> api  via env NEXT_PUBLIC_API_URL',
        '',
        'External services',
        '  openai  llm  api.openai.com:443  used by api',
        '',
        'Secrets',
        '  api  DATABASE_URL    URL with credentials',
        '  api  OPENAI_API_KEY  name ends in _KEY',
        '',
        'Warnings',
        '  broken/package.json:1: invalid JSON: Unexpected end of JSON input [invalid-json]',
        '',
      ].join('\n'),
    );
  });

  it('says so when there is nothing to list', () => {
    assert.equal(
      summarizeAppModel({
        schemaVersion: 1,
        name: 'empty',
        components: [],
        externalServices: [],
        edges: [],
        warnings: [],
      }),
      'empty: 0 components, 0 external services, 0 edges, 0 warnings\n\nComponents\n  (none detected)\n\nEdges\n  (none)\n\nExternal services\n  (none)\n\nSecrets\n  (none)\n\nWarnings\n  (none)\n',
    );
  });
});
