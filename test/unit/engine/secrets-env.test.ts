import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { withoutSecretValues } from '../../../src/engine/secrets';

describe('engine/secrets: environment of engine children', () => {
  it('unsets every STACKPILOT_SECRET_* variable in a child, and only those', () => {
    const parent = {
      PATH: process.env.PATH,
      STACKPILOT_SECRET_OPENAI_API_KEY: 'sk-canary-env-1',
      STACKPILOT_SECRET_DB: 'canary-2',
      STACKPILOT_STATE: 'kept',
    };
    const child = spawnSync('env', [], {
      env: { ...parent, ...withoutSecretValues(parent), PULUMI_HOME: '/x' },
      encoding: 'utf8',
    });
    assert.equal(child.status, 0);
    assert.doesNotMatch(child.stdout, /canary|STACKPILOT_SECRET_/);
    assert.match(child.stdout, /^STACKPILOT_STATE=kept$/m);
    assert.match(child.stdout, /^PULUMI_HOME=\/x$/m);
  });
});
