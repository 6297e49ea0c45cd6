/**
 * Dockerfile parsing: instructions with their first line, continuation lines joined, comments
 * and heredoc bodies skipped, stages numbered from `FROM`.
 */

export interface DockerInstruction {
  /** Upper-case instruction, e.g. `EXPOSE`. */
  keyword: string;
  args: string;
  /** 1-based line where the instruction starts. */
  line: number;
  /** Index of the build stage (0-based; -1 before the first FROM, i.e. global ARGs). */
  stage: number;
}

/** A Dockerfile as instructions, with problems located. */
export interface ParsedDockerfile {
  instructions: DockerInstruction[];
  stageCount: number;
  /** Unknown instructions, located. */
  problems: Array<{ message: string; line: number }>;
}

const KEYWORDS = new Set([
  'ADD',
  'ARG',
  'CMD',
  'COPY',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'FROM',
  'HEALTHCHECK',
  'LABEL',
  'MAINTAINER',
  'ONBUILD',
  'RUN',
  'SHELL',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
]);

/** Parses Dockerfile text (the `escape` directive is honoured). */
export function parseDockerfile(text: string): ParsedDockerfile {
  const lines = text.split('\n');
  const escape = /^#\s*escape\s*=\s*`/im.test(lines.slice(0, 5).join('\n')) ? '`' : '\\';
  const instructions: DockerInstruction[] = [];
  const problems: ParsedDockerfile['problems'] = [];
  let stage = -1;
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i]!.trim();
    if (!first || first.startsWith('#')) continue;
    const start = i + 1;
    let full = first;
    while (full.endsWith(escape) && i + 1 < lines.length) {
      full = full.slice(0, -1);
      i++;
      const next = lines[i]!.trim();
      if (next.startsWith('#')) {
        full += escape;
        continue;
      }
      full += ` ${next}`;
    }
    const m = /^([A-Za-z]+)\s*(.*)$/s.exec(full);
    if (!m) continue;
    const keyword = m[1]!.toUpperCase();
    const args = m[2]!.trim();
    if (!KEYWORDS.has(keyword)) {
      problems.push({ message: `unknown instruction ${keyword}`, line: start });
      continue;
    }
    if (keyword === 'FROM') stage++;
    instructions.push({ keyword, args, line: start, stage });
    const heredoc = /<<-?\s*["']?([A-Za-z_][A-Za-z0-9_]*)["']?/.exec(args);
    if (heredoc && (keyword === 'RUN' || keyword === 'COPY')) {
      while (i + 1 < lines.length && lines[i + 1]!.trim() !== heredoc[1]) i++;
      i++;
    }
  }
  return { instructions, stageCount: stage + 1, problems };
}

/** The JSON exec form of CMD/ENTRYPOINT/RUN/HEALTHCHECK (`["node", "server.js"]`), or `undefined`. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  try {
    const v: unknown = JSON.parse(args);
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
  } catch {
    return undefined;
  }
}

/** Joins argv into one shell-readable command, quoting arguments that need it. */
export function joinArgv(argv: readonly string[]): string {
  return argv
    .map((a) => (/^[A-Za-z0-9_@%+=:,./${}-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}
