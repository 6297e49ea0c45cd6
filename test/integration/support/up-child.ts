/**
 * Runs `up` of the reference app in dev in its own process, printing `STEP` at the first
 * resource step, so that a test can kill it mid-update. Usage: up-child.ts <stateDir> [variant]:
 * odd variants run the web component with 2 replicas, so that consecutive runs change things.
 */
import { referencePlan, tempEngine } from './engine';

async function main(): Promise<void> {
  const stateDir = process.argv[2];
  const variant = Number(process.argv[3] ?? 0);
  if (!stateDir) throw new Error('usage: up-child.ts <stateDir> [variant]');
  const { engine } = tempEngine({ stateDir });
  const { plan, env } = await referencePlan('dev', (e) =>
    variant % 2
      ? { ...e, components: { ...e.components, web: { ...(e.components.web ?? {}), replicas: 2 } } }
      : e,
  );
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
