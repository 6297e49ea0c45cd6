/**
 * `npm run bench`: runs every benchmark script in turn and prints their figures. Benchmarks
 * print numbers (and ratios measured in the same run); they never assert on time.
 * `npm run bench -- analyze plan` runs only the named ones.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ALL = ['analyze', 'plan', 'program', 'engine', 'server', 'cluster'];
const chosen = process.argv.slice(2).length ? process.argv.slice(2) : ALL;
let failed = 0;
for (const name of chosen) {
  const file = join(__dirname, `${name}.ts`);
  if (!existsSync(file)) {
    console.log(`== ${name}: no bench/${name}.ts`);
    continue;
  }
  console.log(`== ${name}`);
  const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', '--expose-gc', file], {
    stdio: 'inherit',
  });
  if (run.status !== 0) failed += 1;
}
process.exitCode = failed ? 1 : 0;
