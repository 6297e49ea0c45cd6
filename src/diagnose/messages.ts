/**
 * The one place that reads meaning out of message text: kubelet and scheduler event messages,
 * container state messages, and application log lines. Everything else asks these functions.
 */

/** Why an image pull failed. */
export type PullFailure = 'not-found' | 'unauthorized' | 'unknown-host' | 'invalid-name' | 'other';

/** Classifies an ErrImagePull / ImagePullBackOff message or a `Failed` pull event. */
export function pullFailure(message: string): PullFailure {
  if (/invalid reference format|InvalidImageName|couldn't parse image/i.test(message))
    return 'invalid-name';
  if (/unauthorized|authentication required|denied|forbidden|401|403/i.test(message))
    return 'unauthorized';
  if (/no such host|name unknown|server misbehaving|dial tcp: lookup/i.test(message))
    return 'unknown-host';
  if (/manifest unknown|not found|manifest for .* not found|404/i.test(message)) return 'not-found';
  return 'other';
}

/** The registry host of an image reference (`ghcr.io`, `localhost:5000`; `docker.io` when it names none). */
export function registryOf(image: string): string {
  const first = image.split('/')[0] ?? '';
  return image.includes('/') && (/[.:]/.test(first) || first === 'localhost') ? first : 'docker.io';
}

const ENV_NAME = '([A-Z][A-Z0-9_]*[A-Z0-9])';
const MISSING_ENV: RegExp[] = [
  new RegExp(`KeyError: ['"]${ENV_NAME}['"]`),
  new RegExp(
    `environment variable ['"\`]?${ENV_NAME}['"\`]? (?:is )?(?:not set|missing|required|undefined)`,
    'i',
  ),
  new RegExp(
    `missing (?:required )?(?:env(?:ironment)?(?: var(?:iable)?)?)[: ]+['"\`]?${ENV_NAME}`,
    'i',
  ),
  new RegExp(
    `(?:env(?:ironment)? var(?:iable)?|config) ['"\`]?${ENV_NAME}['"\`]? (?:is )?(?:not set|missing|required)`,
    'i',
  ),
  new RegExp(`\\b${ENV_NAME} (?:is not defined|is not set|must be set|is required)`),
];

/** The env var a log names as missing (`KeyError: 'DATABASE_URL'`, `Missing required env X`), newest line first. */
export function missingEnvVar(lines: string[]): string | undefined {
  for (const line of [...lines].reverse()) {
    for (const re of MISSING_ENV) {
      const m = re.exec(line);
      if (m?.[1]) return m[1];
    }
  }
  return undefined;
}

/** The port a log line says the app listens on (`listening on :8000`, `Uvicorn running on http://0.0.0.0:8000`). */
export function listeningPort(lines: string[]): number | undefined {
  const re =
    /(?:listening (?:on|at)|running on|serving on|started server on|ready on|bound to|bind(?:ing)? to)\b[^\d]*?(?:[\w.[\]-]*:)?(\d{2,5})\b/i;
  for (const line of [...lines].reverse()) {
    const m = re.exec(line);
    if (m?.[1]) return Number(m[1]);
  }
  return undefined;
}

/** The port a probe or connection message was refused on (`dial tcp 10.1.2.3:8080: connect: connection refused`). */
export function refusedPort(message: string): number | undefined {
  if (!/connection refused/i.test(message)) return undefined;
  const m =
    /:(\d{2,5})(?:\/[^\s"]*)?"?:? .*connection refused|:(\d{2,5}): connect: connection refused/i.exec(
      message,
    );
  const port = m?.[1] ?? m?.[2];
  return port ? Number(port) : undefined;
}

/** The HTTP status a failed HTTP probe got (`HTTP probe failed with statuscode: 404`). */
export function probeStatus(message: string): number | undefined {
  const m = /statuscode: (\d{3})/i.exec(message);
  return m?.[1] ? Number(m[1]) : undefined;
}

/** Which probe an `Unhealthy` event is about. */
export function probeOf(message: string): 'readiness' | 'liveness' | 'startup' | undefined {
  const m = /^(Readiness|Liveness|Startup) probe/i.exec(message);
  return m?.[1] ? (m[1].toLowerCase() as 'readiness' | 'liveness' | 'startup') : undefined;
}

/** What a FailedScheduling message says kept the pod off every node. */
export interface SchedulingFailure {
  insufficient: ('cpu' | 'memory' | 'ephemeral-storage' | 'pods')[];
  /** Taints as the scheduler printed them (`node-role.kubernetes.io/control-plane: `); since 1.34 it names none. */
  taints: string[];
  /** Whether nodes had taints the pod does not tolerate, named or not. */
  untolerated: boolean;
  spread: boolean;
  unboundClaims: boolean;
  affinity: boolean;
}

/** Parses a FailedScheduling message (`0/3 nodes are available: 3 Insufficient memory. …`). */
export function schedulingFailure(message: string): SchedulingFailure {
  const insufficient = (['cpu', 'memory', 'ephemeral-storage', 'pods'] as const).filter((r) =>
    new RegExp(`Insufficient ${r}\\b`, 'i').test(message),
  );
  const taints = [...message.matchAll(/untolerated taint(?:\(s\))?\s*\{([^}]*)\}/gi)]
    .map((m) => (m[1] ?? '').trim().replace(/:\s*$/, '').replace(/: /, '='))
    .filter((t, i, all) => all.indexOf(t) === i)
    .sort();
  return {
    insufficient: [...insufficient],
    taints,
    untolerated: /untolerated taint/i.test(message),
    spread: /topology spread constraint/i.test(message),
    unboundClaims: /unbound (?:immediate )?PersistentVolumeClaims|has unbound claims/i.test(
      message,
    ),
    affinity: /node affinity|node selector|affinity\/selector/i.test(message),
  };
}

/** A Secret or ConfigMap (and key) a CreateContainerConfigError message says is missing. */
export interface MissingConfig {
  kind: 'Secret' | 'ConfigMap';
  name: string;
  key?: string;
}

/** Parses `secret "api" not found`, `couldn't find key K in Secret ns/api`, and the ConfigMap forms. */
export function missingConfig(message: string): MissingConfig | undefined {
  const key = /couldn't find key (\S+) in (Secret|ConfigMap) (?:[^/\s]+\/)?(\S+)/i.exec(message);
  if (key?.[1] && key[2] && key[3]) return { kind: kindOf(key[2]), name: key[3], key: key[1] };
  const obj = /(secret|configmap)s? "([^"]+)" not found/i.exec(message);
  if (obj?.[1] && obj[2]) return { kind: kindOf(obj[1]), name: obj[2] };
  return undefined;
}

