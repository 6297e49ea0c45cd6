import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StackpilotError } from '../../../src/model/errors';
import { realRoots, resolveRepositoryPath } from '../../../src/server/paths';

describe('server: allowed roots for analyses', () => {
  let base: string;
  let roots: string[];
  before(() => {
    base = mkdtempSync(join(tmpdir(), 'stackpilot-roots-'));
    mkdirSync(join(base, 'repos', 'app', 'src'), { recursive: true });
    mkdirSync(join(base, 'private'), { recursive: true });
    writeFileSync(join(base, 'repos', 'file.txt'), 'x');
    symlinkSync(join(base, 'private'), join(base, 'repos', 'escape'));
    symlinkSync(join(base, 'repos', 'app'), join(base, 'repos', 'alias'));
    roots = realRoots([join(base, 'repos')]);
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  /** `p` is relative to the root (made absolute, as the API requires) unless it starts with `!`. */
  const code = async (p: string) => {
    const requested = p.startsWith('!') ? p.slice(1) : p.startsWith('/') ? p : `${roots[0]}/${p}`;
    try {
      return await resolveRepositoryPath(requested, roots);
    } catch (err) {
      return err instanceof StackpilotError ? err.code : String(err);
    }
  };

  it('resolves absolute paths of directories inside a root, through .. and symlinks', async () => {
    const app = join(roots[0] ?? '', 'app');
    assert.deepEqual(
      await Promise.all(['app', join(base, 'repos', 'app'), 'app/src/..', 'alias'].map(code)),
      [app, app, app, app],
    );
  });

  it('refuses a relative path (400) before resolving it against anything', async () => {
    assert.deepEqual(await Promise.all(['!app', '!.', '!../private'].map(code)), [
      'invalid_input',
      'invalid_input',
      'invalid_input',
    ]);
  });

  it('refuses escapes by .., by absolute paths and through symlinks (403), missing paths (404) and files (400)', async () => {
    assert.deepEqual(
      await Promise.all(
        [
          '../private',
          '/etc',
          join(base, 'private'),
          'escape',
          'app/../../private',
          'missing',
          'file.txt',
          '!/a\0b',
        ].map(code),
      ),
      [
        'path_outside_roots',
        'path_outside_roots',
        'path_outside_roots',
        'path_outside_roots',
        'path_outside_roots',
        'not_found',
        'invalid_input',
        'invalid_input',
      ],
    );
  });

  it('refuses every path when no root is configured', async () => {
    await assert.rejects(
      resolveRepositoryPath('/srv/app', []),
      (e: unknown) => e instanceof StackpilotError && e.code === 'no_allowed_roots',
    );
  });
});
