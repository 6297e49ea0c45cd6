/**
 * The Job that builds one image inside the target cluster, for machines without a builder:
 * an init container fetches the build context (a registry blob, see `blob-upload.ts`) into an
 * emptyDir, and Kaniko builds it and pushes the image, writing the pushed digest to its
 * termination message so that the Job's pod status carries it back. Pure.
 */
import type { V1Job } from '@kubernetes/client-node';
import { ARCHIVE_DOCKERFILE } from './context-archive';

/** The images the Job runs; `STACKPILOT_KANIKO_IMAGE` / `STACKPILOT_FETCH_IMAGE` replace them (mirrors). */
export const KANIKO_IMAGE = 'gcr.io/kaniko-project/executor:v1.23.2';
export const FETCH_IMAGE = 'busybox:1.36.1';

/** Everything one in-cluster build needs. */
export interface KanikoBuild {
  name: string;
  namespace: string;
  component: string;
  image: string;
  /** URL of the context blob, fetched anonymously from inside the cluster. */
  contextUrl: string;
  buildArgs: Record<string, string>;
  push: boolean;
  /** Plain-HTTP registry (loopback): Kaniko pushes and pulls without TLS. */
  insecure: boolean;
  /** A `kubernetes.io/dockerconfigjson` Secret with push credentials, mounted for Kaniko. */
  pushSecret?: string;
  deadlineSeconds: number;
  kanikoImage?: string;
  fetchImage?: string;
}

/** The label every build Job and its pod carry, with the component's name. */
export const BUILD_LABEL = 'stackpilot.dev/build';

/** The Job of `b`. */
export function kanikoJob(b: KanikoBuild): V1Job {
  const labels = { 'app.kubernetes.io/managed-by': 'stackpilot', [BUILD_LABEL]: b.component };
  const args = [
    '--context=dir:///workspace',
    `--dockerfile=/workspace/${ARCHIVE_DOCKERFILE}`,
    b.push ? `--destination=${b.image}` : '--no-push',
    '--digest-file=/dev/termination-log',
    ...Object.keys(b.buildArgs)
      .sort()
      .map((k) => `--build-arg=${k}=${b.buildArgs[k]}`),
    ...(b.insecure ? ['--insecure', '--insecure-pull'] : []),
  ];
  const workspace = { name: 'workspace', mountPath: '/workspace' };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: b.name, namespace: b.namespace, labels },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: b.deadlineSeconds,
      ttlSecondsAfterFinished: 600,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          initContainers: [
            {
              name: 'context',
              image: b.fetchImage ?? FETCH_IMAGE,
              command: [
                'sh',
                '-c',
                'wget -q -O /tmp/context.tar.gz "$CONTEXT_URL" && tar -xzf /tmp/context.tar.gz -C /workspace',
              ],
              env: [{ name: 'CONTEXT_URL', value: b.contextUrl }],
              volumeMounts: [workspace],
              resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
            },
          ],
          containers: [
            {
              name: 'kaniko',
              image: b.kanikoImage ?? KANIKO_IMAGE,
              args,
              terminationMessagePolicy: 'File',
              volumeMounts: [
                workspace,
                ...(b.pushSecret ? [{ name: 'docker-config', mountPath: '/kaniko/.docker' }] : []),
              ],
              resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '4Gi' } },
            },
          ],
          volumes: [
            { name: 'workspace', emptyDir: {} },
            ...(b.pushSecret
              ? [
                  {
                    name: 'docker-config',
                    secret: {
                      secretName: b.pushSecret,
                      items: [{ key: '.dockerconfigjson', path: 'config.json' }],
                    },
                  },
                ]
              : []),
          ],
        },
      },
    },
  };
}
