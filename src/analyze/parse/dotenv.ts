/**
 * `.env` file parsing (dotenv conventions): `KEY=value`, optional `export`, single or double
 * quotes (double-quoted values may span lines), `#` comments after unquoted values.
 */

export interface DotenvEntry {
  name: string;
  value: string;
  line: number;
}

/** Parses `.env` text into entries with their lines; other lines are ignored. */
export function parseDotenv(text: string): DotenvEntry[] {
  const out: DotenvEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/.exec(lines[i]!);
    if (!m) continue;
    const line = i + 1;
    let value = m[2]!;
    const quote = value[0];
    if (quote === '"' || quote === "'" || quote === '`') {
      let body = value.slice(1);
      let end = body.indexOf(quote);
      while (end < 0 && quote === '"' && i + 1 < lines.length) {
        i++;
        body += `\n${lines[i]}`;
        end = body.indexOf(quote);
      }
      value = end < 0 ? body : body.slice(0, end);
      if (quote === '"') value = value.replace(/\\n/g, '\n');
    } else {
      value = value.replace(/\s+#.*$/, '').trim();
    }
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(m[1]!)) out.push({ name: m[1]!, value, line });
  }
  return out;
}
