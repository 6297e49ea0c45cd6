/**
 * Procfile: `web` is the unit's own start command; `release` carries migrations; every other
 * process type (`worker`, `beat`, `clock`…) becomes a process of its own.
 */
import { analyzeCommand } from '../commands';
import { PRIORITY } from '../draft';
import { parseProcfile } from '../parse/procfile';
import type { UnitContext } from './context';

/** Unit detector for a Procfile in the unit directory. */
export function detectProcfile(ctx: UnitContext): void {
  const { unit, draft, repo, warnings } = ctx;
  if (!unit.procfile) return;
  const src = repo.source(unit.procfile);
  if (!src) return;
  const { entries, problems } = parseProcfile(src.text);
  for (const p of problems)
    warnings.add('invalid-procfile', `${unit.procfile}: ${p.message}`, unit.procfile, p.line);
  for (const e of entries) {
    const loc = { file: unit.procfile, line: e.line, note: `Procfile ${e.type}` };
    if (e.type === 'web') {
      draft.claim('startCommand', e.command, PRIORITY.procfile, loc);
      // The platform router sends outside HTTP traffic to the `web` process, and only to it.
      draft.claim('public', true, PRIORITY.procfile, {
        ...loc,
        note: 'Procfile web process receives outside traffic',
      });
      const facts = analyzeCommand(e.command);
      if (facts.port !== undefined) draft.claim('port', facts.port, PRIORITY.procfile, loc);
      if (facts.appObject) draft.feature('appObject', facts.appObject, PRIORITY.procfile, loc);
    } else if (e.type === 'release') {
      const tool = analyzeCommand(e.command).migration;
      if (tool) draft.feature('migrations', { tool, command: e.command }, PRIORITY.procfile, loc);
    } else {
      draft.processes.push({ type: e.type, command: e.command, loc });
    }
  }
}
