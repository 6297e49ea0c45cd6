/**
 * `redact` and the places that apply it to what leaves the engine layer: engine event payloads
 * (StepRecorder) and error text (classifyEngineError). Every case has a positive control: the
 * same input without the secret in the redaction list still carries the value, so a redaction
 * that silently did nothing, or a fixture that never contained the value, would fail here.
 */
import { strict as assert } from 'node:assert';
import type { EngineEvent } from '@pulumi/pulumi/automation';
import { classifyEngineError } from '../../../src/engine/errors';
import { StepRecorder } from '../../../src/engine/events';
import { redact } from '../../../src/engine/redact';
import type { OperationEvent } from '../../../src/model/operations';

const SECRET = 'sk-canary-redact-4f9a21c7';
const OTHER = 'pg-canary-pass-0b7e';
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('engine/redact: redact', () => {
  it('replaces every occurrence of each secret, and of its base64 form, with [secret]', () => {
    const text = `key=${SECRET} again ${SECRET}; other=${OTHER}; data: ${b64(SECRET)}`;
    // Positive control: the text the assertions below look at does hold the values.
    assert.ok(text.includes(SECRET) && text.includes(OTHER) && text.includes(b64(SECRET)));
    assert.equal(redact(text, []), text);
    const out = redact(text, [SECRET, OTHER]);
    assert.equal(out, 'key=[secret] again [secret]; other=[secret]; data: [secret]');
  });

  it('redacts values inside nested objects (their JSON), keeping the structure', () => {
    const payload = {
      kind: 'Secret',
      data: { env: [{ name: 'API_KEY', value: SECRET }], nested: { deeper: [b64(OTHER)] } },
    };
    const json = JSON.stringify(payload);
    assert.ok(json.includes(SECRET) && json.includes(b64(OTHER)), 'control: values are there');
    const back = JSON.parse(redact(json, [SECRET, OTHER])) as typeof payload;
    assert.deepEqual(back, {
      kind: 'Secret',
      data: { env: [{ name: 'API_KEY', value: '[secret]' }], nested: { deeper: ['[secret]'] } },
    });
  });

  it('redacts error messages and stacks', () => {
    const err = new Error(`pulumi config set failed: bad value ${SECRET}`);
    assert.ok(err.message.includes(SECRET) && err.stack!.includes(SECRET), 'control');
    assert.doesNotMatch(redact(err.message, [SECRET]), new RegExp(SECRET));
    assert.doesNotMatch(redact(err.stack!, [SECRET]), new RegExp(SECRET));
  });

  it('redacts a secret that another secret starts with, whole, in either order', () => {
    for (const secrets of [
      ['abcd1234', 'abcd1234-long-secret'],
      ['abcd1234-long-secret', 'abcd1234'],
    ])
      assert.equal(
        redact('token=abcd1234-long-secret; short=abcd1234', secrets),
        'token=[secret]; short=[secret]',
      );
  });

  it('leaves values shorter than 4 characters alone (they would blank out ordinary text)', () => {
    assert.equal(redact('abc abc', ['abc']), 'abc abc');
    assert.equal(redact('abcd abcd', ['abcd']), '[secret] [secret]');
  });
});

describe('engine/redact: engine event payloads (StepRecorder)', () => {
  const diagnostic = (message: string, ephemeral = false): EngineEvent =>
    ({
      sequence: 7,
      timestamp: 0,
      diagnosticEvent: {
        message,
        color: 'never',
        severity: 'error',
        ephemeral,
        urn: 'urn:pulumi:dev::shop::kubernetes:core/v1:Secret::app-secrets',
      },
    }) as EngineEvent;

  const events = (secrets: string[], input: EngineEvent[]): OperationEvent[] => {
    const seen: OperationEvent[] = [];
    const recorder = new StepRecorder((e) => seen.push(e), secrets);
    for (const e of input) recorder.onEvent(e);
    return seen;
  };

  const input = [
    diagnostic(`could not apply Secret: value ${SECRET} rejected`),
    diagnostic(`waiting for ${b64(SECRET)} to be accepted`, true),
  ];

  it('redacts diagnostic and progress messages', () => {
    const out = JSON.stringify(events([SECRET], input));
    assert.ok(!out.includes(SECRET) && !out.includes(b64(SECRET)), out);
    assert.match(out, /could not apply Secret: value \[secret\] rejected/);
    assert.match(out, /waiting for \[secret\] to be accepted/);
  });

  it('control: without the secret in its list the recorder passes the values through', () => {
    const out = JSON.stringify(events([], input));
    assert.ok(out.includes(SECRET) && out.includes(b64(SECRET)), out);
  });
});

describe('engine/redact: error text (classifyEngineError)', () => {
  const ctx = { project: 'shop', environment: 'dev' };
  const failure = () =>
    new Error(`error: update failed\nerror: Secret app-secrets: invalid value "${SECRET}"`);

  it('redacts the message and the diagnostics of the classified error', () => {
    const err = classifyEngineError(failure(), { ...ctx, secrets: [SECRET] });
    const all = JSON.stringify({ ...err, message: err.message });
    assert.ok(!all.includes(SECRET), all);
    assert.match(err.message, /invalid value "\[secret\]"/);
  });

  it('control: without the secret in the context the value reaches the message', () => {
    assert.ok(classifyEngineError(failure(), ctx).message.includes(SECRET));
  });
});
