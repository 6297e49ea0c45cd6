import { strict as assert } from 'node:assert';
import { z } from 'zod';
import {
  ConflictError,
  EngineError,
  ForbiddenError,
  InputError,
  NotFoundError,
  SkillError,
  StackLockedError,
  UnusableInputError,
} from '../../../src/model/errors';
import { HttpError, toProblem, UnauthenticatedError } from '../../../src/server/problem';

describe('server: problem mapper', () => {
  const status = (err: unknown) => {
    const { problem } = toProblem(err);
    return [problem.status, problem.code];
  };

  it('maps each error of the hierarchy to its status and code', () => {
    assert.deepEqual(
      [
        new InputError('bad', [{ field: 'x', message: 'y' }]),
        new UnusableInputError(
          'empty',
          [{ field: 'components', message: 'none' }],
          'no_components',
        ),
        new UnauthenticatedError('who?'),
        new ForbiddenError('no', 'self_approval'),
        new NotFoundError('gone'),
        new ConflictError('busy', 'stack_busy'),
        new StackLockedError('locked', [{ pid: 7 }]),
        new SkillError('cost', 'broke'),
        new EngineError('engine', ['error: x']),
        new HttpError(415, 'json please', 'unsupported_media_type'),
      ].map(status),
      [
        [400, 'invalid_input'],
        [422, 'no_components'],
        [401, 'unauthenticated'],
        [403, 'self_approval'],
        [404, 'not_found'],
        [409, 'stack_busy'],
        [409, 'stack_locked'],
        [422, 'skill_failed'],
        [502, 'engine_failed'],
        [415, 'unsupported_media_type'],
      ],
    );
  });

  it('gives a 400 its located issues and the first line of the message as detail', () => {
    const { problem } = toProblem(
      new InputError('invalid stack config', [
        { file: 'stacks/Pulumi.dev.yaml', line: 3, field: 'replicas', message: 'expected number' },
        { field: 'body.planId', message: 'required' },
      ]),
      { instance: '/v1/plans', requestId: 'r-1' },
    );
    assert.deepEqual(problem, {
      type: 'urn:stackpilot:problem:invalid_input',
      title: 'Bad Request',
      status: 400,
      detail: 'invalid stack config',
      code: 'invalid_input',
      instance: '/v1/plans',
      requestId: 'r-1',
      issues: [
        { file: 'stacks/Pulumi.dev.yaml', line: 3, field: 'replicas', message: 'expected number' },
        { field: 'body.planId', message: 'required' },
      ],
    });
  });

  it('names every unknown key of a strict zod object as its own issue', () => {
    const result = z.strictObject({ a: z.string() }).safeParse({ a: 1, b: 2, c: 3 });
    assert.equal(result.success, false);
    const { problem } = toProblem(result.error);
    assert.deepEqual(
      problem.issues?.map((i) => i.field),
      ['a', 'b', 'c'],
    );
    assert.equal(problem.status, 400);
  });

  it('maps body-parser errors: malformed JSON 400, too large 413', () => {
    const parse = Object.assign(new SyntaxError('Unexpected token'), {
      type: 'entity.parse.failed',
      status: 400,
    });
    const large = Object.assign(new Error('too big'), { type: 'entity.too.large', status: 413 });
    assert.deepEqual(
      [status(parse), status(large)],
      [
        [400, 'malformed_json'],
        [413, 'body_too_large'],
      ],
    );
  });

  it('turns an unknown error into a generic 500 with an errorId, keeping its message and stack out', () => {
    const err = new TypeError('cannot read x of /srv/secret-path with token sp_live_123');
    const mapped = toProblem(err);
    assert.equal(mapped.problem.status, 500);
    assert.equal(mapped.problem.code, 'internal');
    assert.match(mapped.problem.errorId ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(mapped.unexpected?.errorId, mapped.problem.errorId);
    assert.equal(mapped.unexpected?.error, err);
    const body = JSON.stringify(mapped.problem);
    assert.ok(
      !body.includes('sp_live_123') && !body.includes('/srv/') && !body.includes('at '),
      body,
    );
  });

  it('copies the id of a refused operation onto its problem', () => {
    const err = Object.assign(new ConflictError('busy', 'stack_busy'), { operationId: 'op_x' });
    assert.equal(toProblem(err).problem.operationId, 'op_x');
  });
});
