/**
 * Output guarantees over every fixture: identical JSON from two runs and from a copy at
 * another absolute path, no absolute paths, and no secret value anywhere in the model or its
 * summary.
 */
import { strict as assert } from 'node:assert';
import { tmpdir } from 'node:os';
import { analyzeRepository, summarizeAppModel } from '../../../src/analyze';
import { fixture, FIXTURES, tempCopy } from './support';

const CASES = ['fullstack', 'compose-microservices', 'nextjs-chatbot', 'django-celery'];

/** Every secret value planted in the fixtures; each contains "canary". */
const CANARIES = [
  'npg-canary-5f1d3c9a7b',
  'sk-canary-openai-7d3f9a2b1c4e',
  'sk-ant-canary-4e8b2a6f0d1c',
  'orders-canary-pw-31c9',
  'jwt-canary-9a8b7c6d5e4f3a2b1c0d',
  'pg-canary-admin-77aa',
  'sk_test_canary_51HxYz',
  'sk-canary-nextchat-0f9e8d7c6b5a',
  'pg-canary-ext-42d1',
  'redis-canary-9c8b7a',
  'django-insecure-canary-9f8e7d6c5b4a39281706f5e4d3c2b1a0',
  'shop-canary-pw-5e6f',
];

describe('analyze: determinism and secrecy', () => {
  for (const name of CASES) {
    it(`${name}: two runs and a copy elsewhere give byte-identical JSON`, async () => {
      const a = JSON.stringify(await analyzeRepository(fixture(name)));
      const b = JSON.stringify(await analyzeRepository(fixture(name)));
      assert.equal(a, b);
      const { dir, cleanup } = tempCopy(name);
      try {
        assert.equal(JSON.stringify(await analyzeRepository(dir)), a);
      } finally {
        cleanup();
      }
    });

    it(`${name}: no absolute path and no secret value in the model or its summary`, async () => {
      const model = await analyzeRepository(fixture(name));
      const text = `${JSON.stringify(model)}\n${summarizeAppModel(model)}`;
      assert.doesNotMatch(text, /canary/i);
      for (const c of CANARIES) assert.equal(text.includes(c), false, c);
      assert.equal(text.includes(FIXTURES), false);
      assert.equal(text.includes(tmpdir()), false);
      for (const c of model.components)
        for (const e of c.evidence)
          assert.doesNotMatch(e.file, /^\/|\\|^\.\.?\//, `${c.name}: ${e.file}`);
    });
  }

  it('orders components, env vars, edges and evidence', async () => {
    const model = await analyzeRepository(fixture('compose-microservices'));
    const sorted = (xs: string[]): string[] => [...xs].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    assert.deepEqual(
      model.components.map((c) => c.name),
      sorted(model.components.map((c) => c.name)),
    );
    for (const c of model.components) {
      assert.deepEqual(
        c.env.map((e) => e.name),
        sorted(c.env.map((e) => e.name)),
      );
      const keys = c.evidence.map(
        (e) => `${e.field}\u0000${e.file}\u0000${String(e.line ?? 0).padStart(6, '0')}`,
      );
      assert.deepEqual(keys, sorted(keys));
    }
    const edgeKeys = model.edges.map((e) => `${e.from}\u0000${e.to}`);
    assert.deepEqual(edgeKeys, sorted(edgeKeys));
  });
});
