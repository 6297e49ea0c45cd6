/** Procfile parsing: `type: command` lines (Heroku/Foreman/Dokku conventions). */

export interface ProcfileEntry {
  type: string;
  command: string;
  line: number;
}

/** Parses a Procfile; malformed lines are returned as located problems. */
export function parseProcfile(text: string): {
  entries: ProcfileEntry[];
  problems: Array<{ message: string; line: number }>;
} {
  const entries: ProcfileEntry[] = [];
  const problems: Array<{ message: string; line: number }> = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const m = /^([A-Za-z0-9_-]+)\s*:\s*(.+)$/.exec(line);
    if (m) entries.push({ type: m[1]!.toLowerCase(), command: m[2]!.trim(), line: i + 1 });
    else problems.push({ message: 'expected "<process type>: <command>"', line: i + 1 });
  });
  return { entries, problems };
}
