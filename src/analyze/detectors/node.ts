/**
 * Facts every Node.js unit has, whatever its framework: language, start and build scripts.
 * Runs after the framework detectors, so a framework's more specific claim (Next.js
 * standalone's `node server.js`) wins the tie.
 */
import { analyzeCommand } from '../commands';
import { PRIORITY, type Loc } from '../draft';
import { jsonKeyLine } from '../parse/package-json';
import { joinRel } from '../paths';
import type { Repo } from '../repo';
import type { Unit } from '../units';
import type { UnitContext } from './context';

/** `^15.1.6` → `15.1.6`; `workspace:*`, `latest` → `undefined`. */
export function cleanVersion(spec: string | undefined): string | undefined {
  return spec ? /(\d+(?:\.\d+){0,2}(?:-[0-9A-Za-z.]+)?)/.exec(spec)?.[1] : undefined;
}

/** Location of a package.json script. */
export function scriptLoc(repo: Repo, unit: Unit, script: string): Loc {
  const file = unit.pkg!.file;
  const src = repo.source(file)!;
  const from = Math.max(0, src.text.search(/"scripts"\s*:/));
  return {
    file,
    line: jsonKeyLine(src, script, from),
    note: `script ${script}: ${unit.pkg!.scripts[script]}`,
  };
}

/** `pnpm run build`, `npm run build`… */
export function runScript(unit: Unit, script: string): string {
  return `${unit.packageManager} run ${script}`;
}

/** Unit detector: language, start and build scripts, migrations of any Node unit. */
export function detectNodeBasics(ctx: UnitContext): void {
  const { unit, draft, repo } = ctx;
  const pkg = unit.pkg;
  if (!pkg) return;
  const ts = repo.has(joinRel(unit.dir, 'tsconfig.json'))
    ? joinRel(unit.dir, 'tsconfig.json')
    : undefined;
  const tsDep = unit.npmDeps.get('typescript');
  if (ts)
    draft.claim('language', 'typescript', PRIORITY.manifest, { file: ts, note: 'tsconfig.json' });
  else if (tsDep)
    draft.claim('language', 'typescript', PRIORITY.manifest, {
      file: tsDep.file,
      line: tsDep.line,
      note: 'dependency typescript',
    });
  else
    draft.claim('language', 'javascript', PRIORITY.manifest, {
      file: pkg.file,
      note: 'package.json without TypeScript',
    });

  if (pkg.scripts.start)
    draft.claim(
      'startCommand',
      pkg.scripts.start,
      PRIORITY.manifest,
      scriptLoc(repo, unit, 'start'),
    );
  else if (pkg.main)
    draft.claim('startCommand', `node ${pkg.main}`, PRIORITY.default, {
      file: pkg.file,
      line: jsonKeyLine(repo.source(pkg.file)!, 'main'),
      note: 'package.json main',
    });
  if (pkg.scripts.build)
    draft.claim(
      'buildCommand',
      runScript(unit, 'build'),
      PRIORITY.manifest,
      scriptLoc(repo, unit, 'build'),
    );

  // Migrations: a script that runs a migration tool (`"db:migrate": "drizzle-kit migrate"`),
  // scripts named like migrations first; else Prisma's deploy command when Prisma is used.
  const scripts = Object.keys(pkg.scripts).sort(
    (a, b) => Number(!/migrat/.test(a)) - Number(!/migrat/.test(b)) || (a < b ? -1 : a > b ? 1 : 0),
  );
  for (const name of scripts) {
    const tool = analyzeCommand(pkg.scripts[name]!).migration;
    if (!tool && !/^(db:)?migrat(e|ions?)(:deploy|:up)?$/.test(name)) continue;
    draft.feature(
      'migrations',
      { tool: tool ?? 'other', command: runScript(unit, name) },
      PRIORITY.manifest,
      scriptLoc(repo, unit, name),
    );
    return;
  }
  const prisma = unit.npmDeps.get('prisma') ?? unit.npmDeps.get('@prisma/client');
  if (prisma)
    draft.feature(
      'migrations',
      { tool: 'prisma', command: 'npx prisma migrate deploy' },
      PRIORITY.default,
      { file: prisma.file, line: prisma.line, note: `dependency ${prisma.name}` },
    );
}
