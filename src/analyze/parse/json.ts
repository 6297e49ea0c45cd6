/**
 * JSON parsing with the failure located by line. The parser's own message can quote the
 * input, so only its first clause is kept: a warning must never carry file content.
 */
import { lineOfOffset, type Parsed } from './result';

/** Parses JSON; a failure carries its line and no input text. */
export function parseJson(text: string): Parsed<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    const raw = err instanceof Error ? err.message : String(err);
    const explicitLine = /\(line (\d+) column \d+\)/.exec(raw)?.[1];
    const position = /at position (\d+)/.exec(raw)?.[1];
    const line = explicitLine
      ? Number(explicitLine)
      : position !== undefined
        ? lineOfOffset(text, Number(position))
        : /end of (JSON )?(data|input)/i.test(raw)
          ? lineOfOffset(text, text.length)
          : undefined;
    const reason = raw
      .replace(/, ".*" is not valid JSON$/s, '')
      .replace(/ in JSON at position \d+.*$/s, '')
      .replace(/^Unexpected token '?(.)'?.*$/s, "unexpected '$1'");
    return { ok: false, message: `invalid JSON: ${reason}`, ...(line ? { line } : {}) };
  }
}
