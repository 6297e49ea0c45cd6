/**
 * Checks of an AppModel a client uploads (`POST /v1/plans` with `app`, what `stackpilot gate`
 * sends from a CI runner) beyond its schema and size bounds: it must hold no secret value, as
 * the server's own analysis never does. The analyzer keeps a secret's name, reason and a
 * fingerprint only, redacts secrets inlined in the free text it keeps (commands, healthchecks,
 * evidence notes), and keeps a config variable's value only when it does not look secret. An
 * upload is held to the same rules with the analyzer's own classifier and redaction, so that a
 * value the analyzer would have dropped is refused (422) rather than stored in a plan.
 */
import { classifyEnv, DECLARED_CONFIG_REASON, redactSecrets } from '../analyze/classify-env';
import type { AppModel, Evidence } from '../model/app';
import { UnusableInputError, type InputIssue } from '../model/errors';

/** A host as the analyzer records it: a name or address, maybe a port; no scheme, path or user. */
const HOST = /^[A-Za-z0-9*_.:[\]-]{1,253}$/;

/** Every place an uploaded AppModel carries a secret's value, or text the analyzer would redact. */
export function uploadedValueIssues(app: AppModel, prefix = 'body.app'): InputIssue[] {
  const issues: InputIssue[] = [];
  const at = (path: (string | number)[], message: string) =>
    issues.push({ field: [prefix, ...path].join('.'), message });
  const text = (path: (string | number)[], value: string | undefined, what: string) => {
    if (value !== undefined && redactSecrets(value) !== value)
      at(path, `${what} holds what looks like a secret value; the analyzer redacts it`);
  };
  const evidence = (path: (string | number)[], list: Evidence[], owner: string) =>
    list.forEach((e, k) => text([...path, k, 'note'], e.note, `evidence note of ${owner}`));
  const targets = new Set([
    ...app.components.map((c) => c.name),
    ...app.externalServices.map((s) => s.id),
  ]);

  app.components.forEach((c, i) => {
    const base = ['components', i];
    c.env.forEach((v, j) => {
      const env = [...base, 'env', j];
      const who = `component ${c.name}: ${v.classification} variable ${v.name}`;
      if (v.classification === 'secret' && v.defaultValue !== undefined)
        at(
          [...env, 'defaultValue'],
          `${who} carries a value; a secret travels by name only: give its value to the server (its STACKPILOT_SECRET_* environment or the stack's secrets), never in the upload`,
        );
      if (
        v.classification === 'config' &&
        v.defaultValue !== undefined &&
        v.reason !== DECLARED_CONFIG_REASON
      ) {
        const seen = classifyEnv(v.name, [{ source: 'code', value: v.defaultValue }]);
        if (seen.classification === 'secret')
          at(
            [...env, 'defaultValue'],
            `${who} has a value the analyzer classifies secret (${seen.reason}); declare it secret, without the value`,
          );
      }
      if (v.refersTo !== undefined && !targets.has(v.refersTo))
        at(
          [...env, 'refersTo'],
          `${who} refers to "${v.refersTo}", no component or service of ${app.name}`,
        );
      text([...env, 'reason'], v.reason, `the reason of ${who}`);
    });
    text([...base, 'startCommand'], c.startCommand, `component ${c.name}: startCommand`);
    text([...base, 'buildCommand'], c.buildCommand, `component ${c.name}: buildCommand`);
    text(
      [...base, 'features', 'dockerHealthcheck'],
      c.features.dockerHealthcheck,
      `component ${c.name}: dockerHealthcheck`,
    );
    text(
      [...base, 'features', 'migrations', 'command'],
      c.features.migrations?.command,
      `component ${c.name}: migrations command`,
    );
    evidence([...base, 'evidence'], c.evidence, `component ${c.name}`);
  });
  app.externalServices.forEach((s, i) => {
    s.hosts.forEach((h, k) => {
      if (!HOST.test(h))
        at(
          ['externalServices', i, 'hosts', k],
          `service ${s.id}: a host is a name (and port), never a URL or credentials`,
        );
    });
    evidence(['externalServices', i, 'evidence'], s.evidence, `service ${s.id}`);
  });
  app.edges.forEach((e, i) =>
    evidence(['edges', i, 'evidence'], e.evidence, `the edge ${e.from} -> ${e.to}`),
  );
  return issues;
}

/**
 * Refuses an uploaded AppModel that carries a secret value with an `UnusableInputError`
 * (422 `secret_value`) naming each component and variable (or field) that does.
 */
export function checkUploadedApp(app: AppModel, prefix = 'body.app'): void {
  const issues = uploadedValueIssues(app, prefix);
  if (issues.length)
    throw new UnusableInputError(
      `the uploaded app ${app.name} carries secret values, so nothing was planned or stored: ${
        issues[0]!.message
      }${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`,
      issues,
      'secret_value',
    );
}
