/**
 * Runs a stackpilot server in its own process, so that a test can kill it (SIGKILL) in the
 * middle of an operation and start another on the same state directory and database.
 * Usage: server-child.ts <stateDir> <stacksDir>. Prints one JSON line `{ url, startup }`.
 */
import { createLogger } from '../../../../src/server/logger';
import { startServer } from '../../../../src/server/server';
import { engineEnv, FIXTURES } from './harness';

async function main(): Promise<void> {
  const [stateDir, stacksDir] = process.argv.slice(2);
  if (!stateDir || !stacksDir) throw new Error('usage: server-child.ts <stateDir> <stacksDir>');
  const server = await startServer({
    stateDir,
    stacksDir,
    allowedRoots: [FIXTURES],
    env: engineEnv(),
    missingSecrets: 'placeholder',
    logger: createLogger({ level: 'warn' }),
  });
  process.stdout.write(`${JSON.stringify({ url: server.url, startup: server.startup })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
