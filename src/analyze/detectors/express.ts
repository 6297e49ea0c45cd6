/**
 * Node HTTP servers: Express, Fastify, Koa, Hono, NestJS. The framework, its routes (for
 * health paths) and the listening port from `.listen(...)` — a literal, an inline
 * `process.env.PORT ?? 4000` default, or a constant defined in the same file.
 */
import { PRIORITY, type Loc } from '../draft';
import type { UnitContext } from './context';
import { cleanVersion } from './node';

const FRAMEWORKS: Array<[string, string]> = [
  ['@nestjs/core', 'nestjs'],
  ['express', 'express'],
  ['fastify', 'fastify'],
  ['koa', 'koa'],
  ['hono', 'hono'],
];

const ROUTE =
  /\b(?:app|router|server|fastify|api|routes|r|health\w*|\w+Router)\.(?:get|all|head)\(\s*['"`](\/[^'"`]*)['"`]/g;

function listenPort(text: string): { port: number; index: number } | undefined {
  const direct = /\.listen\(\s*(?:\{[^}]*?port:\s*[^,}]*?)?(\d{2,5})\b/.exec(text);
  if (direct) return { port: Number(direct[1]), index: direct.index };
  const inline = /\.listen\(\s*[^)]*?(?:\?\?|\|\|)\s*['"]?(\d{2,5})/.exec(text);
  if (inline) return { port: Number(inline[1]), index: inline.index };
  const ident = /\.listen\(\s*(?:\{\s*port:\s*)?([A-Za-z_$][\w$]*)/.exec(text);
  if (ident) {
    const def = new RegExp(
      `\\b${ident[1]!.replace(/\$/g, '\\$')}\\s*=\\s*[^;\\n]*?(\\d{2,5})\\b`,
    ).exec(text);
    if (def) return { port: Number(def[1]), index: def.index };
  }
  return undefined;
}

/** Unit detector for Node HTTP servers (not Next.js). */
export function detectNodeServer(ctx: UnitContext): void {
  const { unit, draft, repo } = ctx;
  if (unit.npmDeps.has('next')) return;
  const hit = FRAMEWORKS.map(([dep, name]) => [unit.npmDeps.get(dep), name] as const).find(
    ([d]) => d && !d.dev,
  );
  if (!hit) return;
  const [dep, name] = hit as [NonNullable<(typeof hit)[0]>, string];
  const depLoc: Loc = {
    file: dep.file,
    line: dep.line,
    note: `dependency ${dep.name} ${dep.spec ?? ''}`.trim(),
  };
  draft.serves = true;
  const version = cleanVersion(dep.spec);
  draft.claim('framework', { name, ...(version ? { version } : {}) }, PRIORITY.manifest, depLoc);
  draft.claim('kind', 'backend', PRIORITY.code, { ...depLoc, note: `${name} HTTP server` });
  draft.claim('port', 3000, PRIORITY.default, { ...depLoc, note: `${name} conventional port` });

  for (const path of unit.codeFiles) {
    const src = repo.source(path);
    if (!src) continue;
    const listen = listenPort(src.text);
    if (listen)
      draft.claim('port', listen.port, PRIORITY.code, {
        file: path,
        line: src.lineAt(listen.index),
        note: `listens on ${listen.port}`,
      });
    for (const m of src.text.matchAll(ROUTE))
      draft.routes.push({
        path: m[1]!,
        loc: { file: path, line: src.lineAt(m.index), note: `route ${m[1]}` },
      });
  }
}