function kindOf(word: string): 'Secret' | 'ConfigMap' {
  return word.toLowerCase() === 'secret' ? 'Secret' : 'ConfigMap';
}

/** Why a claim is Pending, from its events. */
export type ClaimProblem =
  'class-missing' | 'no-class' | 'no-volume' | 'waiting-for-consumer' | 'other';

/** Classifies a PersistentVolumeClaim event message. */
export function claimProblem(message: string): ClaimProblem {
  if (/waiting for first consumer/i.test(message)) return 'waiting-for-consumer';
  if (/storageclass[.\w]* "[^"]+" not found/i.test(message)) return 'class-missing';
  if (/no storage class is set/i.test(message)) return 'no-class';
  if (/no persistent volumes available/i.test(message)) return 'no-volume';
  return 'other';
}

/** Whether an autoscaler message says the resource metrics API is not there. */
export function noMetricsApi(message: string): boolean {
  return /metrics\.k8s\.io|resource metrics API|unable to get metrics|no metrics returned|did not receive metrics/i.test(
    message,
  );
}

/** The ReplicaSet a ProgressDeadlineExceeded message names (`ReplicaSet "api-7d9f" has timed out progressing.`). */
export function timedOutReplicaSet(message: string): string | undefined {
  return /ReplicaSet "([^"]+)" has timed out progressing/.exec(message)?.[1];
}

/** Whether log lines say the database could not be reached or refused the credentials. */
export function databaseFailure(lines: string[]): boolean {
  return lines.some((l) =>
    /password authentication failed|could not translate host name|could not connect to server|connection to server at .* failed|OperationalError|ECONNREFUSED.*:5432|database .* does not exist|DATABASE_URL/i.test(
      l,
    ),
  );
}

/** A health-like path the app's access log answered with 2xx (`"GET /healthz HTTP/1.1" 200`). */
export function servedHealthPath(lines: string[]): string | undefined {
  const re =
    /"?GET (\/(?:[\w-]+\/)*(?:health|healthz|healthcheck|ready|readyz|livez|live|ping|status|_health)\b[\w/-]*)(?:\?\S*)?(?: HTTP\/[\d.]+)?"?\s+(?:-\s+)?(2\d\d)\b/i;
  for (const line of [...lines].reverse()) {
    const m = re.exec(line);
    if (m?.[1]) return m[1];
  }
  return undefined;
}

/** Whether a probe failure message is a timeout (`context deadline exceeded`, `Client.Timeout`). */
export function probeTimedOut(message: string): boolean {
  return /deadline exceeded|Client\.Timeout|timeout|i\/o timeout/i.test(message);
}
