/**
 * classifyEngineError maps what the Automation API throws to stackpilot's error types and codes.
 * The inputs are built the way the Automation API builds them: `createCommandError` over a
 * `CommandResult` holding the CLI's stderr (it picks ConcurrentUpdateError, StackNotFoundError
 * or CommandError from that text), and a plain Error for failures outside a CLI call.
 */
import { strict as assert } from 'node:assert';
import { createRequire } from 'node:module';
import { CommandError, ConcurrentUpdateError, StackNotFoundError } from '@pulumi/pulumi/automation';
import { classifyEngineError } from '../../../src/engine/errors';
import {
  ConflictError,
  EngineError,
  InputError,
  NotFoundError,
  StackLockedError,
  StackpilotError,
} from '../../../src/model/errors';

// `createCommandError` and `CommandResult` are the Automation API's own (marked @internal, so
// not in its typings): every failed CLI call becomes an error through them.
const load = createRequire(__filename);
const { createCommandError } = load('@pulumi/pulumi/automation/errors') as {
  createCommandError: (result: unknown) => CommandError;
};
const { CommandResult } = load('@pulumi/pulumi/automation/cmd') as {
  CommandResult: new (stdout: string, stderr: string, code: number, err?: Error) => unknown;
};

/** What `LocalWorkspace`/`Stack` throw when the pulumi CLI exits non-zero with this stderr. */
const cliError = (stderr: string, stdout = ''): CommandError =>
  createCommandError(new CommandResult(stdout, stderr, 255));

const ctx = { project: 'shop', environment: 'dev' };

describe('engine/errors: classifyEngineError', () => {
  it('a stack locked on the file backend → StackLockedError stack_locked, with the holders', () => {
    const thrown = cliError(
      'error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n' +
        '  file:///state/.pulumi/locks/organization/shop/dev/0c1d.json: created by ci@runner-3 (pid 4242) at 2025-01-02T03:04:05Z\n',
    );
    assert.ok(thrown instanceof ConcurrentUpdateError, 'input built as the Automation API does');
    const holders = [{ pid: 4242, host: 'runner-3', user: 'ci', since: '2025-01-02T03:04:05Z' }];
    const err = classifyEngineError(thrown, { ...ctx, lockHolders: () => holders });
    assert.ok(err instanceof StackLockedError && err instanceof ConflictError);
    assert.equal(err.code, 'stack_locked');
    assert.deepEqual(err.holders, holders);
    assert.match(
      err.message,
      /stack shop\/dev is locked by another update: ci@runner-3 \(pid 4242/,
    );
  });

  it('a concurrent update on a service backend ([409] Conflict) → StackLockedError', () => {
    const thrown = cliError('error: [409] Conflict: Another update is currently in progress.\n');
    assert.ok(thrown instanceof ConcurrentUpdateError);
    const err = classifyEngineError(thrown, ctx);
    assert.ok(err instanceof StackLockedError);
    assert.equal(err.code, 'stack_locked');
    assert.deepEqual(err.holders, []);
    assert.match(err.message, /^stack shop\/dev is locked by another update; wait for it/);
  });

  it('the lock text in a plain CommandError (not the typed one) → still StackLockedError', () => {
    const thrown = cliError('');
    thrown.message += 'error: the stack is currently locked by 1 lock(s).';
    assert.ok(!(thrown instanceof ConcurrentUpdateError));
    assert.equal(classifyEngineError(thrown, ctx).code, 'stack_locked');
  });

  it('a missing stack → NotFoundError not_found', () => {
    const thrown = cliError("error: no stack named 'dev' found\n");
    assert.ok(thrown instanceof StackNotFoundError);
    const err = classifyEngineError(thrown, ctx);
    assert.ok(err instanceof NotFoundError);
    assert.equal(err.code, 'not_found');
    assert.match(err.message, /stack shop\/dev does not exist yet/);
  });

  it('an update that violates the approved plan → ConflictError plan_mismatch', () => {
    const err = classifyEngineError(
      cliError('error: resource urn:pulumi:dev::shop::x violates plan: properties changed\n'),
      ctx,
    );
    assert.ok(err instanceof ConflictError);
    assert.equal(err.code, 'plan_mismatch');
  });

  it('missing configuration → InputError invalid_input listing every key', () => {
    const err = classifyEngineError(
      cliError(
        "error: Missing required configuration variable 'secrets:OPENAI_API_KEY'\n" +
          "error: Missing required configuration variable 'secrets:DB_PASSWORD'\n",
      ),
      ctx,
    );
    assert.ok(err instanceof InputError);
    assert.equal(err.code, 'invalid_input');
    assert.deepEqual(
      err.issues.map((i) => i.field),
      ['secrets:OPENAI_API_KEY', 'secrets:DB_PASSWORD'],
    );
  });

  it('a wrong passphrase → InputError naming PULUMI_CONFIG_PASSPHRASE', () => {
    const err = classifyEngineError(
      cliError('error: constructing secrets manager of type "passphrase": incorrect passphrase\n'),
      ctx,
    );
    assert.ok(err instanceof InputError);
    assert.match(err.message, /PULUMI_CONFIG_PASSPHRASE/);
  });

  it('a generic engine failure → EngineError engine_failed with the resource errors, not the summary', () => {
    const stdout = [
      'Updating (dev):',
      '  kubernetes:apps/v1:Deployment shop-web creating (0s) error: 2 errors occurred:',
      '    * the Kubernetes API server reported that "shop/web" failed to fully initialize',
      '    * Minimum number of live Pods was not attained',
      'Diagnostics:',
      '  kubernetes:apps/v1:Deployment (workload-web):',
      '    error: resource shop/web was not successful',
      '  pulumi:pulumi:Stack (shop-dev):',
      '    error: update failed',
    ].join('\n');
    const thrown = cliError('', stdout);
    assert.ok(thrown.constructor === CommandError, 'a plain CommandError');
    const err = classifyEngineError(thrown, ctx);
    assert.ok(err instanceof EngineError);
    assert.equal(err.code, 'engine_failed');
    assert.equal(
      err.message,
      'shop/dev: the Kubernetes API server reported that "shop/web" failed to fully initialize',
    );
    assert.ok(err.diagnostics.includes('resource shop/web was not successful'));
    assert.ok(!err.diagnostics.includes('update failed'), err.diagnostics.join('\n'));
    assert.ok(err.diagnostics.includes('Minimum number of live Pods was not attained'));
  });

  it('a failure outside a CLI call → EngineError engine_error', () => {
    const err = classifyEngineError(new Error('error: could not read the stack state'), ctx);
    assert.ok(err instanceof EngineError);
    assert.equal(err.code, 'engine_error');
    assert.equal(err.message, 'shop/dev: could not read the stack state');
    const bare = classifyEngineError('thrown string', ctx);
    assert.equal(bare.code, 'engine_error');
    assert.equal(bare.message, 'shop/dev: the Pulumi engine failed');
  });

  it("passes stackpilot's own errors through unchanged", () => {
    const own = new NotFoundError('no such environment');
    assert.equal(classifyEngineError(own, ctx), own);
    assert.ok(classifyEngineError(own, ctx) instanceof StackpilotError);
  });
});
