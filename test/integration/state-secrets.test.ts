/**
 * stateSecretValues on a real stack (real pulumi CLI, file backend): the generated passwords a
 * deployed plan holds in its state come back decrypted, which the Automation API's
 * exportStack does not give, so a diagnosis can mask them in the log lines it quotes.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { EngineCore, emptyProgram } from '../../src/engine/core';
import { stateSecretValues } from '../../src/engine/state-secrets';
import { PASSPHRASE, referencePlan, tempEngine } from './support/engine';

/** The decoded data values of every rendered Secret. */
function renderedSecretValues(dir: string): string[] {
  const values: string[] = [];
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  for (const file of files.filter((f) => f.endsWith('.yaml')))
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      const o = doc.toJS() as {
        kind?: string;
        metadata?: { name?: string };
        data?: Record<string, string>;
        stringData?: Record<string, string>;
      } | null;
      if (o?.kind !== 'Secret') continue;
      for (const v of Object.values(o.data ?? {})) values.push(Buffer.from(v, 'base64').toString());
      values.push(...Object.values(o.stringData ?? {}));
    }
  return values;
}

describe('engine/state-secrets: decrypted secrets of a real stack', function () {
  this.timeout(300_000);
  const t = tempEngine();
  after(() => t.cleanup());

  it('returns every value of every Secret the stack deployed, generated passwords included', async () => {
    const { plan, env } = await referencePlan('dev');
    assert.ok(
      plan.nodes.some((n) => n.kind === 'generated-secret'),
      'the reference plan generates passwords',
    );
    const up = await t.engine.up(plan, env, { missingSecrets: 'placeholder' });
    assert.equal(up.status, 'succeeded', up.error);

    const core = new EngineCore({
      stateDir: t.stateDir,
      env: { ...process.env, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE },
    });
    const stack = await core.open(plan.app, env.name, emptyProgram, 'select');
    const values = await stateSecretValues(stack);
    const rendered = join(t.stateDir, 'rendered', env.name);
    const deployed = renderedSecretValues(rendered).filter((v) => v.length > 0);
    assert.ok(deployed.length >= 4, `Secrets are rendered with values (${deployed.length})`);
    const missing = deployed.filter((v) => !values.includes(v));
    assert.equal(missing.length, 0, `${missing.length} deployed secret value(s) not in the list`);
    assert.deepEqual(values, [...new Set(values)].sort(), 'sorted, no duplicates');
  });
});
