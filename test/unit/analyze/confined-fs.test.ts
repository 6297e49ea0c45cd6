import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfinedFs } from '../../../src/analyze/confined-fs';

describe('analyze/confined-fs', () => {
  let root: string;
  let outside: string;
  beforeEach(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'stackpilot-confined-')));
    outside = realpathSync(mkdtempSync(join(tmpdir(), 'stackpilot-outside-')));
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src', 'a.ts'), 'inside');
    mkdirSync(join(outside, 'src'));
    writeFileSync(join(outside, 'src', 'a.ts'), 'outside');
    writeFileSync(join(outside, 'secret.txt'), 'outside');
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  const code = (p: Promise<unknown>) =>
    p.then(
      () => 'ok',
      (err: NodeJS.ErrnoException) => err.code,
    );

  it('reads below the root, and refuses a symlink at the last level or above it', async () => {
    const fs = await ConfinedFs.openRoot(root, [root]);
    assert.deepEqual(
      (await fs.readDir(join(root, 'src'))).map((e) => e.name),
      ['a.ts'],
    );
    symlinkSync(join(outside, 'secret.txt'), join(root, 'link.txt'));
    symlinkSync(outside, join(root, 'up'));
    assert.deepEqual(
      [
        await code(fs.openFile(join(root, 'link.txt'))),
        await code(fs.readDir(join(root, 'up'))),
        await code(fs.readDir(join(root, 'up', 'src'))),
        await code(fs.openFile(join(root, 'up', 'src', 'a.ts'))),
      ],
      ['ELOOP', 'ENOTDIR', 'EOUTSIDE', 'EOUTSIDE'],
    );
  });

  it('refuses a root outside the allowed roots', async () => {
    assert.equal(await code(ConfinedFs.openRoot(outside, [root])), 'EOUTSIDE');
  });
});
