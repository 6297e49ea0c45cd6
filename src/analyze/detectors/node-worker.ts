/** Node queue workers: BullMQ `new Worker(...)` in a package that serves no HTTP. */
import { PRIORITY } from '../draft';
import type { UnitContext } from './context';
import { cleanVersion } from './node';

/** Unit detector for BullMQ workers. */
export function detectNodeWorker(ctx: UnitContext): void {
  const { unit, draft, repo } = ctx;
  const dep = unit.npmDeps.get('bullmq');
  if (!dep || dep.dev) return;
  for (const path of unit.codeFiles) {
    const src = repo.source(path);
    const m = src && /\bnew\s+Worker\s*(?:<[^>]*>)?\(/.exec(src.text);
    if (!src || !m) continue;
    const loc = { file: path, line: src.lineAt(m.index), note: 'BullMQ Worker' };
    draft.feature('queueFramework', 'bullmq', PRIORITY.code, loc);
    if (!draft.serves) {
      draft.claim('kind', 'worker', PRIORITY.code, loc);
      draft.claim(
        'framework',
        { name: 'bullmq', ...(cleanVersion(dep.spec) ? { version: cleanVersion(dep.spec) } : {}) },
        PRIORITY.manifest,
        { file: dep.file, line: dep.line, note: `dependency bullmq ${dep.spec ?? ''}`.trim() },
      );
    }
    return;
  }
}
