/**
 * crane against a test registry: credentials come from the registry's DOCKER_CONFIG through
 * the environment (never argv), and runs are asynchronous so in-process servers keep serving.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestRegistry } from './server';
import { tarOf } from './tar';
import { imageTool } from './tools';

/** Runs `crane ARGS --insecure` with the registry's credentials; resolves with its stdout. */
export function crane(registry: TestRegistry, args: string[], timeoutMs = 60_000): Promise<string> {
  const bin = imageTool('crane');
  const env = { ...process.env, DOCKER_CONFIG: registry.dockerConfig };
  return new Promise((resolve, reject) => {
    execFile(
      bin,
      [...args, '--insecure'],
      { env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err)
          reject(new Error(`crane ${args.join(' ')} failed: ${err.message}\n${stderr}`.trimEnd()));
        else resolve(stdout);
      },
    );
  });
}

/** The default content of a scratch image: one small file. */
export const SCRATCH_FILES: Readonly<Record<string, string>> = {
  'hello.txt': 'hello from stackpilot\n',
};

/**
 * Pushes a FROM-scratch image of one layer holding `files` to `host/repository:tag` and
 * resolves with its manifest digest (`sha256:…`) as the registry reports it.
 */
export async function pushScratchImage(
  registry: TestRegistry,
  repository: string,
  tag: string,
  files: Record<string, string> = SCRATCH_FILES,
): Promise<string> {
  const ref = `${registry.host}/${repository}:${tag}`;
  const work = mkdtempSync(join(tmpdir(), 'stackpilot-layer-'));
  try {
    const layer = join(work, 'layer.tar');
    writeFileSync(layer, tarOf(files));
    await crane(registry, ['append', '-f', layer, '-t', ref]);
    const digest = (await crane(registry, ['digest', ref])).trim();
    if (!/^sha256:[0-9a-f]{64}$/.test(digest))
      throw new Error(`crane digest ${ref} gave no digest: ${JSON.stringify(digest)}`);
    return digest;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
