/**
 * Collects analysis warnings: per-file problems that do not stop the analysis but must be
 * reported, each naming its file and, when known, its line.
 */
import type { AnalysisWarning } from '../model/app';
import { compareStrings } from './paths';

/** Stable warning codes, so that callers can filter without matching message text. */
export type WarningCode =
  | 'binary-file'
  | 'file-too-large'
  | 'files-skipped'
  | 'analysis-partial'
  | 'unreadable'
  | 'symlink-loop'
  | 'symlink-outside-root'
  | 'symlink-broken'
  | 'invalid-json'
  | 'invalid-toml'
  | 'invalid-yaml'
  | 'invalid-manifest'
  | 'invalid-compose'
  | 'invalid-dockerfile'
  | 'invalid-procfile'
  | 'path-outside-root'
  | 'unresolved-reference'
  | 'name-collision';

/** Deduplicating, sorting collector of warnings for one analysis. */
export class WarningSink {
  private readonly items = new Map<string, AnalysisWarning>();

  /** Records a warning once; the same code, file, line and message twice is one warning. */
  add(code: WarningCode, message: string, file?: string, line?: number): void {
    const w: AnalysisWarning = { code, message };
    if (file !== undefined) w.file = file;
    if (line !== undefined && line > 0) w.line = line;
    this.items.set(`${code}\0${file ?? ''}\0${line ?? 0}\0${message}`, w);
  }

  /** All warnings sorted by file, line, code and message. */
  list(): AnalysisWarning[] {
    return [...this.items.values()].sort(
      (a, b) =>
        compareStrings(a.file ?? '', b.file ?? '') ||
        (a.line ?? 0) - (b.line ?? 0) ||
        compareStrings(a.code, b.code) ||
        compareStrings(a.message, b.message),
    );
  }
}
