/**
 * POST /v1/analyses while another process swaps directories under the allowed root for
 * symlinks that leave it, at the top (the repository itself) and one level down: no analysis
 * ever reads outside the root, and no request fails with a 5xx.
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, type Harness } from './support/harness';

const SWAPPER = `
const fs = require('node:fs');
const [root, outside] = process.argv.slice(1);
const swap = (path, target) => {
  try {
    fs.renameSync(path, path + '.parked');
    fs.symlinkSync(target, path);
    fs.unlinkSync(path);
    fs.renameSync(path + '.parked', path);
  } catch {}
};
for (;;) {
  swap(root + '/app', outside);
  swap(root + '/app/src', outside + '/src');
}
`;

function app(dir: string, name: string, envVar: string): void {
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name,
      scripts: { start: 'node src/index.js' },
      dependencies: { express: '4' },
    }),
  );
  writeFileSync(
    join(dir, 'src', 'index.js'),
    `const port = process.env.PORT || 3000;\nconst t = process.env.${envVar};\nrequire('express')().listen(port);\n`,
  );
}

describe('server: analyses under a directory↔symlink swapper', function () {
  this.timeout(300_000);
  let h: Harness;
  let root: string;
  let outside: string;
  let swapper: ChildProcess | undefined;

  before(async () => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'stackpilot-race-root-')));
    outside = realpathSync(mkdtempSync(join(tmpdir(), 'stackpilot-race-outside-')));
    app(join(root, 'app'), 'inside-app', 'INSIDE_TOKEN');
    app(outside, 'outside-app', 'OUTSIDE_MARKER_TOKEN');
    h = await startHarness({ allowedRoots: [root] });
  });
  after(async () => {
    if (swapper && swapper.exitCode === null) {
      const exited = new Promise((r) => swapper?.once('exit', r));
      swapper.kill('SIGKILL');
      await exited;
    }
    await h?.cleanup();
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('never analyzes outside the allowed root and never answers 5xx (400 requests)', async () => {
    swapper = spawn(process.execPath, ['-e', SWAPPER, root, outside], { stdio: 'ignore' });
    const statuses = new Map<number, number>();
    let escaped = 0;
    let inside = 0;
    for (let batch = 0; batch < 50; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 8 }, () =>
          h.as('deployer').post('/v1/analyses', { path: join(root, 'app') }),
        ),
      );
      for (const a of answers) {
        statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
        if (a.status !== 201) continue;
        const text = JSON.stringify(a.body);
        if (/outside-app|OUTSIDE_MARKER_TOKEN/.test(text)) escaped++;
        else inside++;
      }
    }
    const figures = JSON.stringify(Object.fromEntries(statuses));
    assert.equal(escaped, 0, `analyses that read outside the root (statuses ${figures})`);
    assert.deepEqual(
      [...statuses.keys()].filter((s) => s >= 500),
      [],
      `statuses ${figures}`,
    );
    assert.ok(inside > 0, `some analyses succeeded inside the root (statuses ${figures})`);
  });
});
