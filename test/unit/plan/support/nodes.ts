/** Small builders for hand-made plan nodes in tests. */
import type { ContainerEnv, PodTemplate } from '../../../../src/model/plan';

/** A restricted pod template with one container reading `env`. */
export function podTemplate(name: string, env: ContainerEnv[]): PodTemplate {
  return {
    labels: { app: name },
    annotations: {},
    serviceAccount: name,
    automountServiceAccountToken: false,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      fsGroup: 10001,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: [
      {
        name,
        image: `registry.test/${name}:1.0.0`,
        ports: [],
        env,
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
        probes: {},
        securityContext: {
          runAsNonRoot: true,
          runAsUser: 10001,
          runAsGroup: 10001,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          privileged: false,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        },
        volumeMounts: [],
      },
    ],
    initContainers: [],
    volumes: [],
    topologySpread: [],
    terminationGracePeriodSeconds: 30,
    restartPolicy: 'Always',
  };
}
