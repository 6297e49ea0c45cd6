/**
 * The express app: the route table wired with request ids, auth, strict input parsing,
 * metrics, request logging, the audit log and one error mapper. Everything it needs comes in
 * `deps`; `startServer` builds those.
 */
import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { InputError } from '../model/errors';
import { audit } from './audit-log';
import { identify, requireRole } from './auth';
import type { AppDeps } from './deps';
import { HttpError, toProblem, zodIssues, type ProblemIssue } from './problem';
import type { Principal, Reply, Route } from './route';
import { ROUTES } from './routes';

interface RequestContext {
  requestId: string;
  started: bigint;
  route?: string;
  principal?: Principal;
}

const contexts = new WeakMap<Request, RequestContext>();

function context(req: Request): RequestContext {
  let ctx = contexts.get(req);
  if (!ctx) {
    ctx = { requestId: randomUUID(), started: process.hrtime.bigint() };
    contexts.set(req, ctx);
  }
  return ctx;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const JSON_TYPES = ['application/json', 'application/*+json'];

/** Builds the app over `deps`, serving `routes` (default: the full route table). */
export function createApp(deps: AppDeps, routes: readonly Route[] = ROUTES): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const json = express.json({ limit: deps.settings.bodyLimit, strict: true, type: JSON_TYPES });

  app.use((req, res, next) => {
    const ctx = context(req);
    const given = req.get('x-request-id');
    if (given && REQUEST_ID.test(given)) ctx.requestId = given;
    res.setHeader('X-Request-Id', ctx.requestId);
    res.on('close', () => observe(deps, req, res, ctx));
    next();
  });

  for (const r of routes) {
    const handlers = [
      (req: Request, _res: Response, next: NextFunction) => {
        const ctx = context(req);
        ctx.route = r.path;
        ctx.principal = identify(deps.store, r.access, req.get('authorization'));
        requireRole(ctx.principal, r.access);
        next();
      },
      ...(r.body ? [requireJson, json] : []),
      async (req: Request, res: Response) => {
        const reply = await r.handle(parseInput(r, req), deps, res);
        send(res, reply);
      },
    ];
    app[r.method](r.path, ...handlers);
  }

  app.use((req, _res, next) => {
    const allowed = routes
      .filter((r) => pathPattern(r.path).test(req.path))
      .map((r) => r.method.toUpperCase());
    if (allowed.length) {
      _res.setHeader('Allow', [...new Set(allowed)].join(', '));
      next(new HttpError(405, `${req.method} is not allowed on ${req.path}`, 'method_not_allowed'));
    } else next(new HttpError(404, `no route ${req.method} ${req.path}`, 'no_route'));
  });

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const ctx = context(req);
    const { problem, unexpected } = toProblem(err, {
      instance: req.path,
      requestId: ctx.requestId,
    });
    if (unexpected)
      deps.logger.error(
        { errorId: unexpected.errorId, err: unexpected.error, requestId: ctx.requestId },
        'unhandled error',
      );
    if (res.headersSent) {
      res.end();
      return;
    }
    if (problem.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="stackpilot"');
    res
      .status(problem.status)
      .type('application/problem+json; charset=utf-8')
      .send(JSON.stringify(problem));
  });

  return app;
}

/** 415 for a body that is not JSON; a request without a body goes on (and fails validation). */
function requireJson(req: Request, _res: Response, next: NextFunction): void {
  const empty = req.get('content-length') === '0' && !req.get('transfer-encoding');
  if (!empty && req.is(JSON_TYPES) === false)
    next(
      new HttpError(
        415,
        `send the body as application/json, not ${req.get('content-type') ?? 'without a type'}`,
        'unsupported_media_type',
      ),
    );
  else next();
}

/** Parses params, query, headers and body with the route's schemas, collecting every issue. */
function parseInput(r: Route, req: Request) {
  const issues: ProblemIssue[] = [];
  const parse = (schema: Route['body'], value: unknown, where: string): unknown => {
    if (!schema) return value;
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    issues.push(...zodIssues(result.error, where));
    return undefined;
  };
  const params = parse(r.params, { ...req.params }, 'params');
  const query = parse(r.query ?? strictEmpty, { ...(req.query as object) }, 'query');
  const headers = parse(r.headers, req.headers, 'headers');
  const body = r.body ? parse(r.body, req.body, 'body') : undefined;
  if (issues.length) throw new InputError('invalid request', issues);
  const ctx = context(req);
  return {
    params,
    query,
    headers,
    body,
    principal: ctx.principal,
    requestId: ctx.requestId,
    accepts:
      req.accepts(r.produces ?? ['application/json']) || (r.produces?.[0] ?? 'application/json'),
  };
}

// Routes without a query schema take no query parameters: unknown ones are an error.
const strictEmpty = z.strictObject({});

function send(res: Response, reply: Reply): void {
  if ('streamed' in reply) return;
  if ('json' in reply) {
    if (reply.headers) res.set(reply.headers);
    res.status(reply.status).json(reply.json);
  } else {
    res.status(reply.status).type(reply.contentType).send(reply.text);
  }
}

function pathPattern(path: string): RegExp {
  const source = path
    .split('/')
    .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}/?$`);
}

/** Metrics, request log and audit entry of a finished (or aborted) request. */
function observe(deps: AppDeps, req: Request, res: Response, ctx: RequestContext): void {
  const seconds = Number(process.hrtime.bigint() - ctx.started) / 1e9;
  const route = ctx.route ?? '(unmatched)';
  const status = res.headersSent ? res.statusCode : 499;
  deps.metrics.observeRequest(req.method, route, status, seconds);
  const who = ctx.principal?.name ?? 'anonymous';
  deps.logger.info(
    {
      requestId: ctx.requestId,
      method: req.method,
      route,
      status,
      ms: Math.round(seconds * 1000),
      who,
    },
    'request',
  );
  audit(deps, {
    who,
    action: `${req.method} ${route}`,
    target: req.path.slice(0, 512),
    outcome: String(status),
    requestId: ctx.requestId,
  });
}
