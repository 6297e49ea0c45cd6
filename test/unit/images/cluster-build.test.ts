import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { podFailure } from '../../../src/images/cluster-build';
import { ARCHIVE_DOCKERFILE, archiveContext } from '../../../src/images/context-archive';
import { KANIKO_IMAGE, kanikoJob } from '../../../src/images/kaniko-job';

describe('in-cluster builds', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sp-ctx-'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'main.py'), 'print("hi")\n');
    writeFileSync(join(dir, 'notes.log'), 'x\n');
    writeFileSync(join(dir, '.env'), 'TOKEN=canary-secret\n');
    writeFileSync(join(dir, '.env.example'), 'TOKEN=\n');
    writeFileSync(join(dir, '.dockerignore'), '*.log\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const list = (bytes: Buffer) => {
    const file = join(dir, '..', `${Math.random()}.tgz`);
    writeFileSync(file, bytes);
    try {
      return execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).trim().split('\n').sort();
    } finally {
      rmSync(file);
    }
  };

  it('archives the context deterministically, without ignored files or .env, with the Dockerfile', () => {
    const a = archiveContext(dir, 'FROM scratch\n');
    const b = archiveContext(dir, 'FROM scratch\n');
    assert.equal(a.digest, b.digest);
    assert.ok(a.bytes.equals(b.bytes));
    assert.deepEqual(
      list(a.bytes),
      ['.dockerignore', '.env.example', ARCHIVE_DOCKERFILE, 'src/main.py'].sort(),
    );
    assert.notEqual(archiveContext(dir, 'FROM scratch\nUSER 1\n').digest, a.digest);
  });

  it('takes .env back when the .dockerignore says so', () => {
    writeFileSync(join(dir, '.dockerignore'), '*.log\n!.env\n');
    assert.ok(list(archiveContext(dir, 'FROM scratch\n').bytes).includes('.env'));
  });

  it('builds a Kaniko Job that pushes exactly the image, with build args and the push secret', () => {
    const job = kanikoJob({
      name: 'build-api-abc',
      namespace: 'stackpilot-builds',
      component: 'api',
      image: 'ghcr.io/acme/app-api:src-1',
      contextUrl: 'https://ghcr.io/v2/acme/app-api/blobs/sha256:00',
      buildArgs: { Z: '1', A: 'two words' },
      push: true,
      insecure: false,
      pushSecret: 'regcred',
      deadlineSeconds: 900,
    });
    const pod = job.spec!.template.spec!;
    const kaniko = pod.containers[0]!;
    assert.equal(kaniko.image, KANIKO_IMAGE);
    assert.deepEqual(kaniko.args, [
      '--context=dir:///workspace',
      `--dockerfile=/workspace/${ARCHIVE_DOCKERFILE}`,
      '--destination=ghcr.io/acme/app-api:src-1',
      '--digest-file=/dev/termination-log',
      '--build-arg=A=two words',
      '--build-arg=Z=1',
    ]);
    assert.equal(job.spec!.backoffLimit, 0);
    assert.equal(pod.restartPolicy, 'Never');
    assert.deepEqual(pod.volumes?.[1]?.secret?.secretName, 'regcred');
    assert.equal(
      pod.initContainers?.[0]?.env?.[0]?.value,
      'https://ghcr.io/v2/acme/app-api/blobs/sha256:00',
    );
    const dry = kanikoJob({
      ...job.metadata!,
      component: 'api',
      image: 'x/y:1',
      contextUrl: 'u',
      buildArgs: {},
      push: false,
      insecure: true,
      deadlineSeconds: 60,
      name: 'n',
      namespace: 'ns',
    });
    assert.ok(dry.spec!.template.spec!.containers[0]!.args!.includes('--no-push'));
    assert.ok(dry.spec!.template.spec!.containers[0]!.args!.includes('--insecure'));
  });

  it('explains a failed build pod from its container statuses', () => {
    const pod = (statuses: object[], init: object[] = []): V1Pod =>
      ({ status: { containerStatuses: statuses, initContainerStatuses: init } }) as V1Pod;
    assert.equal(
      podFailure(
        pod([
          {
            name: 'kaniko',
            state: {
              terminated: { exitCode: 1, reason: 'Error', message: 'COPY failed: missing.txt\n' },
            },
          },
        ]),
      ),
      'container kaniko: Error, exit code 1: COPY failed: missing.txt',
    );
    assert.equal(
      podFailure(
        pod(
          [],
          [
            {
              name: 'context',
              state: { waiting: { reason: 'ImagePullBackOff', message: 'busybox not found' } },
            },
          ],
        ),
      ),
      'container context: ImagePullBackOff: busybox not found',
    );
    assert.equal(podFailure(pod([{ name: 'kaniko', state: { running: {} } }])), undefined);
  });
});
