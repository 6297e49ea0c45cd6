/**
 * The HTTP client of `stackpilot gate`: the few calls it makes to the server, with the bearer
 * token, problem documents and the SSE stream handled in one place.
 */

/** A parsed JSON object of the server. */
export type Json = Record<string, unknown>;

/** Where the gate's server is and how to reach it. */
export interface ApiOptions {
  /** Server base URL, e.g. `http://127.0.0.1:7070`. */
  server: string;
  /** Bearer token (deployer or higher). Never printed. */
  token: string;
  /** HTTP client. Default the global fetch. */
  fetch?: typeof fetch;
}

/**
 * A non-2xx answer of the server, with its problem document; the message has the status, code,
 * detail and each located issue (field: message), so that a CI log says what to fix.
 */
export class ServerRefused extends Error {
  constructor(
    readonly status: number,
    readonly problem: Json,
  ) {
    const issues = Array.isArray(problem.issues)
      ? (problem.issues as { field?: unknown; message?: unknown }[])
          .slice(0, 20)
          .map(
            (i) => `\n  - ${typeof i.field === 'string' ? `${i.field}: ` : ''}${String(i.message)}`,
          )
          .join('')
      : '';
    super(
      `${status} ${typeof problem.code === 'string' ? problem.code : ''}: ${
        typeof problem.detail === 'string' ? problem.detail : 'request failed'
      }${issues}`,
    );
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The few HTTP calls the gate makes, with the token and problem handling in one place. */
export class Api {
  private readonly base: string;
  private readonly fetch: typeof fetch;
  private readonly auth: string;

  constructor(options: ApiOptions) {
    this.base = options.server.replace(/\/+$/, '');
    this.fetch = options.fetch ?? globalThis.fetch;
    this.auth = `Bearer ${options.token}`;
  }

  get<T>(path: string): Promise<T> {
    return this.json<T>('GET', path);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.json<T>('POST', path, body);
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.fetch(`${this.base}${path}`, {
      method,
      headers: {
        Authorization: this.auth,
        Accept: 'application/json',
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    const parsed = text ? (JSON.parse(text) as unknown) : {};
    if (!res.ok) throw new ServerRefused(res.status, (parsed ?? {}) as Json);
    return parsed as T;
  }

  /**
   * Reads an SSE stream from event id `after`, calling `onEvent` for each data event. Resolves
   * true when the stream's `end` event came, false when the connection ended without it.
   */
  async stream(
    path: string,
    after: number,
    onEvent: (id: number, data: unknown) => void,
  ): Promise<boolean> {
    const res = await this.fetch(`${this.base}${path}`, {
      headers: {
        Authorization: this.auth,
        Accept: 'text/event-stream',
        ...(after > 0 ? { 'Last-Event-ID': String(after) } : {}),
      },
    });
    if (
      !res.ok ||
      !res.body ||
      !(res.headers.get('content-type') ?? '').startsWith('text/event-stream')
    ) {
      await res.body?.cancel();
      throw new Error(`no event stream (${res.status})`);
    }
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return false;
      buffer += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const fields = parseFrame(frame);
        if (fields.event === 'end') {
          await reader.cancel();
          return true;
        }
        if (fields.data !== undefined) onEvent(Number(fields.id ?? after), JSON.parse(fields.data));
      }
    }
  }
}

/** The fields of one SSE frame (comments dropped, multi-line data joined). */
function parseFrame(frame: string): { id?: string; event?: string; data?: string } {
  const out: { id?: string; event?: string; data?: string } = {};
  for (const line of frame.split('\n')) {
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') out.data = out.data === undefined ? value : `${out.data}\n${value}`;
    else if (field === 'id') out.id = value;
    else if (field === 'event') out.event = value;
  }
  return out;
}
