/**
 * The project's small error hierarchy. Library code throws these; `src/server/problem.ts`
 * maps them to HTTP status once, and the CLI maps them to exit codes once. Pulumi's own
 * errors are classified into these by `src/engine/errors.ts` and nowhere else.
 */

/** One problem with an input, located as precisely as known. */
export interface InputIssue {
  /** File (repository-relative where possible) the problem is in. */
  file?: string;
  /** 1-based line, when known. */
  line?: number;
  /** Dotted field path inside the file or request, e.g. `config.stackpilot:replicas`. */
  field?: string;
  message: string;
}

/** Renders an issue as `file:line field: message`, leaving out what is unknown. */
export function formatIssue(issue: InputIssue): string {
  const where = [
    issue.file && (issue.line ? `${issue.file}:${issue.line}` : issue.file),
    issue.field,
  ]
    .filter(Boolean)
    .join(' ');
  return where ? `${where}: ${issue.message}` : issue.message;
}

/** Base of every error stackpilot raises on purpose. `code` is stable and machine-readable. */
export class StackpilotError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input from a user: a file, a config, a request. Carries every issue found, not only the first. */
export class InputError extends StackpilotError {
  constructor(
    message: string,
    readonly issues: InputIssue[] = [],
    code = 'invalid_input',
  ) {
    super(
      issues.length
        ? `${message}\n${issues.map((i) => `  - ${formatIssue(i)}`).join('\n')}`
        : message,
      code,
    );
  }
}

/**
 * Input that is well formed but cannot be used as it is: an AppModel without components, an
 * uploaded AppModel that carries a secret's value. Still an InputError (the CLI exits with
 * invalid input); the HTTP API answers it with 422 instead of 400.
 */
export class UnusableInputError extends InputError {
  constructor(message: string, issues: InputIssue[] = [], code = 'unusable_input') {
    super(message, issues, code);
  }
}

/** A named thing (environment, plan, operation, stack version) does not exist. */
export class NotFoundError extends StackpilotError {
  constructor(message: string) {
    super(message, 'not_found');
  }
}

/** The operation conflicts with current state: a busy or locked stack, a used approval, a changed plan. */
export class ConflictError extends StackpilotError {
  constructor(message: string, code = 'conflict') {
    super(message, code);
  }
}

/** A plan skill failed, timed out or returned output that breaks the contract. */
export class SkillError extends StackpilotError {
  constructor(
    readonly skill: string,
    message: string,
  ) {
    super(`skill ${skill}: ${message}`, 'skill_failed');
  }
}

/** The Pulumi engine failed; `diagnostics` holds the engine's own messages, scrubbed of secrets. */
export class EngineError extends StackpilotError {
  constructor(
    message: string,
    readonly diagnostics: string[] = [],
    code = 'engine_failed',
  ) {
    super(message, code);
  }
}

/** The caller is not allowed to do this (missing approval, wrong role). */
export class ForbiddenError extends StackpilotError {
  constructor(message: string, code = 'forbidden') {
    super(message, code);
  }
}

/** Who holds a stack lock, as far as the backend tells. */
export interface LockHolder {
  pid?: number;
  host?: string;
  user?: string;
  since?: string;
}

/** Another process holds the stack's lock: an expected outcome the caller reports, with the holders. */
export class StackLockedError extends ConflictError {
  constructor(
    message: string,
    readonly holders: LockHolder[] = [],
  ) {
    super(message, 'stack_locked');
  }
}

/** One failed preflight check against a live cluster: what is missing and what to do. */
export interface PreflightFailure {
  /** Stable id of the check, e.g. `storage`, `ingress-class`, `crd:monitoring.coreos.com/v1`. */
  check: string;
  /** What is wrong, naming the object. */
  message: string;
  /** What to do instead. */
  fix: string;
}

/** The target cluster lacks something the plan needs; nothing was applied. */
export class PreflightError extends ConflictError {
  constructor(
    readonly target: string,
    readonly failures: PreflightFailure[],
  ) {
    super(
      `preflight against ${target} failed; nothing was applied:\n${failures
        .map((f) => `  - ${f.message}: ${f.fix}`)
        .join('\n')}`,
      'preflight_failed',
    );
  }
}
