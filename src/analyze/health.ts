/** Which HTTP paths are health (liveness) or readiness endpoints, by the usual names. */
import { PRIORITY, type Draft } from './draft';
import { compareStrings } from './paths';

const HEALTH = /(^|\/)(healthz?|livez?|liveness|ping|_health|heartbeat|health\/live)$/;
const READY = /(^|\/)(readyz?|readiness|health\/ready)$/;

/** Normalises a route (`/healthz/` → `/healthz`) and classifies it, or returns `undefined`. */
export function healthRole(path: string): 'health' | 'ready' | undefined {
  const p = path.length > 1 ? path.replace(/\/+$/, '') : path;
  if (READY.test(p)) return 'ready';
  if (HEALTH.test(p)) return 'health';
  return undefined;
}

/** Path of an HTTP URL inside a healthcheck command (`curl -f http://localhost:8000/healthz`). */
export function pathFromHealthcheck(cmd: string): string | undefined {
  const m = /https?:\/\/[^/\s"']+(\/[^\s"'|;&]*)/.exec(cmd);
  return m?.[1];
}

/** Claims health and readiness paths from the routes a detector found (shortest path first). */
export function applyHealthRoutes(d: Draft): void {
  const sorted = [...d.routes].sort(
    (a, b) => a.path.length - b.path.length || compareStrings(a.path, b.path),
  );
  const health = sorted.find((r) => healthRole(r.path) === 'health');
  const ready = sorted.find((r) => healthRole(r.path) === 'ready');
  if (health) d.claim('healthPath', health.path, PRIORITY.code, health.loc);
  if (ready) d.claim('readinessPath', ready.path, PRIORITY.code, ready.loc);
}
