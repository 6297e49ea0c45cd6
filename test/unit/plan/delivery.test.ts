/**
 * The `stackpilot:delivery` setting: manifests by default, helm on a cluster target, and every
 * wrong use located by stack file, line and key like the other settings.
 */
import { strict as assert } from 'node:assert';
import { InputError } from '../../../src/model/errors';
import { parseStackConfig, resolveEnvironment } from '../../../src/plan/environment';

const CLUSTER = ['  stackpilot:target:', '    kind: cluster', '    context: kind-dev'];

describe('plan/environment: stackpilot:delivery', () => {
  it('defaults to manifests in every kind of environment', () => {
    for (const name of ['dev', 'staging', 'prod'])
      assert.equal(resolveEnvironment(name, {}).delivery, 'manifests', name);
  });

  it('reads helm on a cluster target, with or without the namespace', () => {
    for (const key of ['stackpilot:delivery', 'delivery']) {
      const env = parseStackConfig(
        ['config:', ...CLUSTER, `  ${key}: helm`, ''].join('\n'),
        'stacks/Pulumi.dev.yaml',
        'dev',
      );
      assert.equal(env.delivery, 'helm', key);
    }
  });

  it('names the file, line and key of a value that is neither manifests nor helm', () => {
    assert.throws(
      () =>
        parseStackConfig(
          ['config:', ...CLUSTER, '  stackpilot:delivery: chart', ''].join('\n'),
          'stacks/Pulumi.dev.yaml',
          'dev',
        ),
      (err: unknown) => {
        assert.ok(err instanceof InputError);
        assert.deepEqual(
          err.issues.map((i) => [i.file, i.line, i.field, i.message]),
          [
            [
              'stacks/Pulumi.dev.yaml',
              5,
              'config.stackpilot:delivery',
              'Invalid option: expected one of "manifests"|"helm"',
            ],
          ],
        );
        return true;
      },
    );
  });

  it('suggests the key when it is misspelled', () => {
    assert.throws(
      () => parseStackConfig('config:\n  stackpilot:delivry: helm\n', 'f.yaml', 'dev'),
      (err: unknown) => err instanceof InputError && /did you mean "delivery"/.test(err.message),
    );
  });

  it('refuses helm on a render target, at the delivery key', () => {
    assert.throws(
      () =>
        parseStackConfig(
          ['config:', '  stackpilot:tier: small', '  stackpilot:delivery: helm', ''].join('\n'),
          'stacks/Pulumi.dev.yaml',
          'dev',
        ),
      (err: unknown) => {
        assert.ok(err instanceof InputError);
        assert.deepEqual(
          err.issues.map((i) => [i.file, i.line, i.field]),
          [['stacks/Pulumi.dev.yaml', 3, 'config.stackpilot:delivery']],
        );
        assert.match(err.message, /Pulumi\.dev\.yaml:3 .*installs a Helm release into a cluster/);
        return true;
      },
    );
  });
});
