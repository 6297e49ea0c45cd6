/**
 * Stand-ins for the engine and the pipeline, for unit tests of the HTTP layer (auth, input
 * parsing, problem mapping, gates, the runner). The integration tests use the real ones.
 */
import type { Engine } from '../../../../src/engine';
import type { AppModel } from '../../../../src/model/app';
import type { Diagnosis } from '../../../../src/model/diagnosis';
import type { Environment } from '../../../../src/model/environment';
import { ConflictError, NotFoundError } from '../../../../src/model/errors';
import type { DeploymentPlan } from '../../../../src/model/plan';
import { resolveEnvironment } from '../../../../src/plan';
import { createLogger } from '../../../../src/server/logger';
import { buildDeps } from '../../../../src/server/server';
import type { AppDeps, EngineLike, Pipeline } from '../../../../src/server/deps';
import { createToken, ManualClock, type Role } from '../../../../src/store';
import { samplePlan } from './plans';

type PreviewArgs = Parameters<Engine['preview']>;
type UpArgs = Parameters<Engine['up']>;

/** One engine call, as the fake saw it. */
export interface Call {
  op: 'preview' | 'up' | 'rollback' | 'recover' | 'drift' | 'diagnose';
  stack: string;
  updatePlan?: string;
}

/** An engine that answers at once (or when `hold` is released), emitting two events per call. */
export class FakeEngine implements EngineLike {
  readonly calls: Call[] = [];
  /** When set, each call waits for this promise before finishing. */
  hold: Promise<void> | undefined;
  /** The next up throws this. */
  failNextUp: Error | undefined;

  async preview(...[plan, env, options]: PreviewArgs) {
    this.calls.push({ op: 'preview', stack: `${plan.app}/${env.name}` });
    options?.onEvent?.({ sequence: 1, kind: 'step-start', op: 'create', name: 'namespace' });
    await this.hold;
    options?.onEvent?.({ sequence: 2, kind: 'summary', changes: { create: plan.nodes.length } });
    return {
      project: plan.app,
      environment: env.name,
      planHash: plan.hash,
      changes: { create: plan.nodes.length },
      steps: [],
      ...(options?.saveUpdatePlan
        ? { updatePlan: `/state/update-plans/${plan.hash.slice(7, 15)}.json` }
        : {}),
      warnings: [],
    };
  }

  async up(...[plan, env, options]: UpArgs) {
    this.calls.push({
      op: 'up',
      stack: `${plan.app}/${env.name}`,
      ...(options?.updatePlan ? { updatePlan: options.updatePlan } : {}),
    });
    options?.onEvent?.({ sequence: 1, kind: 'step-start', op: 'create', name: 'namespace' });
    await this.hold;
    const fail = this.failNextUp;
    this.failNextUp = undefined;
    if (fail) throw fail;
    return {
      project: plan.app,
      environment: env.name,
      planHash: plan.hash,
      status: 'succeeded' as const,
      changes: { create: 1 },
      steps: [],
      outputs: {},
      version: 1,
      warnings: [],
    };
  }

  async rollback(project: string, env: Environment) {
    this.calls.push({ op: 'rollback', stack: `${project}/${env.name}` });
    await this.hold;
    return {
      project,
      environment: env.name,
      planHash: samplePlan('dev').hash,
      status: 'succeeded' as const,
      changes: {},
      steps: [],
      outputs: {},
      warnings: [],
    };
  }

  async history(project: string, environment: string) {
    if (environment === 'nowhere')
      throw new NotFoundError(`stack ${project}/${environment} does not exist yet`);
    return [];
  }

  async outputs() {
    return {};
  }

  async drift(project: string, env: Environment) {
    this.calls.push({ op: 'drift', stack: `${project}/${env.name}` });
    return { project, environment: env.name, drifted: false, resources: [] };
  }

  async diagnose(project: string, env: Environment): Promise<Diagnosis> {
    this.calls.push({ op: 'diagnose', stack: `${project}/${env.name}` });
    return {
      project,
      environment: env.name,
      namespace: env.namespace,
      healthy: true,
      findings: [],
      notes: [],
    };
  }

