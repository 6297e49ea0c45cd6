/**
 * The one place that maps errors to HTTP: the project's error hierarchy (and zod and body
 * parser errors) to RFC 7807 `application/problem+json`. Unknown errors become a 500 with a
 * generic message and an `errorId` that the caller logs with the stack; nothing else of them
 * reaches the client.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { ZodError } from 'zod';
import {
  ConflictError,
  EngineError,
  ForbiddenError,
  InputError,
  NotFoundError,
  SkillError,
  StackLockedError,
  StackpilotError,
  UnusableInputError,
  type InputIssue,
  type LockHolder,
} from '../model/errors';

/** The request failed authentication: no token, a malformed header, or an unknown token. */
export class UnauthenticatedError extends StackpilotError {
  constructor(message: string) {
    super(message, 'unauthenticated');
  }
}

/** The request asked for something the server does not serve in that form (405, 406, 413, 415). */
export class HttpError extends StackpilotError {
  constructor(
    readonly status: number,
    message: string,
    code: string,
  ) {
    super(message, code);
  }
}

/** One located issue of a 400 problem. */
export interface ProblemIssue {
  /** Dotted path of the offending field, e.g. `body.planId`, `query.status`, `params.env`. */
  field?: string;
  file?: string;
  line?: number;
  message: string;
}

/** An RFC 7807 problem document with stackpilot's extension members. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** Stable machine-readable code: `invalid_input`, `stack_busy`, `approval_expired` … */
  code: string;
  instance?: string;
  requestId?: string;
  issues?: ProblemIssue[];
  /** Who holds a stack lock (409 `stack_locked`). */
  holders?: LockHolder[];
  /** Engine diagnostics, already scrubbed of secrets (502 `engine_failed`). */
  diagnostics?: string[];
  /** Id under which a 500's details were logged. */
  errorId?: string;
  /** The operation recorded for a refused request, when one was. */
  operationId?: string;
}

/** The mapping of one error: the problem to send and, for a 500, what to log. */
export interface MappedError {
  problem: Problem;
  /** Set for unexpected errors only: log `error` (with its stack) under `errorId`. */
  unexpected?: { errorId: string; error: unknown };
}

/** Where the error happened, for the problem's `instance` and `requestId`. */
export interface ProblemContext {
  instance?: string;
  requestId?: string;
}

const BODY_PARSER_CODES: Record<string, [number, string, string]> = {
  'entity.parse.failed': [400, 'malformed_json', 'the request body is not valid JSON'],
  'entity.too.large': [413, 'body_too_large', 'the request body is too large'],
  'encoding.unsupported': [415, 'unsupported_encoding', 'unsupported content encoding'],
  'charset.unsupported': [415, 'unsupported_charset', 'unsupported charset; send UTF-8 JSON'],
  'request.aborted': [400, 'request_aborted', 'the request was aborted'],
  'request.size.invalid': [400, 'invalid_body_size', 'the body does not match its Content-Length'],
  'stream.encoding.set': [500, 'internal', 'internal error'],
};

/** Field paths of a zod error's issues, one per unknown key. */
export function zodIssues(error: ZodError, prefix?: string): ProblemIssue[] {
  const out: ProblemIssue[] = [];
  for (const issue of error.issues) {
    const base = [...(prefix ? [prefix] : []), ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        out.push({ field: [...base, key].join('.'), message: 'unknown field' });
    } else {
      out.push({ ...(base.length ? { field: base.join('.') } : {}), message: issue.message });
    }
  }
  return out;
}

/** Maps any thrown value to a problem. Never puts a stack trace or an unknown message in it. */
export function toProblem(err: unknown, ctx: ProblemContext = {}): MappedError {
  const operationId =
    err instanceof StackpilotError &&
    typeof (err as { operationId?: unknown }).operationId === 'string'
      ? (err as unknown as { operationId: string }).operationId
      : undefined;
  const make = (status: number, code: string, detail: string, extra: Partial<Problem> = {}) => ({
    problem: {
      type: code === 'about' ? 'about:blank' : `urn:stackpilot:problem:${code}`,
      title: STATUS_CODES[status] ?? 'Error',
      status,
      detail,
      code,
      ...(ctx.instance ? { instance: ctx.instance } : {}),
      ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
      ...(operationId ? { operationId } : {}),
      ...extra,
    },
  });

  if (err instanceof ZodError)
    return make(400, 'invalid_input', 'invalid input', { issues: zodIssues(err) });
  if (err instanceof UnusableInputError)
    return make(422, err.code, firstLine(err.message), { issues: err.issues.map(issue) });
  if (err instanceof InputError)
    return make(400, err.code, firstLine(err.message), { issues: err.issues.map(issue) });
  if (err instanceof UnauthenticatedError) return make(401, err.code, err.message);
  if (err instanceof ForbiddenError) return make(403, err.code, err.message);
  if (err instanceof NotFoundError) return make(404, err.code, err.message);
  if (err instanceof StackLockedError)
    return make(409, err.code, err.message, { holders: err.holders });
  if (err instanceof ConflictError) return make(409, err.code, err.message);
  if (err instanceof HttpError) return make(err.status, err.code, err.message);
  if (err instanceof SkillError) return make(422, err.code, err.message);
  if (err instanceof EngineError)
    return make(502, err.code, err.message, { diagnostics: err.diagnostics });

  const parser = bodyParserError(err);
  if (parser && parser[0] < 500) return make(...parser);

  const errorId = randomUUID();
  return {
    ...make(500, 'internal', `internal error; it was logged as ${errorId}`, { errorId }),
    unexpected: { errorId, error: err },
  };
}

/** Errors that express and body-parser raise for a bad request (they carry `type` or `status`). */
function bodyParserError(err: unknown): [number, string, string] | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { type?: unknown; status?: unknown };
  if (typeof e.type === 'string' && BODY_PARSER_CODES[e.type]) return BODY_PARSER_CODES[e.type];
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    // express's own 4xx (e.g. a path parameter that is not valid percent-encoding); its
    // message is not ours to pass on.
    return [e.status, 'bad_request', STATUS_CODES[e.status] ?? 'bad request'];
  }
  return undefined;
}

function issue(i: InputIssue): ProblemIssue {
  return {
    ...(i.field !== undefined ? { field: i.field } : {}),
    ...(i.file !== undefined ? { file: i.file } : {}),
    ...(i.line !== undefined ? { line: i.line } : {}),
    message: i.message,
  };
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
