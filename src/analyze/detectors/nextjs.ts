/**
 * Next.js: version, `output` mode from next.config.*, route handlers and API routes, health
 * routes, streaming responses, the listening port (`next start -p`, default 3000).
 */
import { PRIORITY, type Loc } from '../draft';
import { relTo } from '../paths';
import type { UnitContext } from './context';
import { cleanVersion, runScript, scriptLoc } from './node';

const CONFIG = /^next\.config\.(js|mjs|cjs|ts|mts)$/;
const APP_ROUTE = /^(?:src\/)?app\/(?:(.*)\/)?route\.(?:ts|js|tsx|jsx|mjs)$/;
const PAGES_API = /^(?:src\/)?pages\/(api(?:\/.*)?)\.(?:ts|js|tsx|jsx)$/;
/** Code that streams a response: AI SDK helpers, SSE, web streams. */
export const STREAMING_JS =
  /\b(?:streamText|streamObject|createDataStreamResponse|createUIMessageStreamResponse)\s*\(|\.(?:toDataStreamResponse|toUIMessageStreamResponse|toTextStreamResponse)\s*\(|\bnew\s+(?:ReadableStream|StreamingTextResponse)\b|text\/event-stream|\bstream:\s*true\b/;

/** URL path of an app-router route file's directory (`(group)` and `@slot` segments dropped). */
function routePath(dir: string | undefined): string {
  const segs = (dir ?? '').split('/').filter((s) => s && !/^\(.*\)$/.test(s) && !s.startsWith('@'));
  return `/${segs.join('/')}`;
}

/** Unit detector for Next.js apps. */
export function detectNextjs(ctx: UnitContext): void {
  const { unit, draft, repo } = ctx;
  const next = unit.npmDeps.get('next');
  if (!next || !unit.pkg) return;
  const depLoc: Loc = {
    file: next.file,
    line: next.line,
    note: `dependency next ${next.spec ?? ''}`.trim(),
  };
  draft.serves = true;
  const version = cleanVersion(next.spec);
  draft.claim(
    'framework',
    { name: 'nextjs', ...(version ? { version } : {}) },
    PRIORITY.manifest,
    depLoc,
  );
  draft.claim('kind', 'frontend', PRIORITY.code, { ...depLoc, note: 'Next.js app' });
  draft.claim('public', true, PRIORITY.code, { ...depLoc, note: 'a Next.js app serves browsers' });
  draft.claim('port', 3000, PRIORITY.default, { ...depLoc, note: 'Next.js default port' });
  draft.feature('writablePaths', ['.next/cache'], PRIORITY.default, {
    ...depLoc,
    note: 'Next.js writes its image and fetch cache at runtime',
  });

  const config = unit.files.find((f) => CONFIG.test(relTo(unit.dir, f.path)));
  const configSrc = config && repo.source(config.path);
  const output = configSrc && /\boutput\s*:\s*['"](standalone|export)['"]/.exec(configSrc.text);
  let mode: 'standalone' | 'export' | 'default' = 'default';
  if (configSrc && output) {
    mode = output[1] as 'standalone' | 'export';
    draft.feature('nextOutput', mode, PRIORITY.manifest, {
      file: configSrc.path,
      line: configSrc.lineAt(output.index),
      note: `output: '${mode}'`,
    });
  } else {
    draft.feature(
      'nextOutput',
      'default',
      PRIORITY.manifest,
      configSrc
        ? { file: configSrc.path, note: 'no output setting' }
        : { ...depLoc, note: 'no next.config' },
    );
  }

  const start = unit.pkg.scripts.start;
  const port = start && /\bnext\s+start\b.*?(?:-p|--port)[= ]?(\d{2,5})/.exec(start);
  if (port) draft.claim('port', Number(port[1]), PRIORITY.manifest, scriptLoc(repo, unit, 'start'));
  if (mode === 'standalone')
    draft.claim('startCommand', 'node server.js', PRIORITY.manifest, {
      ...(configSrc ? { file: configSrc.path, line: configSrc.lineAt(output!.index) } : depLoc),
      note: 'standalone output runs server.js',
    });
  else if (mode === 'default' && !start)
    draft.claim('startCommand', 'next start', PRIORITY.default, {
      ...depLoc,
      note: 'Next.js default start',
    });
  if (!unit.pkg.scripts.build)
    draft.claim('buildCommand', 'next build', PRIORITY.default, {
      ...depLoc,
      note: 'Next.js default build',
    });
  else
    draft.claim(
      'buildCommand',
      runScript(unit, 'build'),
      PRIORITY.manifest,
      scriptLoc(repo, unit, 'build'),
    );

  let apiLoc: Loc | undefined;
  let streamLoc: Loc | undefined;
  for (const f of unit.files) {
    const rel = relTo(unit.dir, f.path);
    const app = APP_ROUTE.exec(rel);
    const pages = app ? undefined : PAGES_API.exec(rel);
    if (!app && !pages) continue;
    const src = repo.source(f.path);
    if (!src) continue;
    const path = app ? routePath(app[1]) : `/${pages![1]!.replace(/\/index$/, '')}`;
    const handler =
      /export\s+(?:async\s+)?(?:function\s+(?:GET|POST|PUT|PATCH|DELETE|HEAD)|const\s+(?:GET|POST|PUT|PATCH|DELETE|HEAD)|default\s)/.exec(
        src.text,
      );
    const loc: Loc = {
      file: f.path,
      line: handler ? src.lineAt(handler.index) : 1,
      note: `route ${path}`,
    };
    draft.routes.push({ path, loc });
    apiLoc ??= loc;
    const s = STREAMING_JS.exec(src.text);
    if (s && !streamLoc)
      streamLoc = {
        file: f.path,
        line: src.lineAt(s.index),
        note: `streams (${s[0].replace(/^\.|[\s(]+$/g, '')})`,
      };
  }
  if (apiLoc) draft.feature('apiRoutes', true, PRIORITY.code, apiLoc);
  if (streamLoc) draft.feature('streaming', true, PRIORITY.code, streamLoc);
}
