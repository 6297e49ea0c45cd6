/**
 * The OpenAPI 3.1 document, generated from the route table and its zod schemas (zod 4's
 * `z.toJSONSchema`), so that the documentation cannot drift from what the server accepts.
 */
import { z } from 'zod';
import type { Route } from './route';
import { ProblemSchema } from './schemas';

type JsonSchema = Record<string, unknown>;

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });
  delete (json as { $schema?: unknown }).$schema;
  return json;
}

/** OpenAPI parameters from an object schema's properties. */
function parameters(
  schema: z.ZodType | undefined,
  where: 'path' | 'query' | 'header',
): JsonSchema[] {
  if (!schema) return [];
  const json = schemaOf(schema, 'input') as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: s,
  }));
}

const ERRORS: Record<number, string> = {
  400: 'invalid input (problem+json with field issues)',
  401: 'missing or unknown bearer token',
  403: 'role too low, or the approval rules forbid it',
  404: 'not found',
  409: 'conflict: busy or locked stack, changed plan, used or expired approval …',
  422: 'well formed but unusable: an app without components, a secret value in an upload, a failed skill',
  500: 'internal error (generic message and an errorId)',
};

/** The OpenAPI document of `routes`. */
export function openApiDocument(routes: readonly Route[], version = '0.1.0'): JsonSchema {
  const problem = { $ref: '#/components/schemas/Problem' };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    const responses: Record<string, unknown> = {};
    for (const [status, doc] of Object.entries(r.responses)) {
      const type = doc.contentType ?? 'application/json';
      responses[status] = {
        description: doc.description,
        content: { [type]: doc.schema ? { schema: schemaOf(doc.schema, 'output') } : {} },
      };
    }
    for (const [status, description] of Object.entries(ERRORS)) {
      if (r.access === 'public' && (status === '401' || status === '403')) continue;
      responses[status] ??= {
        description,
        content: { 'application/problem+json': { schema: problem } },
      };
    }
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[r.method] = {
      operationId: `${r.method}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      summary: r.summary,
      tags: [r.tag],
      'x-required-role': r.access,
      security: r.access === 'public' ? [] : [{ bearer: [] }],
      parameters: [
        ...parameters(r.params, 'path'),
        ...parameters(r.query, 'query'),
        ...parameters(r.headers, 'header'),
      ],
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: schemaOf(r.body, 'input') } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'stackpilot',
      version,
      description:
        'Analyze, plan, preview, approve, deploy and roll back applications on Kubernetes through the Pulumi Automation API.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Problem: schemaOf(ProblemSchema, 'output') },
    },
    paths,
  };
}
