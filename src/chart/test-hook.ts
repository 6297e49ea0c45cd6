/**
 * The chart's `helm test` hook: a pod that opens a TCP connection to every port of every
 * enabled Service (and gives up after two minutes), and the two NetworkPolicies that let it through the plan's default-deny
 * (egress from the test pod to the app's pods, ingress to them from the test pod). All three are
 * hooks, so they exist only while `helm test` runs. The pod meets the same rules as the app's
 * own: non-root, read-only root, no capabilities, no service account token, bounded resources.
 */
import { quote, scalarText, stringMapLines } from './emit';

/** A Service's name and ports. */
export interface ServicePorts {
  name: string;
  ports: number[];
}

/**
 * The test hook template of `app`, checking `services`; `podLabels` are the (tokenized) labels
 * every pod of the app carries, which the hook's NetworkPolicies select the app's pods by.
 * No Services, no hook.
 */
export function testHook(
  app: string,
  services: readonly ServicePorts[],
  podLabels: { readonly [key: string]: string },
): string | undefined {
  if (!services.length || !Object.keys(podLabels).length) return undefined;
  const appPods = (indent: number) => stringMapLines({ chart: app }, podLabels, indent).join('\n');
  const part = scalarText(app);
  const name = (suffix: string) =>
    `${app.slice(0, 63 - suffix.length - 1).replace(/-+$/, '')}-${suffix}`;
  /** Metadata of one hook object: its name, the release namespace, labels and hook annotations. */
  const metadata = (suffix: string, weight: string, extraLabel = '') => `metadata:
  name: ${name(suffix)}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "${app}.labels" (dict) | nindent 4 }}${extraLabel}
  annotations:
    helm.sh/hook: test
    helm.sh/hook-weight: "${weight}"
    helm.sh/hook-delete-policy: before-hook-creation`;
  const checks = services.flatMap((s) => [
    `          {{- if (index .Values.services ${quote(s.name)}).enabled }}`,
    ...s.ports.map((p) => `          nc -z -w 5 ${s.name} ${p} && echo "${s.name}:${p} answers"`),
    '          {{- end }}',
  ]);
  const securityContext = `runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001`;
  return `{{- if .Values.tests.enabled }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
${metadata('test-egress', '-1')}
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/component: helm-test
      app.kubernetes.io/part-of: ${part}
  policyTypes:
    - Egress
  egress:
    - to:
        - podSelector:
            matchLabels:
${appPods(14)}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
${metadata('test-ingress', '-1')}
spec:
  podSelector:
    matchLabels:
${appPods(6)}
  policyTypes:
    - Ingress
  ingress:
    - from:
        - podSelector:
            matchLabels:
              app.kubernetes.io/component: helm-test
              app.kubernetes.io/part-of: ${part}
---
apiVersion: v1
kind: Pod
${metadata('test-services', '0', '\n    app.kubernetes.io/component: helm-test')}
spec:
  restartPolicy: Never
  activeDeadlineSeconds: 120
  automountServiceAccountToken: false
  securityContext:
    runAsNonRoot: true
    runAsUser: 10001
    runAsGroup: 10001
    fsGroup: 10001
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: check
      image: {{ include "${app}.image" .Values.tests.image | toJson }}
      imagePullPolicy: Always
      command:
        - sh
        - -c
      args:
        - |
          set -e
${checks.join('\n')}
      resources:
        requests:
          cpu: 10m
          memory: 16Mi
          ephemeral-storage: 16Mi
        limits:
          cpu: 100m
          memory: 32Mi
          ephemeral-storage: 32Mi
      securityContext:
        ${securityContext}
        readOnlyRootFilesystem: true
        allowPrivilegeEscalation: false
        privileged: false
        capabilities:
          drop:
            - ALL
        seccompProfile:
          type: RuntimeDefault
{{- end }}
`;
}
