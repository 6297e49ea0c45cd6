/**
 * What a route is: method, path, the role it needs, its input schemas and documented
 * responses, and a handler that reads only the parsed input. The route table is a list of
 * these; the app, the OpenAPI document and the auth-matrix tests are all generated from it.
 */
import type { Response } from 'express';
import type { z } from 'zod';
import type { Role } from '../store';
import type { AppDeps } from './deps';

/** Who may call a route: anyone (`public`) or a token of at least this role. */
export type Access = Role | 'public';

/** The authenticated caller. */
export interface Principal {
  name: string;
  role: Role;
}

/** Parsed, validated input of one request. */
export interface RouteInput<B, Q, P, H> {
  body: B;
  query: Q;
  params: P;
  headers: H;
  /** Undefined only on public routes called without a token. */
  principal: Principal | undefined;
  requestId: string;
  /** The representation the client prefers among those the route offers. */
  accepts: string | false;
}

/** What a handler answers. `streamed` means it wrote the response itself (SSE). */
export type Reply =
  | { status: number; json: unknown; headers?: Record<string, string> }
  | { status: number; text: string; contentType: string }
  | { streamed: true };

/** One documented response of a route. */
export interface ResponseDoc {
  description: string;
  schema?: z.ZodType;
  contentType?: string;
}

export interface Route<B = unknown, Q = unknown, P = unknown, H = unknown> {
  method: 'get' | 'post';
  /** Express path, e.g. `/v1/plans/:id`. */
  path: string;
  access: Access;
  summary: string;
  tag: string;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
  headers?: z.ZodType<H>;
  /** Content types the route can answer with, preferred first. Default JSON only. */
  produces?: string[];
  /** Successful responses by status; errors are documented for every route at once. */
  responses: Record<number, ResponseDoc>;
  handle(input: RouteInput<B, Q, P, H>, deps: AppDeps, res: Response): Promise<Reply> | Reply;
}

/** Declares a route with its input types inferred from its schemas. */
export function route<
  B = undefined,
  Q = Record<string, never>,
  P = Record<string, never>,
  H = unknown,
>(r: Route<B, Q, P, H>): Route {
  return r as unknown as Route;
}
