/**
 * An uploaded AppModel (what `stackpilot gate --app-dir` sends from a CI runner) is held to the
 * rules of the server's own analysis: what the analyzer writes passes untouched, and each place
 * a secret's value could travel is refused with its field, never echoing the value.
 */
import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeRepository } from '../../../src/analyze';
import type { AppModel, EnvVar } from '../../../src/model/app';
import { UnusableInputError } from '../../../src/model/errors';
import { checkUploadedApp, uploadedValueIssues } from '../../../src/server/uploads';

const FULLSTACK = join(__dirname, '..', '..', 'fixtures', 'fullstack');
const VALUE = 'hunter2-Zq8vX1pL0rT7';

/** An env var as the model holds it, read from the code. */
const envVar = (v: Pick<EnvVar, 'name' | 'classification'> & Partial<EnvVar>): EnvVar => ({
  reason: 'read by the code',
  sources: ['code'],
  buildTime: false,
  ...v,
});

describe('server: checks of an uploaded AppModel', () => {
  let analyzed: AppModel;
  before(async () => {
    analyzed = await analyzeRepository(FULLSTACK);
  });
  const copy = (): AppModel => structuredClone(analyzed);

  it("passes the analyzer's own output, secrets, digests and all", () => {
    assert.ok(analyzed.components.some((c) => c.env.some((v) => v.classification === 'secret')));
    assert.deepEqual(uploadedValueIssues(analyzed), []);
    checkUploadedApp(analyzed);
  });

  it('passes the analysis of every fixture: an upload is refused only where the analyzer would differ', async () => {
    const fixtures = readdirSync(join(FULLSTACK, '..')).filter((f) => f !== 'broken');
    assert.ok(fixtures.length >= 5, fixtures.join(', '));
    for (const fixture of fixtures) {
      const app = await analyzeRepository(join(FULLSTACK, '..', fixture));
      assert.deepEqual(uploadedValueIssues(app), [], fixture);
    }
  });

  it('refuses a secret that carries its value, and a config value the analyzer would call secret', () => {
    const app = copy();
    const [ci, c] = [0, app.components[0]!];
    c.env.push(
      envVar({
        name: 'STRIPE_SECRET_KEY',
        classification: 'secret',
        reason: 'named like a key',
        defaultValue: VALUE,
      }),
      envVar({
        name: 'DB_PASSWORD',
        classification: 'config',
        reason: 'read by the code',
        defaultValue: VALUE,
      }),
    );
    const n = c.env.length;
    assert.deepEqual(
      uploadedValueIssues(app).map((i) => i.field),
      [
        `body.app.components.${ci}.env.${n - 2}.defaultValue`,
        `body.app.components.${ci}.env.${n - 1}.defaultValue`,
      ],
    );
  });

  it('refuses credentials inlined in commands, evidence and service hosts, and dangling references', () => {
    const app = copy();
    const c = app.components[0]!;
    c.startCommand = `psql postgres://admin:${VALUE}@db:5432/app`;
    c.evidence.push({ field: 'startCommand', file: 'app.py', line: 3, note: `token=${VALUE}` });
    app.externalServices.push({
      ...structuredClone(app.externalServices[0] ?? analyzed.externalServices[0]!),
      id: 'leaky',
      hosts: [`https://user:${VALUE}@api.example.com`],
      evidence: [],
    });
    c.env.push(
      envVar({
        name: 'CACHE_HOST',
        classification: 'config',
        reason: 'read',
        refersTo: 'nowhere',
      }),
    );
    const fields = uploadedValueIssues(app).map((i) => i.field ?? '');
    assert.ok(fields.includes('body.app.components.0.startCommand'), fields.join('\n'));
    assert.ok(
      fields.some((f) => /^body\.app\.components\.0\.evidence\.\d+\.note$/.test(f)),
      fields.join('\n'),
    );
    assert.ok(
      fields.includes(`body.app.externalServices.${app.externalServices.length - 1}.hosts.0`),
      fields.join('\n'),
    );
    assert.ok(
      fields.some((f) => f.endsWith('.refersTo')),
      fields.join('\n'),
    );
  });

  it('throws a 422-class error naming each field, with no value in its text', () => {
    const app = copy();
    app.components[0]!.env.push(
      envVar({
        name: 'API_TOKEN',
        classification: 'secret',
        reason: 'named like a token',
        defaultValue: VALUE,
      }),
    );
    assert.throws(
      () => checkUploadedApp(app),
      (err: unknown) => {
        assert.ok(err instanceof UnusableInputError);
        assert.equal(err.code, 'secret_value');
        assert.match(err.message, /API_TOKEN/);
        assert.ok(!JSON.stringify({ m: err.message, i: err.issues }).includes(VALUE));
        return true;
      },
    );
  });
});
