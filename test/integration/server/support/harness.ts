/**
 * A real stackpilot server for integration tests: loopback port, real engine (render targets)
 * over a temporary state directory, a real SQLite file, stack files in a temporary stacks
 * directory, and a token of every role.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../../../src/server/logger';
import { startServer, type RunningServer, type ServerOptions } from '../../../../src/server/server';
import { createToken, openStore, ROLES, type Role } from '../../../../src/store';
import { FULLSTACK, PASSPHRASE, STACKS } from '../../support/engine';

export { FULLSTACK, PASSPHRASE };
/** Allowed root of analyses: the fixtures folder (the fullstack app is `fullstack` in it). */
export const FIXTURES = join(FULLSTACK, '..');
/** The fullstack app as an analysis request names it: an absolute path under {@link FIXTURES}. */
export const FULLSTACK_PATH = join(FIXTURES, 'fullstack');

/** A temporary stacks dir (tests edit it): copies of the repo's dev, staging and prod, plus `extra` dev-like render environments. */
export function makeStacks(extra: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'stackpilot-stacks-'));
  for (const env of ['dev', 'staging', 'prod'])
    writeFileSync(
      join(dir, `Pulumi.${env}.yaml`),
      readFileSync(join(STACKS, `Pulumi.${env}.yaml`), 'utf8'),
    );
  for (const env of extra) writeStack(dir, env, {});
  return dir;
}

/** Writes a render-target stack file for `env` with extra `stackpilot:` keys. */
export function writeStack(dir: string, env: string, keys: Record<string, unknown>): void {
  const lines = [
    'config:',
    `  stackpilot:namespace: sp-${env}`,
    '  stackpilot:target:',
    '    kind: render',
    ...Object.entries(keys).map(([k, v]) => `  stackpilot:${k}: ${JSON.stringify(v)}`),
  ];
  writeFileSync(join(dir, `Pulumi.${env}.yaml`), `${lines.join('\n')}\n`);
}

/** A token for each role, and a second deployer and approver (for the self-approval rules). */
export type Tokens = Record<Role | 'deployer2' | 'approver2', string>;

/** Creates the tokens in the database file of `stateDir` (before or beside a running server). */
export function makeTokens(databaseFile: string): Tokens {
  const store = openStore({ file: databaseFile });
  try {
    const t = (name: string, role: Role) => createToken(store, name, role).token;
    const roles = Object.fromEntries(ROLES.map((r) => [r, t(r, r)])) as Record<Role, string>;
    return {
      ...roles,
      deployer2: t('deployer2', 'deployer'),
      approver2: t('approver2', 'approver'),
    };
  } finally {
    store.close();
  }
}

/** The server environment the tests run the engine with. */
export function engineEnv(): NodeJS.ProcessEnv {
  return { ...process.env, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE };
}

/** A response, its body parsed when it is JSON. */
export interface Answer {
  status: number;
  body: Record<string, unknown>;
  text: string;
  headers: Headers;
}

/** A small HTTP client bound to a server and a token. */
export class Client {
  constructor(
    readonly url: string,
    readonly token?: string,
  ) {}

  as(token: string | undefined): Client {
    return new Client(this.url, token);
  }

