/**
 * Replaces every occurrence of each secret value (and its base64 form) in text with
 * `[secret]`. Longer forms go first, so that a secret which is a prefix of another never
 * leaves the other's remainder behind (`abcd1234` and `abcd1234-long`).
 */
export function redact(text: string, secrets: readonly string[]): string {
  const forms = secrets
    .filter((s) => s.length >= 4)
    .flatMap((s) => [s, Buffer.from(s).toString('base64')])
    .sort((a, b) => b.length - a.length);
  let out = text;
  for (const form of forms) out = out.split(form).join('[secret]');
  return out;
}
