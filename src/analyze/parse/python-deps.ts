/**
 * Python dependency manifests: requirements files, pyproject.toml (PEP 621, PEP 735 groups,
 * Poetry, uv) and Pipfile. Names are normalised the PEP 503 way (lowercase, runs of `-_.`
 * become `-`), so that `Django`, `psycopg2_binary` and `psycopg2-binary` compare equal.
 */
import type { SourceText } from '../repo';
import type { Dependency } from './package-json';

/** PEP 503 normalised distribution name. */
export function normalizePyName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

const PEP508 = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?\s*(.*)$/;

/** Splits a PEP 508 requirement (`celery[redis]>=5.4; python_version>"3.9"`). */
export function parsePep508(
  req: string,
): { name: string; extras: string[]; spec?: string } | undefined {
  const m = PEP508.exec(req.split(';')[0] ?? '');
  if (!m) return undefined;
  const spec = (m[3] ?? '').trim().replace(/^\(|\)$/g, '');
  return {
    name: normalizePyName(m[1]!),
    extras: (m[2] ?? '')
      .split(',')
      .map((e) => normalizePyName(e.trim()))
      .filter(Boolean)
      .sort(),
    ...(spec && !spec.startsWith('@') ? { spec } : {}),
  };
}

/** Line of the first mention of a dependency name in a manifest (names are written in many styles). */
function depLine(src: SourceText, rawName: string, from = 0): number | undefined {
  const flexible = rawName
    .split(/[-_.]+/)
    .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[-_.]+');
  const re = new RegExp(`(^|["'\\s])${flexible}(?![A-Za-z0-9_-])`, 'gim');
  re.lastIndex = from;
  const m = re.exec(src.text);
  // The name starts after the delimiter, which may be the previous line's newline.
  return m ? src.lineAt(m.index + m[1]!.length) : undefined;
}

function dependency(src: SourceText, req: string, dev: boolean, from = 0): Dependency | undefined {
  const p = parsePep508(req);
  if (!p) return undefined;
  const rawName = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(req)?.[1] ?? p.name;
  const line = depLine(src, rawName, from);
  return {
    name: p.name,
    extras: p.extras,
    dev,
    file: src.path,
    ...(p.spec ? { spec: p.spec } : {}),
    ...(line ? { line } : {}),
  };
}

/** Requirements file lines; `-r other.txt` includes are returned for the caller to follow. */
export function parseRequirements(src: SourceText): { deps: Dependency[]; includes: string[] } {
  const deps: Dependency[] = [];
  const includes: string[] = [];
  src.text.split('\n').forEach((rawLine, i) => {
    const line = rawLine.replace(/(^|\s)#.*$/, '').trim();
    if (!line) return;
    const inc = /^(?:-r|--requirement)\s*=?\s*(\S+)/.exec(line);
    if (inc) {
      includes.push(inc[1]!);
      return;
    }
    if (line.startsWith('-') || /^[a-z+]+:\/\//i.test(line)) return;
    const p = parsePep508(line);
    if (p)
      deps.push({
        name: p.name,
        extras: p.extras,
        dev: false,
        file: src.path,
        line: i + 1,
        ...(p.spec ? { spec: p.spec } : {}),
      });
  });
  return { deps, includes };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Which tool manages a pyproject: uv, Poetry, or plain PEP 621. */
export type PyTool = 'uv' | 'poetry' | 'pip' | 'pipenv';

/** What a pyproject.toml declares. */
export interface PyprojectInfo {
  deps: Dependency[];
  tool: PyTool;
  /** `[project.scripts]` / `[tool.poetry.scripts]` entry points. */
  scripts: Record<string, string>;
  name?: string;
}

/** Dependencies of a parsed pyproject.toml. */
export function pyprojectInfo(src: SourceText, data: Record<string, unknown>): PyprojectInfo {
  const deps: Dependency[] = [];
  const project = isRecord(data.project) ? data.project : {};
  const tool = isRecord(data.tool) ? data.tool : {};
  const poetry = isRecord(tool.poetry) ? tool.poetry : undefined;
  const uv = isRecord(tool.uv) ? tool.uv : undefined;
  const push = (d: Dependency | undefined): void => {
    if (d) deps.push(d);
  };

  for (const req of stringList(project.dependencies)) push(dependency(src, req, false));
  if (isRecord(project['optional-dependencies']))
    for (const list of Object.values(project['optional-dependencies']))
      for (const req of stringList(list)) push(dependency(src, req, true));
  if (isRecord(data['dependency-groups']))
    for (const list of Object.values(data['dependency-groups']))
      for (const req of stringList(list)) push(dependency(src, req, true));
  if (uv) for (const req of stringList(uv['dev-dependencies'])) push(dependency(src, req, true));

  const poetryTable = (table: unknown, dev: boolean): void => {
    if (!isRecord(table)) return;
    for (const [name, v] of Object.entries(table)) {
      if (normalizePyName(name) === 'python') continue;
      const spec =
        typeof v === 'string'
          ? v
          : isRecord(v) && typeof v.version === 'string'
            ? v.version
            : undefined;
      const extras = isRecord(v) ? stringList(v.extras) : [];
      const d = dependency(src, `${name}${extras.length ? `[${extras.join(',')}]` : ''}`, dev);
      if (d) push({ ...d, ...(spec && spec !== '*' ? { spec } : {}) });
    }
  };
  if (poetry) {
    poetryTable(poetry.dependencies, false);
    poetryTable(poetry['dev-dependencies'], true);
    if (isRecord(poetry.group))
      for (const g of Object.values(poetry.group))
        if (isRecord(g)) poetryTable(g.dependencies, true);
  }

  const scripts: Record<string, string> = {};
  for (const table of [project.scripts, poetry?.scripts])
    if (isRecord(table))
      for (const [k, v] of Object.entries(table)) if (typeof v === 'string') scripts[k] = v;
  const name =
    typeof project.name === 'string'
      ? project.name
      : typeof poetry?.name === 'string'
        ? poetry.name
        : undefined;
  return { deps, tool: poetry ? 'poetry' : uv ? 'uv' : 'pip', scripts, ...(name ? { name } : {}) };
}

/** Dependencies of a parsed Pipfile (`[packages]`, `[dev-packages]`). */
export function pipfileDeps(src: SourceText, data: Record<string, unknown>): Dependency[] {
  const out: Dependency[] = [];
  for (const [section, dev] of [
    ['packages', false],
    ['dev-packages', true],
  ] as const) {
    const table = data[section];
    if (!isRecord(table)) continue;
    const from = Math.max(0, src.text.indexOf(`[${section}]`));
    for (const [name, v] of Object.entries(table)) {
      const extras = isRecord(v) ? stringList(v.extras) : [];
      const d = dependency(
        src,
        `${name}${extras.length ? `[${extras.join(',')}]` : ''}`,
        dev,
        from,
      );
      const spec =
        typeof v === 'string'
          ? v
          : isRecord(v) && typeof v.version === 'string'
            ? v.version
            : undefined;
      if (d) out.push({ ...d, ...(spec && spec !== '*' ? { spec } : {}) });
    }
  }
  return out;
}
