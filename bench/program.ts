/**
 * Program speed: registering a plan's resources with the real Pulumi SDKs under the mock
 * monitor (what a preview's program phase costs before the engine), for the reference plan
 * (prod) and synthetic 50- and 500-component plans; plus plan → declarations and eject source
 * generation. Prints the median of several runs after a warm-up (one run for 500), and the
 * 500/50 ratio (≈ 10 means linear). Run: `npx tsx bench/program.ts`.
 */
import { performance } from 'node:perf_hooks';
import type { DeploymentPlan } from '../src/model/plan';
import { createProgram, declareResources, ejectProject } from '../src/program';
import { runRecorded } from '../test/unit/program/support/recorder';
import { secretConfig } from '../test/unit/program/support/recordings';
import { referencePlan } from '../test/unit/program/support/reference-plan';
import { syntheticPlan } from '../test/unit/program/support/synthetic';

const RUNS = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function time(fn: () => unknown | Promise<unknown>, runs = RUNS): Promise<number> {
  await fn(); // warm-up
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    xs.push(performance.now() - t);
  }
  return median(xs);
}

async function measure(label: string, plan: DeploymentPlan, runs = RUNS) {
  const config = secretConfig(plan);
  config['secrets:API_KEY'] ??= 'bench';
  let registered = 0;
  const register = await time(async () => {
    const program = createProgram(plan, {
      target: { kind: 'render' },
      renderDirectory: '/tmp/stackpilot-bench',
    });
    const rec = await runRecorded(program, {
      config,
      secretKeys: Object.keys(config),
      stack: 'bench',
    });
    registered = rec.registrations.length;
  }, runs);
  const declare = await time(() => declareResources(plan), runs);
  const eject = await time(
    () => ejectProject(plan, { env: 'bench', target: { kind: 'render' } }),
    runs,
  );
  console.log(
    `${label.padEnd(22)} ${String(plan.nodes.length).padStart(5)} nodes ${String(registered).padStart(5)} registrations   ` +
      `register ${register.toFixed(0).padStart(6)} ms (${((register / registered) * 1000).toFixed(0)} µs each)   ` +
      `declare ${declare.toFixed(1).padStart(6)} ms   eject ${eject.toFixed(1).padStart(7)} ms`,
  );
  return register;
}

async function main(): Promise<void> {
  console.log(`program registration under Pulumi mocks (median of ${RUNS} after a warm-up)`);
  await measure('reference (prod)', referencePlan('prod'));
  const r50 = await measure('synthetic 50', syntheticPlan(50));
  // One measured run after the warm-up: each takes tens of seconds on a 2-core machine.
  const r500 = await measure('synthetic 500', syntheticPlan(500), 1);
  console.log(`500/50 registration ratio: ${(r500 / r50).toFixed(1)} (10 = linear)`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
