/** A checker finding about one object of one plan's manifests. */
export interface Finding {
  /** `kubernetes-validate`, `checkov`, `kube-score` or `stackpilot` (our own rules). */
  checker: string;
  /** The checker's id of the check, e.g. `CKV_K8S_43`, `pod-probes-identical`, `schema`. */
  check: string;
  /** The test plan's label, e.g. `reference/prod`. */
  plan: string;
  /** The plan's environment. */
  env: string;
  kind: string;
  name: string;
  message: string;
}

export function formatFinding(f: Finding): string {
  return `${f.checker} ${f.check} [${f.plan}] ${f.kind}/${f.name}: ${f.message}`;
}