  async call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}),
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined
        ? { body: typeof body === 'string' ? body : JSON.stringify(body) }
        : {}),
    });
    const text = await res.text();
    let parsed: Record<string, unknown> = {};
    if (/json/.test(res.headers.get('content-type') ?? '') && text)
      parsed = JSON.parse(text) as Record<string, unknown>;
    return { status: res.status, body: parsed, text, headers: res.headers };
  }

  get(path: string, headers?: Record<string, string>): Promise<Answer> {
    return this.call('GET', path, undefined, headers);
  }

  post(path: string, body: unknown): Promise<Answer> {
    return this.call('POST', path, body);
  }

  /** POSTs and insists on `status`, showing the problem otherwise. */
  async expect(
    status: number,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<Record<string, unknown>> {
    const res = await this.call(method, path, body);
    if (res.status !== status)
      throw new Error(
        `${method} ${path}: expected ${status}, got ${res.status}: ${res.text.slice(0, 800)}`,
      );
    return res.body;
  }

  /** Polls an operation until it is final, and returns it. */
  async settle(operationId: string, pollMs = 100): Promise<Record<string, unknown>> {
    for (;;) {
      const op = await this.expect(200, 'GET', `/v1/operations/${operationId}`);
      if (['succeeded', 'failed', 'interrupted', 'rejected'].includes(String(op.status))) return op;
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /** Analyzes the fullstack fixture and plans it for `env`; returns the plan id and hash. */
  async plan(env: string): Promise<{ id: string; hash: string; app: string }> {
    const analysis = await this.expect(201, 'POST', '/v1/analyses', { path: FULLSTACK_PATH });
    const plan = await this.expect(201, 'POST', '/v1/plans', {
      analysisId: analysis.id,
      environment: env,
    });
    return { id: String(plan.id), hash: String(plan.hash), app: String(plan.app) };
  }

  /** Starts an operation and waits for it; insists that it succeeds. */
  async run(path: string, body: unknown): Promise<Record<string, unknown>> {
    const accepted = await this.expect(202, 'POST', path, body);
    const op = await this.settle(String(accepted.operationId));
    if (op.status !== 'succeeded')
      throw new Error(`${path} ${String(op.status)}: ${JSON.stringify(op.error)}`);
    return op;
  }
}

/** A started server with its temp dirs, tokens and clients. */
export interface Harness {
  server: RunningServer;
  stateDir: string;
  stacksDir: string;
  tokens: Tokens;
  /** A client per token name. */
  as: (who: keyof Tokens) => Client;
  anonymous: Client;
  cleanup: () => Promise<void>;
}

/** Starts a server over fresh temp dirs (or the given stacks dir). */
export async function startHarness(
  options: Partial<ServerOptions> & { extraEnvs?: string[] } = {},
): Promise<Harness> {
  const stateDir = mkdtempSync(join(tmpdir(), 'stackpilot-server-it-'));
  mkdirSync(stateDir, { recursive: true });
  const stacksDir = options.stacksDir ?? makeStacks(options.extraEnvs ?? []);
  const tokens = makeTokens(join(stateDir, 'stackpilot.db'));
  const { extraEnvs: _extra, ...serverOptions } = options;
  const server = await startServer({
    stateDir,
    stacksDir,
    allowedRoots: [FIXTURES],
    env: engineEnv(),
    missingSecrets: 'placeholder',
    logger: createLogger({ level: process.env.STACKPILOT_TEST_LOG ?? 'silent' }),
    ...serverOptions,
  });
  const anonymous = new Client(server.url);
  return {
    server,
    stateDir,
    stacksDir,
    tokens,
    as: (who) => anonymous.as(tokens[who]),
    anonymous,
    cleanup: async () => {
      await server.close();
      rmSync(stateDir, { recursive: true, force: true });
      if (!options.stacksDir) rmSync(stacksDir, { recursive: true, force: true });
    },
  };
}

/** One SSE frame. */
export interface SseFrame {
  id?: number;
  event?: string;
  data: unknown;
}

/**
 * Reads an operation's SSE stream from `lastEventId`, until its `end` event or until
 * `stopAfter` data frames (then it hangs up, as a client whose connection drops).
 */
export async function readSse(
  client: Client,
  operationId: string,
  options: { lastEventId?: number; stopAfter?: number } = {},
): Promise<{ frames: SseFrame[]; ended: boolean; contentType: string }> {
  const abort = new AbortController();
  const res = await fetch(`${client.url}/v1/operations/${operationId}/events`, {
    headers: {
      Authorization: `Bearer ${client.token ?? ''}`,
      Accept: 'text/event-stream',
      ...(options.lastEventId !== undefined
        ? { 'Last-Event-ID': String(options.lastEventId) }
        : {}),
    },
    signal: abort.signal,
  });
  const contentType = res.headers.get('content-type') ?? '';
  const frames: SseFrame[] = [];
  if (!res.body) return { frames, ended: false, contentType };
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return { frames, ended: false, contentType };
    buffer += decoder.decode(value, { stream: true });
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const raw = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      if (raw.startsWith(':')) continue;
      const frame: SseFrame = { data: undefined };
      for (const line of raw.split('\n')) {
        const [field, ...rest] = line.split(': ');
        const value = rest.join(': ');
        if (field === 'id') frame.id = Number(value);
        else if (field === 'event') frame.event = value;
        else if (field === 'data') frame.data = JSON.parse(value) as unknown;
      }
      frames.push(frame);
      if (frame.event === 'end') {
        await reader.cancel();
        return { frames, ended: true, contentType };
      }
      if (options.stopAfter !== undefined && frames.length >= options.stopAfter) {
        abort.abort();
        await reader.cancel().catch(() => undefined);
        return { frames, ended: false, contentType };
      }
    }
  }
}
