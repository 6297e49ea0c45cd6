/** The outcome of parsing one file: a value, or a failure located by line where known. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string; line?: number };

/** 1-based line of a character offset in `text`. */
export function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
