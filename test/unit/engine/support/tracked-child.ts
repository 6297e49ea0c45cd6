/**
 * Stands in for a stackpilot process running an engine operation: tracks an operation, starts
 * a "CLI" (sh) that starts a "plugin" (sleep) in a session of its own, as pulumi's plugins
 * run, records them, prints `READY <cli> <plugin>` and waits to be killed.
 * Usage: tracked-child.ts <processesDir>.
 */
import { spawn } from 'node:child_process';
import { ProcessTracker } from '../../../../src/engine/processes';

// Only as a program: loaded by a test runner (mocha --recursive), it must do nothing.
if (require.main === module) main();

function main(): void {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: tracked-child.ts <processesDir>');
  const op = new ProcessTracker(dir, 50).track('shop', 'dev');
  const cli = spawn('sh', ['-c', 'setsid sleep 300 & echo $!; wait'], {
    env: { ...process.env, ...op.env },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  cli.stdout.once('data', (d: Buffer) => {
    const plugin = d.toString().trim();
    const wait = setInterval(() => {
      op.scan();
      process.stdout.write(`READY ${cli.pid} ${plugin}\n`);
      clearInterval(wait);
    }, 300);
  });
  setInterval(() => undefined, 1000);
}
