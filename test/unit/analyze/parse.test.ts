import { strict as assert } from 'node:assert';
import { parseDockerfile, execForm, joinArgv } from '../../../src/analyze/parse/dockerfile';
import { parseDotenv } from '../../../src/analyze/parse/dotenv';
import { parseJson } from '../../../src/analyze/parse/json';
import { parsePackageJson, type ManifestIssue } from '../../../src/analyze/parse/package-json';
import { parseProcfile } from '../../../src/analyze/parse/procfile';
import {
  normalizePyName,
  parsePep508,
  parseRequirements,
  pipfileDeps,
  pyprojectInfo,
} from '../../../src/analyze/parse/python-deps';
import { parseToml } from '../../../src/analyze/parse/toml';
import { parseYaml } from '../../../src/analyze/parse/yaml';
import { SourceText } from '../../../src/analyze/repo';

describe('analyze/parse', () => {
  describe('json', () => {
    it('locates a syntax error by line and does not echo the input', () => {
      const r = parseJson('{\n  "a": 1,\n  "secret": "sk-canary-json",\n}\n');
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.equal(r.line, 4);
      assert.match(r.message, /^invalid JSON: /);
      assert.doesNotMatch(r.message, /sk-canary-json/);
    });
    it('locates truncated input at its end', () => {
      const r = parseJson('{\n  "a": [1,\n');
      assert.deepEqual(r.ok ? undefined : r.line, 3);
    });
    it('parses valid JSON', () => {
      assert.deepEqual(parseJson('{"a":[1]}'), { ok: true, value: { a: [1] } });
    });
  });

  describe('package.json', () => {
    it('reads dependencies with their lines, runtime before dev', () => {
      const src = new SourceText(
        'web/package.json',
        '{\n  "name": "web",\n  "scripts": { "start": "next start" },\n  "dependencies": {\n    "next": "15.1.6"\n  },\n  "devDependencies": {\n    "typescript": "^5.7.2"\n  },\n  "workspaces": ["apps/*"]\n}\n',
      );
      const issues: ManifestIssue[] = [];
      const pkg = parsePackageJson(src, issues)!;
      assert.deepEqual(issues, []);
      assert.equal(pkg.name, 'web');
      assert.deepEqual(pkg.scripts, { start: 'next start' });
      assert.deepEqual(pkg.workspaces, ['apps/*']);
      assert.deepEqual(
        [...pkg.deps.values()],
        [
          {
            name: 'next',
            spec: '15.1.6',
            extras: [],
            dev: false,
            file: 'web/package.json',
            line: 5,
          },
          {
            name: 'typescript',
            spec: '^5.7.2',
            extras: [],
            dev: true,
            file: 'web/package.json',
            line: 8,
          },
        ],
      );
    });
    it('drops a field of the wrong type with a located issue and keeps the rest', () => {
      const src = new SourceText(
        'package.json',
        '{\n  "name": "x",\n  "scripts": ["build"],\n  "dependencies": { "express": "^5.1.0" }\n}\n',
      );
      const issues: ManifestIssue[] = [];
      const pkg = parsePackageJson(src, issues)!;
      assert.deepEqual(pkg.scripts, {});
      assert.deepEqual([...pkg.deps.keys()], ['express']);
      assert.equal(issues.length, 1);
      assert.equal(issues[0]!.line, 3);
      assert.match(issues[0]!.message, /field "scripts" is invalid/);
    });
    it('rejects a non-object document', () => {
      const issues: ManifestIssue[] = [];
      assert.equal(parsePackageJson(new SourceText('package.json', '[1, 2]'), issues), undefined);
      assert.deepEqual(issues, [{ message: 'package.json must hold a JSON object', line: 1 }]);
    });
  });

  describe('toml', () => {
    it('locates a syntax error by line without the code excerpt', () => {
      const r = parseToml('[project]\nname = "x"\ndependencies = [\n  "fastapi"\n\n[tool.uv]\n');
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.equal(r.line, 6);
      assert.doesNotMatch(r.message, /\n/);
      assert.match(r.message, /^invalid TOML: /);
    });
  });

  describe('yaml', () => {
    it('gives the line of keys and items, honouring merge keys', () => {
      const r = parseYaml(
        'x-env: &env\n  A: 1\nservices:\n  api:\n    environment:\n      <<: *env\n      B: 2\n    ports:\n      - "80:80"\n',
      );
      assert.ok(r.ok);
      if (!r.ok) return;
      assert.deepEqual(r.value.value, {
        'x-env': { A: 1 },
        services: { api: { environment: { A: 1, B: 2 }, ports: ['80:80'] } },
      });
      assert.equal(r.value.lineOf(['services', 'api']), 4);
      assert.equal(r.value.lineOf(['services', 'api', 'environment', 'B']), 7);
      assert.equal(r.value.lineOf(['services', 'api', 'ports', 0]), 9);
      assert.equal(r.value.lineOf(['services', 'api', 'missing']), 4);
    });
    it('locates a syntax error and a duplicate key', () => {
      const bad = parseYaml('a:\n  b: 1\n c: 2\n');
      assert.deepEqual(bad.ok ? undefined : bad.line, 3);
      const dup = parseYaml('a: 1\nb: 2\na: 3\n');
      assert.deepEqual(dup.ok ? undefined : dup.line, 3);
      assert.match(dup.ok ? '' : dup.message, /^invalid YAML: /);
    });
  });

  describe('Dockerfile', () => {
    it('joins continuations, skips comments and heredocs, numbers stages', () => {
      const p = parseDockerfile(
        '# syntax=docker/dockerfile:1\nARG V=1\nFROM node:22 AS build\nRUN echo a \\\n  # inner comment\n  && echo b\nRUN <<EOF\nEXPOSE 9999\nEOF\nFROM node:22-alpine\nEXPOSE 3000\nCMD ["node", "server.js"]\n',
      );
      assert.deepEqual(
        p.instructions.map((i) => [i.keyword, i.args, i.line, i.stage]),
        [
          ['ARG', 'V=1', 2, -1],
          ['FROM', 'node:22 AS build', 3, 0],
          ['RUN', 'echo a  && echo b', 4, 0],
          ['RUN', '<<EOF', 7, 0],
          ['FROM', 'node:22-alpine', 10, 1],
          ['EXPOSE', '3000', 11, 1],
          ['CMD', '["node", "server.js"]', 12, 1],
        ],
      );
      assert.equal(p.stageCount, 2);
      assert.deepEqual(p.problems, []);
    });
    it('reports unknown instructions by line', () => {
      assert.deepEqual(parseDockerfile('FROM x\nEXPOZE 80\n').problems, [
        { message: 'unknown instruction EXPOZE', line: 2 },
      ]);
    });
    it('reads the exec form and quotes argv only where needed', () => {
      assert.deepEqual(execForm('["uvicorn", "app.main:app"]'), ['uvicorn', 'app.main:app']);
      assert.equal(execForm('uvicorn app.main:app'), undefined);
      assert.equal(joinArgv(['sh', '-c', "echo 'hi' && run"]), `sh -c 'echo '\\''hi'\\'' && run'`);
      assert.equal(
        joinArgv(['celery', '-A', 'w.app', 'worker', '--loglevel=INFO']),
        'celery -A w.app worker --loglevel=INFO',
      );
    });
  });

  describe('Procfile', () => {
    it('reads process types and reports bad lines', () => {
      assert.deepEqual(
        parseProcfile(
          '# comment\nweb: gunicorn app:app\nWorker:celery -A x worker\nnot a process\n',
        ),
        {
          entries: [
            { type: 'web', command: 'gunicorn app:app', line: 2 },
            { type: 'worker', command: 'celery -A x worker', line: 3 },
          ],
          problems: [{ message: 'expected "<process type>: <command>"', line: 4 }],
        },
      );
    });
  });

  describe('.env', () => {
    it('reads quotes, export, comments and multi-line values', () => {
      assert.deepEqual(
        parseDotenv(
          '# c\nexport A=1 # trailing\nB="two words"\nC=\'single # kept\'\nD="multi\nline"\nnot a line\nE=\n',
        ),
        [
          { name: 'A', value: '1', line: 2 },
          { name: 'B', value: 'two words', line: 3 },
          { name: 'C', value: 'single # kept', line: 4 },
          { name: 'D', value: 'multi\nline', line: 5 },
          { name: 'E', value: '', line: 8 },
        ],
      );
    });
  });

  describe('Python manifests', () => {
    it('normalises names and splits PEP 508 requirements', () => {
      assert.equal(normalizePyName('Psycopg2_Binary'), 'psycopg2-binary');
      assert.deepEqual(parsePep508('celery[redis,msgpack]>=5.4; python_version > "3.9"'), {
        name: 'celery',
        extras: ['msgpack', 'redis'],
        spec: '>=5.4',
      });
      assert.deepEqual(parsePep508('Django'), { name: 'django', extras: [] });
    });
    it('reads requirements lines and includes', () => {
      const r = parseRequirements(
        new SourceText(
          'requirements.txt',
          '-r base.txt\n# c\nDjango==5.1.4  # web\n-e ./lib\ngunicorn\n',
        ),
      );
      assert.deepEqual(r.includes, ['base.txt']);
      assert.deepEqual(r.deps, [
        {
          name: 'django',
          extras: [],
          dev: false,
          file: 'requirements.txt',
          line: 3,
          spec: '==5.1.4',
        },
        { name: 'gunicorn', extras: [], dev: false, file: 'requirements.txt', line: 5 },
      ]);
    });
    it('reads PEP 621, dependency groups and uv', () => {
      const text =
        '[project]\nname = "api"\ndependencies = [\n  "FastAPI>=0.115",\n  "uvicorn[standard]",\n]\n\n[dependency-groups]\ndev = ["pytest"]\n\n[tool.uv]\npackage = false\n';
      const src = new SourceText('pyproject.toml', text);
      const info = pyprojectInfo(
        src,
        (parseToml(text) as { value: Record<string, unknown> }).value,
      );
      assert.equal(info.tool, 'uv');
      assert.equal(info.name, 'api');
      assert.deepEqual(
        info.deps.map((d) => [d.name, d.spec ?? null, d.extras, d.dev, d.line]),
        [
          ['fastapi', '>=0.115', [], false, 4],
          ['uvicorn', null, ['standard'], false, 5],
          ['pytest', null, [], true, 9],
        ],
      );
    });
    it('reads Poetry tables, skipping python', () => {
      const text =
        '[tool.poetry]\nname = "svc"\n\n[tool.poetry.dependencies]\npython = "^3.12"\nflask = "^3.0"\ncelery = { version = "^5.4", extras = ["redis"] }\n\n[tool.poetry.group.dev.dependencies]\npytest = "*"\n';
      const info = pyprojectInfo(
        new SourceText('pyproject.toml', text),
        (parseToml(text) as { value: Record<string, unknown> }).value,
      );
      assert.equal(info.tool, 'poetry');
      assert.deepEqual(
        info.deps.map((d) => [d.name, d.spec ?? null, d.extras, d.dev, d.line]),
        [
          ['flask', '^3.0', [], false, 6],
          ['celery', '^5.4', ['redis'], false, 7],
          ['pytest', null, [], true, 10],
        ],
      );
    });
    it('reads Pipfile packages', () => {
      const text = '[packages]\nflask = "==3.0.3"\n\n[dev-packages]\npytest = "*"\n';
      const deps = pipfileDeps(
        new SourceText('Pipfile', text),
        (parseToml(text) as { value: Record<string, unknown> }).value,
      );
      assert.deepEqual(
        deps.map((d) => [d.name, d.spec ?? null, d.dev, d.line]),
        [
          ['flask', '==3.0.3', false, 2],
          ['pytest', null, true, 5],
        ],
      );
    });
  });
});
