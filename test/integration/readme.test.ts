/**
 * The README, followed literally by a new user: every command in a block marked
 * `<!-- doctest -->` runs, in order, in a fresh copy of the repository, and must succeed. Its
 * transcript (stdout, normalized) is compared with test/golden/readme.transcript.txt, which a
 * normal run never writes: a missing golden fails. `npm run golden:readme` (this test with
 * `UPDATE_TRANSCRIPT=1`) rewrites it, for review in the diff.
 *
 * `npm ci` is the one command not re-run here: the copy links this checkout's node_modules,
 * which `.ci/run` itself installed with `npm ci` on a fresh clone.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from './support/engine';

const TRANSCRIPT = join(REPO_ROOT, 'test', 'golden', 'readme.transcript.txt');
/** The one command that writes {@link TRANSCRIPT}. */
const REGENERATE = 'npm run golden:readme';

/** The commands of the README's doctest blocks, in order. */
export function doctestCommands(markdown: string): string[] {
  const commands: string[] = [];
  const blocks = markdown.matchAll(/<!-- doctest -->\s*\n```sh\n([\s\S]*?)```/g);
  for (const [, body] of blocks) {
    for (const line of (body ?? '').split('\n')) {
      const command = line.replace(/\s+#.*$/, '').trim();
      if (command && !command.startsWith('#')) commands.push(command);
    }
  }
  return commands;
}

/** A copy of the files git would check out (tracked, plus new files not ignored). */
function freshCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stackpilot-readme-'));
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((f) => f && existsSync(join(REPO_ROOT, f)));
  for (const f of files) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    copyFileSync(join(REPO_ROOT, f), join(dir, f));
  }
  execFileSync('chmod', ['-R', 'u+x', join(dir, 'scripts'), join(dir, 'examples', 'skills')]);
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** Stable text: the copy's path, times, durations and npm's banners taken out. */
function normalize(text: string, dir: string): string {
  return text
    .split(dir)
    .join('<clone>')
    .split('\n')
    .filter((l) => !/^> |^(engine|setup-checkers): /.test(l))
    .map((l) =>
      l
        .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
        .replace(/\b\d+(\.\d+)?m?s\b/g, '<t>')
        .trimEnd(),
    )
    .join('\n')
    .replace(/\n{3,}/g, '\n\n');
}

describe('README, followed literally', function () {
  this.timeout(900_000);

  it('lists the set-up, quickstart and skills commands as doctests', () => {
    const commands = doctestCommands(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8'));
    assert.deepEqual(commands.slice(0, 2), ['npm ci', 'npm start']);
    assert.ok(commands.some((c) => c.startsWith('npx stackpilot analyze')));
    assert.ok(
      readFileSync(join(REPO_ROOT, '.ci', 'run'), 'utf8').includes('npm ci'),
      '.ci/run runs npm ci itself',
    );
    assert.ok(
      readFileSync(join(REPO_ROOT, '.ci', 'run'), 'utf8').includes('npm test'),
      '.ci/run runs the README test command',
    );
  });

  it('reaches a deployed (rendered) reference app and runs every quickstart command', () => {
    const update = Boolean(process.env.UPDATE_TRANSCRIPT);
    // Checked before the long run: only the explicit update command creates the golden.
    assert.ok(
      update || existsSync(TRANSCRIPT),
      `${TRANSCRIPT} is missing: run \`${REGENERATE}\` and review the file it writes`,
    );
    const dir = freshCopy();
    try {
      let transcript = '';
      for (const command of doctestCommands(readFileSync(join(dir, 'README.md'), 'utf8'))) {
        if (command === 'npm ci') continue;
        const run = spawnSync('bash', ['-c', command], {
          cwd: dir,
          encoding: 'utf8',
          env: { ...process.env, NO_COLOR: '1', PULUMI_CONFIG_PASSPHRASE: '' },
        });
        transcript += `$ ${command}\n${run.stdout}\n`;
        assert.equal(run.status, 0, `\`${command}\` failed:\n${run.stdout}\n${run.stderr}`);
      }
      const manifests = join(dir, '.stackpilot', 'rendered', 'dev', '1-manifest');
      assert.ok(
        readdirSync(manifests).some((f) => f.includes('deployment')),
        'the reference app was rendered',
      );
      assert.ok(
        existsSync(join(dir, '.stackpilot', 'out', 'fullstack', 'dev', 'report.md')),
        'the plan report was written',
      );
      assert.ok(
        existsSync(join(dir, '.stackpilot', 'passphrase')),
        'a passphrase was generated into the state directory',
      );

      const actual = normalize(transcript, dir);
      if (update) {
        writeFileSync(TRANSCRIPT, actual);
        console.log(`      UPDATE_TRANSCRIPT: wrote ${TRANSCRIPT}; review it with git diff`);
        return;
      }
      assert.equal(
        actual,
        readFileSync(TRANSCRIPT, 'utf8'),
        `the README transcript differs from ${TRANSCRIPT}; if the change is intended, run \`${REGENERATE}\``,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
