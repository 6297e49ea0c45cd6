/**
 * Runs `up` of the reference app in dev in its own process, printing `STEP` at the first
 * resource step, so that a test can kill it mid-update. Usage: up-child.ts <stateDir>.
 */
import { referencePlan, tempEngine } from './engine';

async function main(): Promise<void> {
  const stateDir = process.argv[2];
  if (!stateDir) throw new Error('usage: up-child.ts <stateDir>');
  const { engine } = tempEngine({ stateDir });
  const { plan, env } = await referencePlan('dev');
  let told = false;
  await engine.up(plan, env, {
    missingSecrets: 'placeholder',
    onEvent: (e) => {
      if (e.kind === 'step-start' && !told) {
        told = true;
        process.stdout.write('STEP\n');
      }
    },
  });
  process.stdout.write('DONE\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exitCode = 1;
});
