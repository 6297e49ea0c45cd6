/**
 * Repairing a file backend after a killed engine, on backend layouts built as Pulumi's file
 * backend writes them: empty or half-written `.attrs` sidecars, empty and truncated checkpoints.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repairStackState, type RepairTarget } from '../../../src/engine/state-repair';

const checkpoint = (time: string, resources = 3) =>
  JSON.stringify({
    version: 3,
    checkpoint: {
      stack: 'organization/shop/dev',
      latest: { manifest: { time }, resources: Array.from({ length: resources }, (_, i) => i) },
    },
  });
const ATTRS = '{"user.cache_control":"","user.content_type":"application/json","md5":"x"}\n';

describe('engine/state-repair', () => {
  let root: string;
  let target: RepairTarget;
  const file = (rel: string) => join(target.backendDir, '.pulumi', rel);
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(file(rel)), { recursive: true });
    writeFileSync(file(rel), text);
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'stackpilot-repair-'));
    target = {
      backendDir: join(root, 'backend'),
      project: 'shop',
      stack: 'dev',
      quarantineDir: join(root, 'quarantine'),
    };
    write('meta.yaml', 'version: 1\n');
    write('meta.yaml.attrs', ATTRS);
    write('stacks/shop/dev.json', checkpoint('2030-01-01T00:02:00Z'));
    write('stacks/shop/dev.json.attrs', ATTRS);
    write('stacks/shop/dev.json.bak', checkpoint('2030-01-01T00:01:00Z'));
    write('backups/shop/dev/dev.1.json', checkpoint('2030-01-01T00:00:30Z'));
    write('history/shop/dev/dev-1.history.json', '{"kind":"update"}');
    write('history/shop/dev/dev-1.history.json.attrs', ATTRS);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('finds nothing to repair on a healthy stack, or on one that does not exist', () => {
    assert.deepEqual(repairStackState(target), []);
    assert.deepEqual(repairStackState({ ...target, stack: 'prod' }), []);
  });

  it('moves an empty or half-written sidecar aside, keeping its bytes', () => {
    write('stacks/shop/dev.json.attrs', '');
    write('history/shop/dev/dev-1.history.json.attrs', '{"user.cache_con');
    const repairs = repairStackState(target);
    assert.deepEqual(
      repairs.map((r) => [r.file, r.problem, r.action]),
      [
        ['.pulumi/stacks/shop/dev.json.attrs', 'empty', 'moved-aside'],
        ['.pulumi/history/shop/dev/dev-1.history.json.attrs', 'truncated', 'moved-aside'],
      ],
    );
    assert.ok(!existsSync(file('stacks/shop/dev.json.attrs')));
    const kept = join(target.quarantineDir, repairs[1]?.keptAs ?? '');
    assert.equal(readFileSync(kept, 'utf8'), '{"user.cache_con');
    assert.equal(
      readFileSync(file('stacks/shop/dev.json'), 'utf8'),
      checkpoint('2030-01-01T00:02:00Z'),
    );
    assert.deepEqual(repairStackState(target), [], 'idempotent');
  });

  it('restores an empty or truncated checkpoint from the newest intact copy and keeps the broken one', () => {
    write('backups/shop/dev/dev.2.json', checkpoint('2030-01-01T00:01:30Z', 5));
    write('backups/shop/dev/dev.3.json', checkpoint('2030-01-01T00:09:00Z').slice(0, 40));
    for (const broken of ['', checkpoint('2030-01-01T00:02:00Z').slice(0, 50)]) {
      write('stacks/shop/dev.json', broken);
      write('stacks/shop/dev.json.attrs', ATTRS);
      const repairs = repairStackState(target).filter((r) => r.file.endsWith('dev.json'));
      assert.deepEqual(
        repairs.map((r) => [r.problem, r.action, r.source]),
        [[broken ? 'truncated' : 'empty', 'restored', '.pulumi/backups/shop/dev/dev.2.json']],
      );
      assert.equal(
        readFileSync(file('stacks/shop/dev.json'), 'utf8'),
        checkpoint('2030-01-01T00:01:30Z', 5),
      );
      assert.equal(
        readFileSync(join(target.quarantineDir, repairs[0]?.keptAs ?? ''), 'utf8'),
        broken,
      );
      assert.ok(!existsSync(file('stacks/shop/dev.json.attrs')), 'stale checksum sidecar gone');
    }
  });

  it('leaves a checkpoint without an intact copy in place and says so', () => {
    rmSync(file('stacks/shop/dev.json.bak'));
    rmSync(file('backups'), { recursive: true });
    write('stacks/shop/dev.json', '{"version":3,"checkp');
    assert.deepEqual(
      repairStackState(target).map((r) => [r.file, r.action]),
      [['.pulumi/stacks/shop/dev.json', 'unrepairable']],
    );
    assert.equal(readFileSync(file('stacks/shop/dev.json'), 'utf8'), '{"version":3,"checkp');
  });

  it('never restores a copy of another stack', () => {
    write('stacks/shop/dev.json', '');
    write(
      'stacks/shop/dev.json.bak',
      checkpoint('2030-01-01T00:05:00Z').replace('shop/dev', 'shop/prod'),
    );
    const [repair] = repairStackState(target).filter((r) => r.file.endsWith('dev.json'));
    assert.equal(repair?.source, '.pulumi/backups/shop/dev/dev.1.json');
  });
});
