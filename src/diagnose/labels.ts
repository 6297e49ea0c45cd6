/** Label selectors (matchLabels) against label sets. */

/** Whether `labels` carry every key and value of `selector`; an empty selector selects everything. */
export function selects(
  selector: Record<string, string>,
  labels: Record<string, string> | undefined,
): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** Two selectors equal as sets of key and value. */
export function sameSelector(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => b[k] === a[k]);
}

/** `a=b, c=d`, keys sorted; `(everything)` for an empty selector. */
export function describeSelector(s: Record<string, string>): string {
  const keys = Object.keys(s).sort();
  return keys.length ? keys.map((k) => `${k}=${s[k]}`).join(', ') : '(everything)';
}
