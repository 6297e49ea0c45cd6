/** Replaces every occurrence of each secret value (and its base64 form) in text with `[secret]`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length < 4) continue;
    for (const form of [s, Buffer.from(s).toString('base64')])
      out = out.split(form).join('[secret]');
  }
  return out;
}
