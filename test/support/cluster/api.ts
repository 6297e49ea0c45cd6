/**
 * A minimal client of the test cluster's API server, for the harness and for tests that
 * change things out of band: plain HTTPS requests with the admin token, on loopback only.
 */
import { request } from 'node:https';

/** A response: status code and parsed JSON body (or text). */
export interface ApiResponse {
  status: number;
  body: unknown;
}

/** Talks to one API server. */
export class ClusterApi {
  constructor(
    readonly server: string,
    private readonly token: string,
  ) {
    if (!/^https:\/\/127\.0\.0\.1:\d+$/.test(server))
      throw new Error(`the test cluster's API server must be on loopback, got ${server}`);
  }

  /** One request; `contentType` defaults to JSON (use merge-patch for PATCH). */
  call(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<ApiResponse> {
    const data = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        `${this.server}${path}`,
        {
          method,
          rejectUnauthorized: false,
          headers: {
            authorization: `Bearer ${this.token}`,
            accept: 'application/json',
            ...(data
              ? { 'content-type': contentType, 'content-length': Buffer.byteLength(data) }
              : {}),
          },
          timeout: 15_000,
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => {
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              /* text */
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
      req.on('error', reject);
      if (data) req.write(data);
      req.end();
    });
  }

  /** GET that must succeed; returns the body. */
  async get<T = Record<string, unknown>>(path: string): Promise<T> {
    const res = await this.call('GET', path);
    if (res.status !== 200)
      throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as T;
  }

  /** Creates an object (POST to its collection); a 409 (exists) is fine. */
  async create(collection: string, obj: unknown): Promise<void> {
    const res = await this.call('POST', collection, obj);
    if (res.status >= 300 && res.status !== 409)
      throw new Error(`POST ${collection}: ${res.status} ${JSON.stringify(res.body)}`);
  }

  /** A JSON merge patch that must succeed. */
  async mergePatch(path: string, patch: unknown): Promise<void> {
    const res = await this.call('PATCH', path, patch, 'application/merge-patch+json');
    if (res.status >= 300)
      throw new Error(`PATCH ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  }

  /** Deletes an object; a 404 (already gone) is fine. */
  async delete(path: string): Promise<void> {
    const res = await this.call('DELETE', path);
    if (res.status >= 300 && res.status !== 404)
      throw new Error(`DELETE ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  }

  /** Items of a list. */
  async list<T = Record<string, unknown>>(path: string): Promise<T[]> {
    return (await this.get<{ items: T[] }>(path)).items;
  }
}
