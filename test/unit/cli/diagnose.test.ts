/**
 * `stackpilot diagnose` in-process: argument errors exit with the documented codes and one clear
 * message, and `--fix`'s writer leaves the stack file alone unless the merge is valid and
 * confirmed. (The command against a live cluster is test/integration/diagnose/front-doors.test.ts.)
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { writeConfigFixes } from '../../../src/cli/commands/diagnose';
import { confirmChange } from '../../../src/cli/confirm';
import { describeError, ExitCode } from '../../../src/cli/exit-codes';
import { buildProgram } from '../../../src/cli/program';
import type { Fix } from '../../../src/model/diagnosis';
import { ForbiddenError, InputError } from '../../../src/model/errors';

const STACK = `# dev, aimed at a cluster
config:
  stackpilot:namespace: shop-dev
  stackpilot:target:
    kind: cluster
    context: nowhere # no such context needed: these tests stop before the cluster
  stackpilot:components:
    worker:
      memory: 256Mi # the small tier's
`;

const memory = (m: string): Fix => ({
  summary: `raise worker memory to ${m}`,
  reason: 'OOMKilled at its 256Mi limit, 3 times',
  config: { components: { worker: { memory: m } } },
});

describe('cli: diagnose', () => {
  let dir: string;
  let stacks: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stackpilot-cli-diagnose-'));
    stacks = join(dir, 'stacks');
    mkdirSync(stacks);
    writeFileSync(join(stacks, 'Pulumi.dev.yaml'), STACK);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the command tree as main does: the exit code and what went to stdout and stderr. */
  async function run(args: string[], stacksDir = stacks) {
    const out: string[] = [];
    const err: string[] = [];
    const program = buildProgram({
      line: (t = '') => out.push(t),
      note: (t) => err.push(t),
      color: false,
    });
    const before = process.exitCode;
    try {
      await program.parseAsync([
        'node',
        'stackpilot',
        '--state-dir',
        join(dir, 'state'),
        '--stacks',
        stacksDir,
        ...args,
      ]);
      return { code: (process.exitCode as number | undefined) ?? 0, out, err };
    } catch (e) {
      if (e instanceof CommanderError) return { code: ExitCode.invalidInput, out, err };
      const { code, message } = describeError(e, 'test');
      return { code, out, err: [...err, message] };
    } finally {
      process.exitCode = before;
    }
  }

  it('answers an unknown environment with exit 3, naming the known ones', async () => {
    const r = await run(['diagnose', 'shop', '--env', 'qa']);
    assert.equal(r.code, ExitCode.notFound);
    assert.match(r.err.join('\n'), /unknown environment "qa".*known environments: dev/);
  });

  it('answers a malformed environment name with exit 2, and a missing --env too', async () => {
    assert.equal((await run(['diagnose', 'shop', '--env', 'Dev!'])).code, ExitCode.invalidInput);
    const missing = await run(['diagnose', 'shop']);
    assert.equal(missing.code, ExitCode.invalidInput);
    assert.match(missing.err.join('\n'), /required option '-e, --env <env>' not specified/);
  });

  it('refuses a render target with exit 2 and one line saying there is no live cluster', async () => {
    const r = await run(['diagnose', 'shop', '--env', 'dev'], join(__dirname, '../../../stacks'));
    assert.equal(r.code, ExitCode.invalidInput);
    const message = r.err.at(-1) ?? '';
    assert.equal(
      message,
      'environment dev renders YAML to a directory: there is no live cluster to diagnose',
    );
  });

  it('documents exit code 8 in --help', async () => {
    const r = await run(['diagnose', '--help']);
    assert.match(r.out.join('\n'), /Exits 8 when something is wrong/);
    assert.match(r.out.join('\n'), /--fix/);
  });

  describe('--fix: writeConfigFixes', () => {
    const file = () => join(stacks, 'Pulumi.dev.yaml');
    const files = () => readdirSync(stacks).sort();

    it('writes the merged file, comments kept, after confirming, and returns the new environment', async () => {
      let asked: unknown;
      const written = await writeConfigFixes(file(), 'dev', [memory('512Mi')], async (changes) => {
        asked = changes;
      });
      assert.deepEqual(asked, [
        { key: 'stackpilot:components.worker.memory', from: '256Mi', to: '512Mi' },
      ]);
      assert.equal(written?.env.components.worker?.memory, '512Mi');
      const text = readFileSync(file(), 'utf8');
      assert.equal(text, STACK.replace('memory: 256Mi', 'memory: 512Mi'));
      assert.deepEqual(files(), ['Pulumi.dev.yaml'], 'no temporary file is left');
    });

    it('writes nothing, and asks nothing, when the merge is refused; the error names the field', async () => {
      let asked = false;
      const bad: Fix = { ...memory('x'), config: { components: { worker: { memroy: '1Gi' } } } };
      await assert.rejects(
        writeConfigFixes(file(), 'dev', [bad], async () => {
          asked = true;
        }),
        (e: unknown) =>
          e instanceof InputError &&
          e.issues.some((i) => i.field === 'config.stackpilot:components.worker.memroy'),
      );
      // A value the schema takes but the environment does not (not a quantity) is refused too.
      await assert.rejects(
        writeConfigFixes(file(), 'dev', [memory('lots')], async () => {
          asked = true;
        }),
        /components\.worker\.memory/,
      );
      assert.equal(asked, false);
      assert.equal(readFileSync(file(), 'utf8'), STACK);
      assert.deepEqual(files(), ['Pulumi.dev.yaml']);
    });

    it('writes nothing when the change is not confirmed', async () => {
      await assert.rejects(
        writeConfigFixes(file(), 'dev', [memory('512Mi')], async () => {
          throw new ForbiddenError('not confirmed');
        }),
        ForbiddenError,
      );
      assert.equal(readFileSync(file(), 'utf8'), STACK);
    });

    it('returns nothing when no fix changes the file', async () => {
      const fixes: Fix[] = [
        memory('256Mi'),
        { summary: 's', reason: 'r', command: 'stackpilot up' },
      ];
      assert.equal(
        await writeConfigFixes(file(), 'dev', fixes, async () => assert.fail()),
        undefined,
      );
    });

    it('refuses to ask without a terminal and without --yes, saying --yes confirms', async () => {
      const tty = process.stdin.isTTY;
      process.stdin.isTTY = false as never;
      try {
        await assert.rejects(
          confirmChange('write 1 change(s) to stacks/Pulumi.dev.yaml', undefined),
          (e: unknown) =>
            e instanceof ForbiddenError && /no terminal.*Pass --yes to confirm/.test(e.message),
        );
        await confirmChange('write', true);
      } finally {
        process.stdin.isTTY = tty;
      }
    });
  });
});
