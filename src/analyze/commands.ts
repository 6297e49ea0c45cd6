/**
 * What a start command says about the process it starts: the server and its port, the
 * ASGI/WSGI application object, a queue worker or scheduler, a migration. Commands come from
 * Dockerfile CMD, Procfile, compose `command` and package.json scripts, so one reader serves all.
 */
import type { Features } from '../model/app';

/** Migration tools of the model. */
export type MigrationTool = NonNullable<Features['migrations']>['tool'];

/** What a start command reveals; absent fields were not found. */
export interface CommandFacts {
  /** The server program, e.g. `uvicorn`, `gunicorn`, `next`, `node`. */
  server?: string;
  port?: number;
  /** `module:attr`, with `()` for an app factory (`--factory`, `"module:create_app()"`). */
  appObject?: string;
  worker?: { framework: string; role: 'worker' | 'scheduler'; app?: string };
  migration?: MigrationTool;
}

const SERVERS: Array<[RegExp, string]> = [
  [/\buvicorn\b/, 'uvicorn'],
  [/\bgunicorn\b/, 'gunicorn'],
  [/\bhypercorn\b/, 'hypercorn'],
  [/\bgranian\b/, 'granian'],
  [/\bfastapi\s+(run|dev)\b/, 'fastapi'],
  [/\bmanage\.py\s+runserver\b/, 'django'],
  [/\bflask\s+run\b/, 'flask'],
  [/\bnext\s+(start|dev)\b/, 'next'],
  [/\bwaitress-serve\b/, 'waitress'],
  [/\bdaphne\b/, 'daphne'],
];

function portOf(cmd: string): number | undefined {
  const patterns = [
    /--port[= ]+["']?(?:\$\{PORT:-)?(\d{2,5})/,
    /(?:--bind|-b)[= ]+["']?[^\s"':]*:(?:\$\{PORT:-)?(\d{2,5})/,
    /\brunserver\s+(?:[^\s:]*:)?(\d{2,5})\b/,
    /\bnext\s+start\b[^&|;]*?\s-p\s*(\d{2,5})/,
    /\bflask\s+run\b[^&|;]*?\s-p\s*(\d{2,5})/,
    /\bPORT=(\d{2,5})\b/,
  ];
  for (const re of patterns) {
    const m = re.exec(cmd);
    if (m) {
      const port = Number(m[1]);
      if (port >= 1 && port <= 65535) return port;
    }
  }
  return undefined;
}

/** Reads one shell command (exec-form arguments joined by spaces). */
export function analyzeCommand(cmd: string): CommandFacts {
  const out: CommandFacts = {};
  const server = SERVERS.find(([re]) => re.test(cmd))?.[1];
  if (server) out.server = server;
  const port = portOf(cmd);
  if (port !== undefined) out.port = port;

  if (
    server &&
    ['uvicorn', 'gunicorn', 'hypercorn', 'granian', 'daphne', 'waitress'].includes(server)
  ) {
    const tokens = cmd.split(/\s+/).map((t) => t.replace(/^["']|["']$/g, ''));
    const app = tokens.find((t) => /^[A-Za-z_][\w.]*:[A-Za-z_]\w*(\(\))?$/.test(t));
    if (app) out.appObject = /--factory\b/.test(cmd) && !app.endsWith('()') ? `${app}()` : app;
  }

  const celery = /\bcelery\b.*?(?:^|\s)(worker|beat)(?=\s|$)/.exec(cmd);
  if (celery) {
    const app = /(?:-A|--app)[= ]+["']?([\w.:]+)/.exec(cmd)?.[1];
    out.worker = {
      framework: 'celery',
      role: celery[1] === 'beat' ? 'scheduler' : 'worker',
      ...(app ? { app } : {}),
    };
  } else if (/\brq\s+worker\b/.test(cmd)) out.worker = { framework: 'rq', role: 'worker' };
  else if (/\brqscheduler\b|\brq\s+scheduler\b/.test(cmd))
    out.worker = { framework: 'rq', role: 'scheduler' };
  else if (/\bdramatiq\s+\w/.test(cmd)) out.worker = { framework: 'dramatiq', role: 'worker' };
  else if (/\barq\s+\w/.test(cmd)) out.worker = { framework: 'arq', role: 'worker' };
  else if (/\bhuey_consumer\b/.test(cmd)) out.worker = { framework: 'huey', role: 'worker' };

  if (/\balembic\s+upgrade\b/.test(cmd)) out.migration = 'alembic';
  else if (/\bmanage\.py\s+migrate\b/.test(cmd)) out.migration = 'django';
  else if (/\bprisma\s+migrate\s+deploy\b/.test(cmd)) out.migration = 'prisma';
  else if (/\bdrizzle-kit\s+(migrate|push)\b/.test(cmd)) out.migration = 'drizzle';
  else if (/\b(npm|pnpm|yarn|bun)\s+(run\s+)?(db:)?migrat(e|ions?)\b/.test(cmd))
    out.migration = 'other';
  return out;
}
