/**
 * The one place that classifies Pulumi's errors into stackpilot's own types. Nothing else
 * in the code base looks at the engine's error text.
 */
import { CommandError, ConcurrentUpdateError, StackNotFoundError } from '@pulumi/pulumi/automation';
import {
  ConflictError,
  EngineError,
  InputError,
  NotFoundError,
  StackLockedError,
  StackpilotError,
  type LockHolder,
} from '../model/errors';
import { redact } from './redact';

/** Which stack the failed call was about, for the messages. */
export interface ErrorContext {
  project: string;
  environment: string;
  /** Values that must never leave the engine layer (secret config values). */
  secrets?: readonly string[];
  /** Reads who holds the stack's lock, for a locked outcome. */
  lockHolders?: () => LockHolder[];
}

/** Maps any error thrown by the Automation API to a StackpilotError. */
export function classifyEngineError(err: unknown, ctx: ErrorContext): StackpilotError {
  if (err instanceof StackpilotError) return err;
  const stack = `${ctx.project}/${ctx.environment}`;
  const text = redact(err instanceof Error ? err.message : String(err), ctx.secrets ?? []);
  if (err instanceof ConcurrentUpdateError || /currently locked by|\[409\] Conflict/.test(text)) {
    const holders = ctx.lockHolders?.() ?? [];
    const who = holders.map(
      (h) => `${h.user ?? '?'}@${h.host ?? '?'} (pid ${h.pid ?? '?'}, since ${h.since ?? '?'})`,
    );
    return new StackLockedError(
      `stack ${stack} is locked by another update${who.length ? `: ${who.join(', ')}` : ''}; wait for it, or run recover if its holder is gone`,
      holders,
    );
  }
  if (err instanceof StackNotFoundError || /no stack named .* found/.test(text)) {
    return new NotFoundError(`stack ${stack} does not exist yet: run a preview or up first`);
  }
  if (/violates plan|plan for .* does not match|constraint violated by plan/i.test(text)) {
    return new ConflictError(
      `what ${stack} would apply differs from the approved preview; preview again and get a new approval`,
      'plan_mismatch',
    );
  }
  const missing = [...text.matchAll(/Missing required configuration variable '([^']+)'/g)].map(
    (m) => m[1],
  );
  if (missing.length) {
    return new InputError(
      `stack ${stack} is missing configuration`,
      missing.map((key) => ({ field: key, message: 'not set (use `stackpilot secrets set`)' })),
    );
  }
  if (/incorrect passphrase|passphrase must be set/i.test(text)) {
    return new InputError(
      `the secrets passphrase does not open stack ${stack}: check PULUMI_CONFIG_PASSPHRASE or the state directory's passphrase file`,
    );
  }
  const diagnostics = diagnosticLines(text);
  const first = diagnostics[0] ?? 'the Pulumi engine failed';
  return new EngineError(
    `${stack}: ${first}`,
    diagnostics,
    err instanceof CommandError ? 'engine_failed' : 'engine_error',
  );
}

/** The engine's `error:` lines, de-duplicated, without the CLI's boilerplate. */
function diagnosticLines(text: string): string[] {
  const all = text.split('\n').map((l) => l.trim());
  // A provider's multi-error ("2 errors occurred:") lists its causes as bullets below it.
  const lines = all
    .filter(
      (l, i) =>
        /^error:/i.test(l) ||
        /^\s*(kubernetes|random|pulumi):.*error/i.test(l) ||
        (/^\*\s/.test(l) && all.slice(0, i).some((p) => /errors? occurred:$/.test(p))),
    )
    .map((l) => l.replace(/^error:\s*/i, '').replace(/^\*\s+/, ''));
  // The engine's own summary lines ("update failed") say less than the resource errors.
  const generic = (l: string) =>
    /^update failed$|\*\*failed\*\*|running error: update failed|^\d+ errors? occurred:$/.test(
      l.replace(/^.*?: (?=\d+ errors? occurred)/, ''),
    );
  const specific = lines.filter((l) => !generic(l));
  return [...new Set(specific.length ? specific : lines)].slice(0, 20);
}
