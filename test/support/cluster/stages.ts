/**
 * kwok stages for the test cluster: kwok's own pod lifecycle (ready, complete, delete) and node
 * stages, with the ready and complete stages taught to leave alone pods chosen to fail, plus
 * one failure stage per {@link FailureMode}. A pod is chosen to fail by the label
 * `stackpilot.test/fail: <mode>`, or by an image whose tag is `fail-<mode>` (see
 * {@link failingImage}): a stack's image override makes that "a new release whose pods fail".
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';

/**
 * How a chosen pod fails: `exit` exits 1, `exit-137` and `exit-143` are killed by SIGKILL and
 * SIGTERM (reason Error, as for a failed liveness probe or a kill from outside), `oom` is
 * OOMKilled (137); each of these crash-loops, or, with `restartPolicy: Never` (a Job's pod),
 * ends Failed with that exit code. `image-pull` waits in ImagePullBackOff, `never-ready` runs
 * and never passes its readiness probe.
 */
export type FailureMode = 'exit' | 'exit-137' | 'exit-143' | 'image-pull' | 'oom' | 'never-ready';

/** The label that chooses a pod's failure mode. */
export const FAIL_LABEL = 'stackpilot.test/fail';

/** An image whose pods fail with `mode` on the test cluster. */
export function failingImage(mode: FailureMode): string {
  return `registry.stackpilot.test/broken:fail-${mode}`;
}

/**
 * An image whose containers need `mebibytes` of memory at their peak: its pods are OOMKilled
 * (mode `oom`) while the container's memory limit is below that, and run like any other once
 * the limit is raised to it, as a real app's would.
 */
export function memoryHungryImage(mebibytes: number): string {
  return `registry.stackpilot.test/hungry:needs-${mebibytes}Mi`;
}

/** A memory limit in MiB (no limit reads as unbounded). */
const LIMIT_MIB = `((.resources.limits.memory // "1Ei") | tostring | capture("^(?<n>[0-9.]+)(?<u>[A-Za-z]*)$") | (.n | tonumber) * ({"": 1, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "Ki": 1024, "Mi": 1048576, "Gi": 1073741824, "Ti": 1099511627776, "Ei": 1.152921504606847e18}[.u] // 1) / 1048576)`;
/** `oom` for a pod with a memory-hungry container whose limit is below its need, else null. */
const HUNGRY = `([.spec.containers[] | select(.image | test(":needs-[0-9]+Mi$")) | select((.image | capture(":needs-(?<n>[0-9]+)Mi$") | .n | tonumber) > ${LIMIT_MIB})] | if length > 0 then "oom" else null end)`;
const CHOSEN = `(.metadata.labels["${FAIL_LABEL}"] // ([.spec.containers[].image | capture(":fail-(?<m>[a-z0-9-]+)$") | .m] | first) // ${HUNGRY} // "")`;

type Doc = Record<string, unknown> & {
  metadata: { name: string };
  spec: { selector: { matchExpressions: unknown[] } };
};

function load(file: string): Doc[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as Doc);
}

const POD_IPS = `podIP: {{ PodIPWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) | Quote }}
hostIP: {{ NodeIPWith .spec.nodeName | Quote }}`;

function containers(state: string, ready: boolean, restarts: number, lastState = ''): string {
  return `containerStatuses:
{{ range .spec.containers }}
- image: {{ .image | Quote }}
  name: {{ .name | Quote }}
  ready: ${ready}
  started: ${ready}
  restartCount: ${restarts}
  state:
${state}
${lastState}
{{ end }}`;
}

function conditions(ready: boolean): string {
  return `conditions:
- lastTransitionTime: {{ Now | Quote }}
  status: "True"
  type: PodScheduled
- lastTransitionTime: {{ Now | Quote }}
  status: "True"
  type: Initialized
- lastTransitionTime: {{ Now | Quote }}
  status: "${ready ? 'True' : 'False'}"
  type: Ready
- lastTransitionTime: {{ Now | Quote }}
  status: "${ready ? 'True' : 'False'}"
  type: ContainersReady`;
}

/**
 * A container that keeps crashing: CrashLoopBackOff after a run that ended with `exitCode`; a
 * pod that is not restarted (`restartPolicy: Never`, as Jobs' pods are) fails instead, which is
 * what the Job controller counts against its backoff limit.
 */
function crashLoop(exitCode: number, reason: string): string {
  return `{{ if eq .spec.restartPolicy "Never" }}
${conditions(false)}
${containers(
  `    terminated:
      exitCode: ${exitCode}
      reason: ${reason}
      startedAt: {{ Now | Quote }}
      finishedAt: {{ Now | Quote }}`,
  false,
  0,
)}
${POD_IPS}
phase: Failed
startTime: {{ Now | Quote }}
{{ else }}
${conditions(false)}
${containers(
  `    waiting:
      reason: CrashLoopBackOff
      message: back-off 40s restarting failed container`,
  false,
  3,
  `  lastState:
    terminated:
      exitCode: ${exitCode}
      reason: ${reason}
      startedAt: {{ Now | Quote }}
      finishedAt: {{ Now | Quote }}`,
)}
${POD_IPS}
phase: Running
startTime: {{ Now | Quote }}
{{ end }}`;
}

const TEMPLATES: Record<FailureMode, string> = {
  exit: crashLoop(1, 'Error'),
  'exit-137': crashLoop(137, 'Error'),
  'exit-143': crashLoop(143, 'Error'),
  oom: crashLoop(137, 'OOMKilled'),
  'image-pull': `${conditions(false)}
${containers(
  `    waiting:
      reason: ImagePullBackOff
      message: 'Back-off pulling image "{{ .image }}": ErrImagePull: failed to pull and unpack image: not found'`,
  false,
  0,
)}
hostIP: {{ NodeIPWith .spec.nodeName | Quote }}
phase: Pending`,
  'never-ready': `${conditions(false)}
${containers(
  `    running:
      startedAt: {{ Now | Quote }}`,
  false,
  0,
)}
${POD_IPS}
phase: Running
startTime: {{ Now | Quote }}`,
};

function failureStage(mode: FailureMode): Doc {
  return {
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'Stage',
    metadata: { name: `stackpilot-test-fail-${mode}` },
    spec: {
      resourceRef: { apiGroup: 'v1', kind: 'Pod' },
      selector: {
        matchExpressions: [
          { key: CHOSEN, operator: 'In', values: [mode] },
          { key: '.metadata.deletionTimestamp', operator: 'DoesNotExist' },
          // Applied once: the stage itself sets a container status.
          { key: '.status.containerStatuses', operator: 'DoesNotExist' },
        ],
      },
      next: { statusTemplate: TEMPLATES[mode] },
    },
  } as Doc;
}

/** The whole stage config (multi-document YAML) from kwok's stage files in `stagesDir`. */
export function stageConfig(stagesDir: string): string {
  const docs: Doc[] = [];
  for (const f of ['node-initialize', 'node-heartbeat', 'pod-delete'])
    docs.push(...load(join(stagesDir, `${f}.yaml`)));
  // Pods chosen to fail never become ready, nor complete.
  for (const f of ['pod-ready', 'pod-complete']) {
    for (const stage of load(join(stagesDir, `${f}.yaml`))) {
      stage.spec.selector.matchExpressions.push({ key: CHOSEN, operator: 'In', values: [''] });
      docs.push(stage);
    }
  }
  for (const mode of Object.keys(TEMPLATES) as FailureMode[]) docs.push(failureStage(mode));
  return docs.map((d) => stringify(d)).join('---\n');
}
