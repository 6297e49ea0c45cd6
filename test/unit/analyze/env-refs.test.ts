import { strict as assert } from 'node:assert';
import { scanEnvRefs } from '../../../src/analyze/env-refs';
import { SourceText } from '../../../src/analyze/repo';

describe('analyze/env-refs', () => {
  it('finds JavaScript references with literal defaults', () => {
    const src = new SourceText(
      'src/a.ts',
      "const port = process.env.PORT ?? '3000';\nconst key = process.env['OPENAI_API_KEY'];\nconst { A, B = 'x' } = process.env;\nconst n = process.env.RETRIES || 5;\nconst v = import.meta.env.VITE_API_URL;\n",
    );
    assert.deepEqual(scanEnvRefs(src, false), [
      { name: 'PORT', source: 'code', value: '3000', loc: { file: 'src/a.ts', line: 1 } },
      { name: 'RETRIES', source: 'code', value: '5', loc: { file: 'src/a.ts', line: 4 } },
      { name: 'OPENAI_API_KEY', source: 'code', loc: { file: 'src/a.ts', line: 2 } },
      { name: 'VITE_API_URL', source: 'code', loc: { file: 'src/a.ts', line: 5 } },
      { name: 'A', source: 'code', loc: { file: 'src/a.ts', line: 3 } },
      { name: 'B', source: 'code', value: 'x', loc: { file: 'src/a.ts', line: 3 } },
    ]);
  });

  it('finds Python references: os.environ, getenv, django-environ, decouple', () => {
    const src = new SourceText(
      'app/s.py',
      'import os\nA = os.environ["DATABASE_URL"]\nB = os.getenv("REDIS_URL", "redis://localhost:6379/0")\nC = env("SECRET_KEY")\nD = env.bool("DEBUG", default=False)\nE = config("TIMEOUT", default=30)\nF = os.environ.get("MODE")\n',
    );
    assert.deepEqual(
      scanEnvRefs(src, true).map((r) => [r.name, r.source, r.value ?? null, r.loc.line]),
      [
        ['DATABASE_URL', 'settings', null, 2],
        ['REDIS_URL', 'settings', 'redis://localhost:6379/0', 3],
        ['MODE', 'settings', null, 7],
        ['SECRET_KEY', 'settings', null, 4],
        ['DEBUG', 'settings', null, 5],
        ['TIMEOUT', 'settings', '30', 6],
      ],
    );
  });

  it('reads pydantic settings fields, with prefix and alias', () => {
    const src = new SourceText(
      'app/settings.py',
      'class Settings(BaseSettings):\n    model_config = SettingsConfigDict(env_prefix="APP_")\n    database_url: str\n    port: int = 8000\n    model: str = "gpt-4o"  # default model\n    key: str = Field(alias="OPENAI_API_KEY")\n\nx = 1\n',
    );
    assert.deepEqual(scanEnvRefs(src, false), [
      {
        name: 'APP_DATABASE_URL',
        source: 'settings',
        loc: { file: 'app/settings.py', line: 3, note: 'settings field database_url' },
      },
      {
        name: 'APP_PORT',
        source: 'settings',
        value: '8000',
        loc: { file: 'app/settings.py', line: 4, note: 'settings field port' },
      },
      {
        name: 'APP_MODEL',
        source: 'settings',
        value: 'gpt-4o',
        loc: { file: 'app/settings.py', line: 5, note: 'settings field model' },
      },
      {
        name: 'OPENAI_API_KEY',
        source: 'settings',
        loc: { file: 'app/settings.py', line: 6, note: 'settings field key' },
      },
    ]);
  });
});