  async deployedPlan(): Promise<DeploymentPlan | undefined> {
    return undefined;
  }

  async inspect(project: string, environment: string) {
    return { project, environment, exists: false, locks: [], pendingOperations: [] };
  }

  async recover(project: string, environment: string) {
    this.calls.push({ op: 'recover', stack: `${project}/${environment}` });
    return {
      project,
      environment,
      clearedLocks: 0,
      clearedPendingOperations: 0,
      keptLocks: [],
      repairs: [],
      leftoverProcesses: [],
    };
  }
}

/** The plan-time and engine-time conflict the real engine raises for a drifted stack. */
export const driftError = () =>
  new ConflictError(
    'what shop/prod would apply differs from the approved preview',
    'plan_mismatch',
  );

/** An inline app of one component (an app without components is refused, 422). */
export const APP: AppModel = {
  schemaVersion: 1,
  name: 'shop',
  components: [
    {
      name: 'web',
      kind: 'backend',
      path: '.',
      language: 'javascript',
      port: 3000,
      build: { strategy: 'generate', context: '.' },
      env: [],
      public: true,
      features: {},
      sourceDigest: `sha256:${'0'.repeat(64)}`,
      evidence: [],
    },
  ],
  externalServices: [],
  edges: [],
  warnings: [],
};

/** Environments dev (ungated) and prod (gated, 60 minutes), rendered; plans from the reference plan. */
export function fakePipeline(): Pipeline & { variant: number } {
  const pipeline = {
    variant: 0,
    analyze: async () => APP,
    loadEnvironment: async (name: string): Promise<Environment> => {
      if (!['dev', 'staging', 'prod'].includes(name))
        throw new NotFoundError(`unknown environment "${name}"`);
      return resolveEnvironment(name, { target: { kind: 'render' } });
    },
    plan: async (_app: AppModel, env: Environment): Promise<DeploymentPlan> =>
      samplePlan(env.name as 'dev' | 'prod', pipeline.variant),
    report: (plan: DeploymentPlan) => `# ${plan.app} in ${plan.environment}\n`,
    diff: (a: DeploymentPlan, b: DeploymentPlan) => ({ from: a.hash, to: b.hash }),
    formatDiff: (d: unknown) => JSON.stringify(d),
  };
  return pipeline;
}

/** A token of each role, plus a second deployer and approver. */
export type Tokens = Record<Role | 'deployer2' | 'approver2', string>;

/** App dependencies over an in-memory store, the fake engine and pipeline, and a manual clock. */
export function fakeDeps(
  options: { busy?: 'queue' | 'refuse'; allowedRoots?: string[]; logLines?: string[] } = {},
): {
  deps: AppDeps;
  engine: FakeEngine;
  pipeline: ReturnType<typeof fakePipeline>;
  clock: ManualClock;
  tokens: Tokens;
} {
  const engine = new FakeEngine();
  const pipeline = fakePipeline();
  const clock = new ManualClock();
  const deps = buildDeps({
    databaseFile: ':memory:',
    engine,
    pipeline,
    clock,
    logger: options.logLines
      ? createLogger({
          level: 'info',
          destination: { write: (l: string) => options.logLines?.push(l) },
        })
      : createLogger({ level: 'silent' }),
    busy: options.busy ?? 'queue',
    allowedRoots: options.allowedRoots ?? [],
  });
  const token = (name: string, role: Role) => createToken(deps.store, name, role).token;
  const tokens: Tokens = {
    viewer: token('viewer', 'viewer'),
    deployer: token('deployer', 'deployer'),
    deployer2: token('deployer2', 'deployer'),
    approver: token('approver', 'approver'),
    approver2: token('approver2', 'approver'),
    admin: token('admin', 'admin'),
  };
  return { deps, engine, pipeline, clock, tokens };
}

/** A promise and the function that resolves it. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
