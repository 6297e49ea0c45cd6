/**
 * `stackpilot gate`: the CI side of an approval gate, over the server's HTTP API. It requests
 * a preview (with `--app-dir`, analyzing the repository here, on the runner, and having the
 * server plan that analysis first: see `gate-plan.ts`), prints its summary, waits for the
 * approval up to a timeout (environments without an approval requirement skip the wait), then
 * triggers the deployment and follows its events to the end.
 */
import { Api, sleep, type Json } from './gate-api';
import { resolvePlan } from './gate-plan';

/** Exit codes of `stackpilot gate`, documented in its `--help` (GATE_EXIT_HELP). */
export const GateExit = {
  /** Approved (or no approval needed) and deployed. */
  deployed: 0,
  /** Anything else went wrong: bad arguments, the server refused, the preview failed. */
  error: 1,
  /** The preview was rejected. */
  rejected: 2,
  /** No decision came before the timeout. */
  timedOut: 3,
  /** The deployment ran and failed (it may have rolled back). */
  deployFailed: 4,
} as const;
export type GateExit = (typeof GateExit)[keyof typeof GateExit];

export const GATE_EXIT_HELP = `Exit codes:
  0  approved (or no approval needed) and deployed
  1  error: bad arguments, request refused, preview failed, server unreachable
  2  the preview was rejected
  3  timed out waiting for an approval
  4  the deployment failed (and may have been rolled back)`;

export interface GateOptions {
  /** Server base URL, e.g. `http://127.0.0.1:7070`. */
  server: string;
  /** Bearer token (deployer or higher). Never printed. */
  token: string;
  /** Environment to deploy to. */
  env: string;
  /** A plan made earlier (id or hash); or give `appDir`. */
  planId?: string;
  /**
   * Repository directory on this machine (the CI runner's checkout): analyzed here, and its
   * AppModel planned by the server (`POST /v1/plans` with `app`). The server never reads it.
   */
  appDir?: string;
  /**
   * Ids of the user skills the repository's skills file declares, sent with the AppModel (the
   * server runs its own skills of those ids, if it allows them). Default none.
   */
  declaredSkills?: () => readonly string[];
  /** How long to wait for a decision, in seconds. */
  timeoutSeconds: number;
  /** Interval between status polls. Default 5 seconds. */
  pollSeconds?: number;
  /** Receives each line of output. */
  out: (line: string) => void;
  /** HTTP client. Default the global fetch. */
  fetch?: typeof fetch;
  /** Time seam for the approval wait (tests): the clock in ms and a sleep. Default real time. */
  time?: { now(): number; sleep(ms: number): Promise<void> };
}

const FINAL = new Set(['succeeded', 'failed', 'interrupted', 'rejected']);

/** Runs the gate; never throws: every outcome is an exit code, with what happened in `out`. */
export async function runGate(options: GateOptions): Promise<GateExit> {
  const api = new Api(options);
  const out = options.out;
  const pollMs = (options.pollSeconds ?? 5) * 1000;
  try {
    const planId = await resolvePlan(api, options);
    if (!planId) return GateExit.error;

    const { operationId: previewId } = await api.post<{ operationId: string }>(
      `/v1/stacks/${encodeURIComponent(options.env)}/previews`,
      { planId },
    );
    out(`preview ${previewId} requested on ${options.env}`);
    const preview = await pollUntilFinal(api, previewId, pollMs);
    if (preview.status !== 'succeeded') {
      out(`preview ${previewId} ${String(preview.status)}: ${problemText(preview.error)}`);
      return GateExit.error;
    }
    for (const line of previewSummary(preview)) out(line);

    const approval = preview.approval as { required?: boolean } | undefined;
    if (approval?.required) {
      const waited = await waitForDecision(api, previewId, options, pollMs);
      if (waited !== 'approved') return waited;
    } else {
      out(`${options.env} needs no approval`);
    }

    const up = await api.post<{ operationId: string }>(
      `/v1/stacks/${encodeURIComponent(options.env)}/deployments`,
      { planId, previewOperationId: previewId },
    );
    out(`deployment ${up.operationId} started`);
    await followEvents(api, up.operationId, out, pollMs);
    const final = await api.get<Json>(`/v1/operations/${up.operationId}`);
    if (final.status === 'succeeded') {
      const result = final.result as { version?: number } | undefined;
      out(
        `deployed ${options.env}${result?.version !== undefined ? ` (version ${result.version})` : ''}`,
      );
      return GateExit.deployed;
    }
    out(`deployment ${up.operationId} ${String(final.status)}: ${problemText(final.error)}`);
    return GateExit.deployFailed;
  } catch (err) {
    out(`error: ${err instanceof Error ? err.message : String(err)}`);
    return GateExit.error;
  }
}

