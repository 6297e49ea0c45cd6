/** Merging a diagnosis's config fixes into a stack file: comments kept, objects merged, bad results refused. */
import { strict as assert } from 'node:assert';
import { parse } from 'yaml';
import { applyConfigFixes } from '../../../src/diagnose/apply-fix';
import type { Fix } from '../../../src/model/diagnosis';
import { InputError } from '../../../src/model/errors';
import { parseStackConfig } from '../../../src/plan';

const STACK = `# stackpilot settings for dev
# (a real Pulumi stack config file)
config:
  stackpilot:namespace: shop-dev # the namespace
  # per-component overrides
  stackpilot:components:
    worker:
      cpu: 250m # measured in March
      memory: 256Mi
    api:
      replicas: 2
  secrets:OPENAI_API_KEY:
    secure: AAABAJk1
  kubernetes:context: kind-dev
`;

const fix = (config: Record<string, unknown>): Fix => ({
  summary: 'raise the memory limit',
  reason: 'OOMKilled at its 256Mi limit, 3 times',
  config,
});

describe('diagnose: applyConfigFixes', () => {
  it('leaves out a fix whose value only a person knows, and hands it back', () => {
    const env = fix({ components: { api: { env: { LOG_LEVEL: '<value of LOG_LEVEL>' } } } });
    const image = fix({ components: { redis: { image: 'redis:<a tag that exists>' } } });
    const memory = fix({ components: { worker: { memory: '512Mi' } } });
    const merged = applyConfigFixes(STACK, [env, image, memory]);
    assert.deepEqual(merged.needsValue, [env, image]);
    assert.deepEqual(
      merged.changes.map((c) => c.key),
      ['stackpilot:components.worker.memory'],
    );
    assert.doesNotMatch(merged.text, /</);
    const none = applyConfigFixes(STACK, [env]);
    assert.equal(none.text, STACK);
    assert.deepEqual(none.changes, []);
  });

  it('merges a nested override key by key and keeps every comment and other key', () => {
    const { text, changes } = applyConfigFixes(STACK, [
      fix({ components: { worker: { memory: '512Mi' } } }),
    ]);
    assert.deepEqual(changes, [
      { key: 'stackpilot:components.worker.memory', from: '256Mi', to: '512Mi' },
    ]);
    for (const kept of [
      '# stackpilot settings for dev',
      '# (a real Pulumi stack config file)',
      'stackpilot:namespace: shop-dev # the namespace',
      '# per-component overrides',
      'cpu: 250m # measured in March',
      'secure: AAABAJk1',
      'kubernetes:context: kind-dev',
    ])
      assert.ok(text.includes(kept), `kept: ${kept}\n${text}`);
    assert.deepEqual(parse(text), {
      config: {
        'stackpilot:namespace': 'shop-dev',
        'stackpilot:components': {
          worker: { cpu: '250m', memory: '512Mi' },
          api: { replicas: 2 },
        },
        'secrets:OPENAI_API_KEY': { secure: 'AAABAJk1' },
        'kubernetes:context': 'kind-dev',
      },
    });
    // Only the one line changed.
    const diff = text.split('\n').filter((l, i) => l !== STACK.split('\n')[i]);
    assert.deepEqual(diff, ['      memory: 512Mi']);
    assert.equal(
      parseStackConfig(text, 'Pulumi.dev.yaml', 'dev').components.worker?.memory,
      '512Mi',
    );
  });

  it('adds new components and top-level keys, merging several fixes in order', () => {
    const { text, changes } = applyConfigFixes(STACK, [
      fix({ components: { web: { memory: '1Gi' } } }),
      fix({ autoscaling: { enabled: false }, components: { web: { cpu: '500m' } } }),
      {
        summary: 'set the secret',
        reason: 'the key is missing',
        command: 'stackpilot secrets set …',
      },
    ]);
    assert.deepEqual(
      changes.map((c) => [c.key, c.from, c.to]),
      [
        ['stackpilot:components.web.memory', undefined, '1Gi'],
        ['stackpilot:autoscaling.enabled', undefined, 'false'],
        ['stackpilot:components.web.cpu', undefined, '500m'],
      ],
    );
    const config = (parse(text) as { config: Record<string, unknown> }).config;
    assert.deepEqual(config['stackpilot:components'], {
      worker: { cpu: '250m', memory: '256Mi' },
      api: { replicas: 2 },
      web: { memory: '1Gi', cpu: '500m' },
    });
    assert.deepEqual(config['stackpilot:autoscaling'], { enabled: false });
  });

  it('edits a key the file spells without its namespace where it is', () => {
    const { text } = applyConfigFixes('config:\n  replicas: 1 # one\n', [fix({ replicas: 3 })]);
    assert.equal(text, 'config:\n  replicas: 3 # one\n');
  });

  it('creates config: in an empty file, and leaves the text alone when nothing changes', () => {
    assert.deepEqual(parse(applyConfigFixes('', [fix({ replicas: 2 })]).text), {
      config: { 'stackpilot:replicas': 2 },
    });
    const same = applyConfigFixes(STACK, [fix({ components: { worker: { memory: '256Mi' } } })]);
    assert.deepEqual(same, { text: STACK, changes: [], needsValue: [] });
  });

  it('refuses a merged result the schema rejects, naming the field', () => {
    const refused = (fixes: Fix[]) => {
      try {
        applyConfigFixes(STACK, fixes, 'stacks/Pulumi.dev.yaml');
      } catch (err) {
        assert.ok(err instanceof InputError);
        return err;
      }
      assert.fail('the merge was not refused');
    };
    const typo = refused([fix({ components: { worker: { memroy: '512Mi' } } })]);
    assert.deepEqual(
      typo.issues.map((i) => [i.file, i.field]),
      [['stacks/Pulumi.dev.yaml', 'config.stackpilot:components.worker.memroy']],
    );
    assert.match(typo.message, /nothing was written/);
    const wrongType = refused([fix({ replicas: 'three' })]);
    assert.deepEqual(
      wrongType.issues.map((i) => i.field),
      ['config.stackpilot:replicas'],
    );
  });

  it('refuses a file that is not YAML', () => {
    assert.throws(
      () => applyConfigFixes('config:\n  a: [\n', [fix({ replicas: 2 })], 'Pulumi.dev.yaml'),
      (err: unknown) => err instanceof InputError && /Pulumi\.dev\.yaml.*YAML/.test(err.message),
    );
  });
});
