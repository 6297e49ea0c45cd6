/** Warnings that operations attach to their results. */

/** One warning per secret key that got a placeholder value. */
export function placeholderWarnings(keys: string[]): string[] {
  return keys.map(
    (k) =>
      `${k} has no value: a placeholder was deployed (set it with \`stackpilot secrets set ${k}\`)`,
  );
}
