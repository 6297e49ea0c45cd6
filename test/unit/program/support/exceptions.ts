/**
 * The checked-in list of accepted checker findings, `test/checkers/exceptions.yaml`: each entry
 * names a checker and a check, optionally narrows where it applies, and says why it is accepted
 * and who owns the fix. A finding no entry matches fails the checker tests.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Finding } from './findings';
import { podTemplateOf, selects } from './k8s';
import type { Manifest } from './manifests';

export const EXCEPTIONS_FILE = path.resolve(__dirname, '../../../checkers/exceptions.yaml');

/**
 * Conditions on the flagged object, for exceptions that hold only where the object really
 * meets the rule's intent another way.
 */
const CONDITIONS = {
  /** Its pods spread across nodes with a `kubernetes.io/hostname` topology spread constraint. */
  'hostname-spread': (m: Manifest) =>
    (
      (
        podTemplateOf(m)?.spec as
          { topologySpreadConstraints?: Array<{ topologyKey: string }> } | undefined
      )?.topologySpreadConstraints ?? []
    ).some((t) => t.topologyKey === 'kubernetes.io/hostname'),
  /** No Service selects its pods, so a readiness probe would gate nothing. */
  unexposed: (m: Manifest, all: readonly Manifest[]) =>
    !all.some(
      (s) =>
        s.kind === 'Service' &&
        selects(
          (s.spec as { selector: Record<string, string> }).selector,
          podTemplateOf(m)?.metadata.labels,
        ),
    ),
} as const;

const ExceptionSchema = z.strictObject({
  checker: z.enum(['kubernetes-validate', 'checkov', 'kube-score', 'stackpilot']),
  check: z.string().min(1),
  /** Object kinds it applies to; all when absent. */
  kinds: z.array(z.string()).optional(),
  /** Object names (`*` wildcards); all when absent. */
  names: z.array(z.string()).optional(),
  environments: z.array(z.string()).optional(),
  /** Test plan labels (`*` wildcards), e.g. `planner:*`; all when absent. */
  plans: z.array(z.string()).optional(),
  when: z.enum(Object.keys(CONDITIONS) as [keyof typeof CONDITIONS]).optional(),
  /** Who should remove the finding: the program, the planner (reported upstream), or nobody (accepted). */
  owner: z.enum(['program', 'planner', 'accepted']),
  reason: z.string().min(20),
});
export type CheckerException = z.infer<typeof ExceptionSchema>;

/** The parsed exceptions file. */
export function loadExceptions(file = EXCEPTIONS_FILE): CheckerException[] {
  const doc = parse(fs.readFileSync(file, 'utf8')) as { exceptions?: unknown };
  return z.array(ExceptionSchema).parse(doc.exceptions ?? []);
}

const glob = (pattern: string, s: string): boolean =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
      .join('.*')}$`,
  ).test(s);

/** The first exception covering a finding, given the manifests of the finding's plan. */
export function exceptionFor(
  f: Finding,
  exceptions: readonly CheckerException[],
  manifests: readonly Manifest[],
): CheckerException | undefined {
  const object = manifests.find((m) => m.kind === f.kind && m.metadata.name === f.name);
  return exceptions.find(
    (e) =>
      e.checker === f.checker &&
      e.check === f.check &&
      (!e.kinds || e.kinds.includes(f.kind)) &&
      (!e.names || e.names.some((n) => glob(n, f.name))) &&
      (!e.environments || e.environments.includes(f.env)) &&
      (!e.plans || e.plans.some((p) => glob(p, f.plan))) &&
      (!e.when || (object !== undefined && CONDITIONS[e.when](object, manifests))),
  );
}
