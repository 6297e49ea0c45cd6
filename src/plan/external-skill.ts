/**
 * External skills: any executable that reads the skill input as JSON on stdin and writes
 * its contribution as JSON on stdout. The orchestrator validates that contribution with
 * the same schema as a built-in skill's. A skill that fails, writes garbage or runs past
 * its time limit gives a `SkillError` naming it; a slow one is killed, never waited on.
 */
import { spawn } from 'node:child_process';
import { z } from 'zod';
import { SkillError } from '../model/errors';
import type { Skill, SkillContribution, SkillInput } from './skill';

/** How to run an external skill. */
export const ExternalSkillSpecSchema = z.strictObject({
  /** Unique skill id, lowercase with dashes. */
  id: z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/),
  /** Skills whose output it reads. Default none. */
  needs: z.array(z.string()).default([]),
  /** Executable path or name on PATH. */
  command: z.string().min(1),
  /** Arguments. Default none. */
  args: z.array(z.string()).default([]),
  /** Time limit in milliseconds; the process is killed when it is exceeded. Default 10000. */
  timeoutMs: z.number().int().min(1).default(10_000),
  /** One sentence for `--help` and the report. Default: the command line. */
  description: z.string().optional(),
  /** Working directory. Default: the current one. */
  cwd: z.string().optional(),
});
export type ExternalSkillSpec = z.input<typeof ExternalSkillSpecSchema>;

/** Largest stdout accepted, so that a runaway skill cannot exhaust memory. */
const MAX_OUTPUT_BYTES = 32 * 1024 * 1024;
/** Environment passed through: enough to find interpreters, nothing that may hold a credential. */
const PASSED_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TMPDIR', 'SYSTEMROOT'];

/** Starts the time limit: calls `onTimeout` after `ms`; returns what cancels it. */
export type SkillTimer = (ms: number, onTimeout: () => void) => () => void;

const realTimer: SkillTimer = (ms, onTimeout) => {
  const t = setTimeout(onTimeout, ms);
  return () => clearTimeout(t);
};

/** Turns an external skill spec into a skill. Throws `SkillError` on an invalid spec. */
export function externalSkill(spec: ExternalSkillSpec): Skill {
  return externalSkillTimed(spec, realTimer);
}

/** {@link externalSkill} with the time limit started by `timer`: a seam for tests. */
export function externalSkillTimed(spec: ExternalSkillSpec, timer: SkillTimer): Skill {
  const parsed = ExternalSkillSpecSchema.safeParse(spec);
  if (!parsed.success)
    throw new SkillError(
      typeof spec.id === 'string' ? spec.id : 'external',
      `invalid external skill spec: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const s = parsed.data;
  return {
    id: s.id,
    needs: s.needs,
    description: s.description ?? `external skill: ${[s.command, ...s.args].join(' ')}`,
    run: (input) => runExternal(s, input, timer),
  };
}

function runExternal(
  s: z.output<typeof ExternalSkillSpecSchema>,
  input: SkillInput,
  timer: SkillTimer,
): Promise<SkillContribution> {
  const env: NodeJS.ProcessEnv = { STACKPILOT_SKILL_ID: s.id };
  for (const key of PASSED_ENV) if (process.env[key] !== undefined) env[key] = process.env[key];
  return new Promise((resolve, reject) => {
    const child = spawn(s.command, s.args, {
      cwd: s.cwd,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      // Own process group, so that a timeout kills the skill and anything it started.
      detached: process.platform !== 'win32',
    });
    const out: Buffer[] = [];
    let outBytes = 0;
    let errTail = '';
    let settled = false;
    const fail = (message: string): void => {
      if (settled) return;
      settled = true;
      cancelTimer();
      kill();
      reject(new SkillError(s.id, message));
    };
    const kill = (): void => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        if (child.pid !== undefined && process.platform !== 'win32')
          process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const cancelTimer = timer(s.timeoutMs, () =>
      fail(`timed out after ${s.timeoutMs} ms and was killed`),
    );
    child.on('error', (err) => fail(`could not start "${s.command}": ${err.message}`));
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > MAX_OUTPUT_BYTES) fail(`wrote more than ${MAX_OUTPUT_BYTES} bytes on stdout`);
      else out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      errTail = (errTail + chunk.toString('utf8')).slice(-2000);
    });
    // A skill may exit without reading its input; that is its business, not a crash here.
    child.stdin.on('error', () => undefined);
    child.on('close', (code, signal) => {
      if (settled) return;
      if (code !== 0) {
        const why = code === null ? `was killed by ${signal}` : `exited with code ${code}`;
        const detail = errTail.trim().split('\n').slice(-5).join(' | ').slice(0, 500);
        fail(detail ? `${why}: ${detail}` : why);
        return;
      }
      const text = Buffer.concat(out).toString('utf8');
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        fail(
          `wrote invalid JSON on stdout (${err instanceof Error ? err.message : String(err)}); ` +
            `expected one SkillContribution object`,
        );
        return;
      }
      settled = true;
      cancelTimer();
      resolve(value as SkillContribution);
    });
    child.stdin.end(JSON.stringify(input));
  });
}
