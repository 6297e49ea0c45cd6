/**
 * Recordings of the inline program of each test plan, made once per test process and shared
 * by the test files (each recording runs the real SDKs under the mock monitor).
 */
import { createProgram } from '../../../../src/program';
import type { DeploymentPlan } from '../../../../src/model/plan';
import { runRecorded, type Recording } from './recorder';
import { CANARIES } from './reference-plan';

/** Render directory handed to the program; under mocks nothing is written there. */
export const RENDER_DIR = '/tmp/stackpilot-program-test/rendered';

const cache = new Map<string, Promise<Recording>>();
/** The mock runtime is process-global: one recording at a time. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Config for a plan's run: every `secrets:*` key the plan reads gets a value — the canary of
 * that key when there is one, otherwise a labelled stand-in.
 */
export function secretConfig(plan: DeploymentPlan): Record<string, string> {
  const config: Record<string, string> = {};
  for (const node of plan.nodes) {
    if (node.kind !== 'secret') continue;
    for (const e of node.spec.entries) {
      for (const p of e.parts) {
        if ('config' in p) {
          config[p.config] =
            (CANARIES as Record<string, string>)[p.config] ??
            `sk-canary-${p.config.replace(/\W/g, '-')}`;
        }
      }
    }
  }
  return config;
}

/** The recording of `plan`'s inline program with a render target (cached by plan hash). */
export function recordPlan(plan: DeploymentPlan): Promise<Recording> {
  let r = cache.get(plan.hash);
  if (!r) {
    const config = secretConfig(plan);
    const program = createProgram(plan, {
      target: { kind: 'render' },
      renderDirectory: RENDER_DIR,
    });
    r = queue.then(() =>
      runRecorded(program, { config, secretKeys: Object.keys(config), stack: plan.environment }),
    );
    queue = r.catch(() => undefined);
    cache.set(plan.hash, r);
  }
  return r;
}
