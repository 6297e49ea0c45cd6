/**
 * Terminal output: colour and tables on a terminal, plain text when piped (or with NO_COLOR),
 * JSON with `--json`.
 */
import pc from 'picocolors';

/** Where a command writes. Tests pass their own. */
export interface Output {
  /** Normal output (stdout). */
  line(text?: string): void;
  /** Notices, progress and errors (stderr), so that stdout stays clean for `--json`. */
  note(text: string): void;
  /** True when colour is on. */
  readonly color: boolean;
}

/**
 * Output to the process's stdout/stderr. A stream whose reader went away (`stackpilot … | head`)
 * is dropped quietly: later writes to it are skipped and the command ends as it would have.
 */
export function processOutput(): Output {
  const color = pc.isColorSupported && Boolean(process.stdout.isTTY);
  const write = guarded(process.stdout);
  const writeErr = guarded(process.stderr);
  return {
    color,
    line: (text = '') => write(`${text}\n`),
    note: (text) => writeErr(`${text}\n`),
  };
}

/** A writer to `stream` that stops at the first error (EPIPE: the reader closed the pipe). */
function guarded(stream: NodeJS.WriteStream): (text: string) => void {
  let closed = false;
  stream.on('error', () => {
    closed = true;
  });
  return (text) => {
    if (!closed && !stream.destroyed) stream.write(text);
  };
}

/** Styles that fall back to plain text when colour is off. */
export function styles(out: Output) {
  const c = pc.createColors(out.color);
  return {
    ok: c.green,
    bad: c.red,
    warn: c.yellow,
    dim: c.dim,
    bold: c.bold,
    add: c.green,
    change: c.yellow,
    remove: c.red,
  };
}

/** A left-aligned table with a header row. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)].join('\n');
}

/** Prints a value as stable, indented JSON. */
export function printJson(out: Output, value: unknown): void {
  out.line(JSON.stringify(value, null, 2));
}
