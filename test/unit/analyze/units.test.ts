import { strict as assert } from 'node:assert';
import { discoverUnits, isTestPath, pyModule } from '../../../src/analyze/units';
import { WarningSink } from '../../../src/analyze/warnings';
import { repoOf } from './support';

describe('analyze/units', () => {
  const files = {
    'package.json': '{ "name": "mono", "workspaces": ["apps/*", "packages/*"] }',
    'pnpm-lock.yaml': "lockfileVersion: '9.0'\n",
    'apps/web/package.json': '{ "name": "web", "dependencies": { "next": "15.1.6" } }',
    'apps/web/app/page.tsx': 'export default function P() { return null; }\n',
    'apps/web/app/page.test.tsx': 'test("x", () => {});\n',
    'apps/api/pyproject.toml': '[project]\nname = "api"\ndependencies = ["fastapi"]\n',
    'apps/api/src/api/main.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
    'apps/api/tests/test_main.py': 'def test_x(): pass\n',
    'apps/api/docker/Dockerfile': 'FROM python:3.12\n',
    'apps/api/requirements.txt': 'uvicorn==0.34\n-r requirements/base.txt\n',
    'apps/api/requirements/base.txt': 'redis==5.2\n',
    'deploy/proxy/Dockerfile': 'FROM nginx:1.27\n',
  };

  it('splits a monorepo into units that own their files', () => {
    const units = discoverUnits(repoOf(files), new WarningSink());
    assert.deepEqual(
      units.map((u) => [
        u.dir,
        u.files.map((f) => f.path),
        u.codeFiles,
        u.dockerfiles,
        u.workspaceRoot,
        u.packageManager,
      ]),
      [
        ['.', ['package.json', 'pnpm-lock.yaml'], [], [], true, 'pnpm'],
        [
          'apps/api',
          [
            'apps/api/docker/Dockerfile',
            'apps/api/pyproject.toml',
            'apps/api/requirements.txt',
            'apps/api/requirements/base.txt',
            'apps/api/src/api/main.py',
            'apps/api/tests/test_main.py',
          ],
          ['apps/api/src/api/main.py'],
          ['apps/api/docker/Dockerfile'],
          false,
          'pnpm',
        ],
        [
          'apps/web',
          ['apps/web/app/page.test.tsx', 'apps/web/app/page.tsx', 'apps/web/package.json'],
          ['apps/web/app/page.tsx'],
          [],
          false,
          'pnpm',
        ],
        [
          'deploy/proxy',
          ['deploy/proxy/Dockerfile'],
          [],
          ['deploy/proxy/Dockerfile'],
          false,
          'pnpm',
        ],
      ],
    );
  });

  it('merges Python manifests and follows requirement includes', () => {
    const api = discoverUnits(repoOf(files), new WarningSink()).find((u) => u.dir === 'apps/api')!;
    assert.deepEqual([...api.pyDeps.keys()].sort(), ['fastapi', 'redis', 'uvicorn']);
    assert.deepEqual(api.pyManifests, [
      'apps/api/pyproject.toml',
      'apps/api/requirements.txt',
      'apps/api/requirements/base.txt',
    ]);
    assert.equal(api.pyTool, 'pip');
    assert.equal(pyModule(api, 'apps/api/src/api/main.py'), 'api.main');
  });

  it('reports manifest problems as warnings with file and line', () => {
    const warnings = new WarningSink();
    discoverUnits(
      repoOf({
        'a/package.json': '{\n  "name": "a",\n}\n',
        'b/pyproject.toml': '[project\nname = "b"\n',
        'c/package.json': '{ "name": "c",\n  "dependencies": ["express"] }\n',
        'pnpm-workspace.yaml': 'packages:\n  - "apps/*\n',
        'package.json': '{}',
      }),
      warnings,
    );
    assert.deepEqual(
      warnings.list().map((w) => [w.code, w.file, w.line]),
      [
        ['invalid-json', 'a/package.json', 3],
        ['invalid-toml', 'b/pyproject.toml', 1],
        ['invalid-manifest', 'c/package.json', 2],
        ['invalid-yaml', 'pnpm-workspace.yaml', 2],
      ],
    );
  });

  it('recognises test code', () => {
    assert.deepEqual(
      [
        'tests/test_a.py',
        'src/a.test.ts',
        'src/a.spec.js',
        'conftest.py',
        'src/__tests__/x.ts',
        'src/types.d.ts',
        'src/main.py',
        'src/contest.py',
      ].map(isTestPath),
      [true, true, true, true, true, true, false, false],
    );
  });
});
