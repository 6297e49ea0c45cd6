/**
 * The one way stackpilot reaches a live cluster: a kubeconfig context loaded with
 * `@kubernetes/client-node`, and every request bounded in time, its failure naming the server
 * and the cause.
 */
import { existsSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import type { Target } from '../model/environment';
import { InputError } from '../model/errors';

/** A cluster target's kubeconfig, loaded, with its context selected. */
export interface ClusterClient {
  kc: KubeConfig;
  /** `context (server)`, for messages. */
  label: string;
  /** Per-request time limit in ms. */
  requestTimeoutMs: number;
}

/** Loads the kubeconfig of a cluster target (its file, else the default lookup) and selects its context. */
export function clusterClient(
  target: Extract<Target, { kind: 'cluster' }>,
  requestTimeoutMs = 10_000,
): ClusterClient {
  const kc = new KubeConfig();
  if (target.kubeconfig) {
    if (!existsSync(target.kubeconfig))
      throw new InputError(`kubeconfig ${target.kubeconfig} does not exist`, [
        { field: 'stackpilot:target.kubeconfig', message: 'point it at an existing file' },
      ]);
    kc.loadFromFile(target.kubeconfig);
  } else {
    kc.loadFromDefault();
  }
  if (!kc.getContextObject(target.context)) {
    const known = kc.getContexts().map((c) => c.name);
    throw new InputError(`kube context ${target.context} is not in the kubeconfig`, [
      {
        field: 'stackpilot:target.context',
        message: known.length
          ? `known contexts: ${known.join(', ')}`
          : 'the kubeconfig has no contexts',
      },
    ]);
  }
  kc.setCurrentContext(target.context);
  return {
    kc,
    label: `${target.context} (${kc.getCurrentCluster()?.server ?? '?'})`,
    requestTimeoutMs,
  };
}

/** The API server is unreachable or refused a request the checks need. */
export class ClusterUnreachableError extends InputError {}

/** Runs one request with the client's time limit; a failure names what was asked and why. */
export async function bounded<T>(
  client: ClusterClient,
  what: string,
  fn: () => Promise<T>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ClusterUnreachableError(
            `${client.label}: ${what} got no answer within ${client.requestTimeoutMs} ms`,
          ),
        ),
      client.requestTimeoutMs,
    );
  });
  try {
    return await Promise.race([fn(), timeout]);
  } catch (err) {
    if (err instanceof ClusterUnreachableError) throw err;
    const status = statusCode(err);
    if (status === 401 || status === 403)
      throw new ClusterUnreachableError(
        `${client.label}: ${what} was refused (${status}): the kubeconfig's credentials may not read it`,
      );
    if (status === undefined)
      throw new ClusterUnreachableError(`${client.label}: ${what} failed: ${causeOf(err)}`);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** The HTTP status of a client-node error, when it has one. */
export function statusCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * The message of the Kubernetes `Status` a client-node error carries (`secrets is forbidden:
 * User "x" cannot list …`), cut to 240 characters; undefined when the body holds none. Only the
 * Status message is taken: a body is never quoted whole.
 */
export function statusMessage(err: unknown): string | undefined {
  const body = (err as { body?: unknown } | null)?.body;
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  const message = (parsed as { kind?: unknown; message?: unknown } | null)?.message;
  if (typeof message !== 'string' || !message) return undefined;
  return message.length > 240 ? `${message.slice(0, 239)}…` : message;
}

function causeOf(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}