/** Lines summing up a preview: the changes per kind and the warnings. */
function previewSummary(preview: Json): string[] {
  const result = (preview.result ?? {}) as {
    changes?: Record<string, number>;
    steps?: { op: string; type: string; name: string }[];
    warnings?: string[];
  };
  const changes = Object.entries(result.changes ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([op, n]) => `${n} ${op}`);
  const lines = [`preview: ${changes.length ? changes.join(', ') : 'no changes'}`];
  for (const s of result.steps ?? [])
    if (s.op !== 'same') lines.push(`  ${s.op} ${s.type} ${s.name}`);
  for (const w of result.warnings ?? []) lines.push(`warning: ${w}`);
  return lines;
}

/** Polls the preview's approval state until a decision or the timeout. */
async function waitForDecision(
  api: Api,
  previewId: string,
  options: GateOptions,
  pollMs: number,
): Promise<'approved' | GateExit> {
  const time = options.time ?? { now: () => Date.now(), sleep };
  const deadline = time.now() + options.timeoutSeconds * 1000;
  options.out(
    `waiting up to ${options.timeoutSeconds}s for an approval of preview ${previewId} ` +
      `(POST /v1/approvals {"previewOperationId":"${previewId}","decision":"approve"})`,
  );
  for (;;) {
    const op = await api.get<Json>(`/v1/operations/${previewId}`);
    const approval = (op.approval ?? {}) as {
      state?: string;
      decision?: { approver?: string; comment?: string };
    };
    const by = approval.decision?.approver ?? 'someone';
    const why = approval.decision?.comment ? `: ${approval.decision.comment}` : '';
    switch (approval.state) {
      case 'approved':
        options.out(`approved by ${by}${why}`);
        return 'approved';
      case 'rejected':
        options.out(`rejected by ${by}${why}`);
        return GateExit.rejected;
      case 'expired':
      case 'used':
        options.out(`the approval of preview ${previewId} is ${approval.state}`);
        return GateExit.error;
    }
    const left = deadline - time.now();
    if (left <= 0) {
      options.out(`timed out after ${options.timeoutSeconds}s waiting for an approval`);
      return GateExit.timedOut;
    }
    await time.sleep(Math.min(pollMs, left));
  }
}

/**
 * Prints an operation's events as they happen, from its SSE stream (resuming with
 * Last-Event-ID if the connection drops); falls back to polling when streaming fails.
 */
async function followEvents(
  api: Api,
  operationId: string,
  out: (line: string) => void,
  pollMs: number,
): Promise<void> {
  let lastId = 0;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const ended = await api.stream(`/v1/operations/${operationId}/events`, lastId, (id, data) => {
        lastId = id;
        const line = eventLine(data);
        if (line) out(line);
      });
      if (ended) return;
    } catch {
      // The stream broke: reconnect from the last event, or poll after a few tries.
    }
  }
  await pollUntilFinal(api, operationId, pollMs);
}

/** One line for an event worth showing: finished steps, warnings and errors, the summary. */
function eventLine(data: unknown): string | undefined {
  const e = (data as { event?: Json }).event ?? {};
  switch (e.kind) {
    case 'step-done':
      return `  ${String(e.op)} ${String(e.type)} ${String(e.name)}`;
    case 'step-failed':
      return `  FAILED ${String(e.op)} ${String(e.type)} ${String(e.name)}`;
    case 'diagnostic':
      return e.severity === 'warning' || e.severity === 'error'
        ? `  ${String(e.severity)}: ${String(e.message)}`
        : undefined;
    case 'summary':
      return `  summary: ${Object.entries((e.changes ?? {}) as Record<string, number>)
        .map(([op, n]) => `${n} ${op}`)
        .join(', ')}`;
    default:
      return undefined;
  }
}

async function pollUntilFinal(api: Api, operationId: string, pollMs: number): Promise<Json> {
  for (;;) {
    const op = await api.get<Json>(`/v1/operations/${operationId}`);
    if (FINAL.has(String(op.status))) return op;
    await sleep(pollMs);
  }
}

function problemText(problem: unknown): string {
  const p = (problem ?? {}) as Json;
  return typeof p.detail === 'string' ? p.detail : 'no details';
}
