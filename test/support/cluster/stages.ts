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

/** How a chosen pod fails. */
export type FailureMode = 'exit' | 'image-pull' | 'oom' | 'never-ready';

/** The label that chooses a pod's failure mode. */
export const FAIL_LABEL = 'stackpilot.test/fail';

/** An image whose pods fail with `mode` on the test cluster. */
export function failingImage(mode: FailureMode): string {
  return `registry.stackpilot.test/broken:fail-${mode}`;
}

const CHOSEN = `(.metadata.labels["${FAIL_LABEL}"] // ([.spec.containers[].image | capture(":fail-(?<m>[a-z-]+)$") | .m] | first) // "")`;

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

/** A container that keeps crashing: CrashLoopBackOff after a run that ended with `exitCode`. */
function crashLoop(exitCode: number, reason: string): string {
  return `${conditions(false)}
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
startTime: {{ Now | Quote }}`;
}

const TEMPLATES: Record<FailureMode, string> = {
  exit: crashLoop(1, 'Error'),
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
