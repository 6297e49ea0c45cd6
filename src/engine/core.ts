/**
 * What every engine operation shares: the state layout and plan archive, the workspace (CLI,
 * backend, passphrase), opening stacks, running one Automation API call with its errors
 * classified, the per-stack lock of this process, and reading which plans a stack deployed.
 * The operations themselves live in `operations/`, one file each.
 */
import { mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { PulumiFn, Stack } from '@pulumi/pulumi/automation';
import type { Environment } from '../model/environment';
import { ConflictError, NotFoundError } from '../model/errors';
import type { HistoryEntry } from '../model/operations';
import type { DeploymentPlan } from '../model/plan';
import { createProgram } from '../program';
import { PlanArchive } from './archive';
import { checkTarget, NO_CHECK, type ClusterCheck } from './cluster-target';
import { classifyEngineError } from './errors';
import type { EventSink } from './events';
import { helmProgram, helmStack } from './helm-delivery';
import type { ReleaseIntent } from './helm-repair';
import { numberVersions, toHistoryEntry } from './history-entry';
import { StackLocks, type Release } from './lock';
import { fileBackendUpdateCount, lockDirectory, readLocks } from './locks-on-disk';
import { syncSecrets, type MissingSecretPolicy, type SecretSync } from './secrets';
import {
  backendUrl,
  renderDirectory,
  resolvePassphrase,
  stateLayout,
  type Passphrase,
  type PassphrasePolicy,
  type StateLayout,
} from './state';
import { ProcessTracker, type TrackedOperation } from './processes';
import { findToolchain, type Toolchain } from './toolchain';
import { openStack, type OpenMode, type WorkspaceContext } from './workspace';

/** How the engine is set up. */
export interface EngineOptions {
  /** State directory. Default `.stackpilot` in the working directory. */
  stateDir?: string;
  /** Any Pulumi backend URL. Default: a `file://` backend inside the state directory. */
  backendUrl?: string;
  /** Passphrase when `PULUMI_CONFIG_PASSPHRASE` is unset. Default `require`. */
  passphrase?: PassphrasePolicy;
  /** The CLI and plugins. Default: what `npm run setup` prepared. */
  toolchain?: Toolchain;
  /** A second operation on a busy stack waits its turn or is refused. Default `refuse`. */
  onBusy?: 'wait' | 'refuse';
  /** Environment for `STACKPILOT_SECRET_*` values and the passphrase. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** Options shared by the operations that deploy a plan. */
export interface DeployOptions {
  /** Receives secret-free events while the operation runs. */
  onEvent?: EventSink;
  /** Secrets with no value: fail (default) or set labelled placeholders (render targets only). */
  missingSecrets?: MissingSecretPolicy;
  /**
   * Cancels the running engine call: the Automation API sends the pulumi CLI SIGINT, which
   * stops gracefully and releases its lock. Default: not cancellable.
   */
  signal?: AbortSignal;
}

/** A stack opened with a plan's program and every secret the plan reads set on it. */
export interface PreparedStack {
  stack: Stack;
  secrets: SecretSync;
  /** What a cluster target's preflight let through (nothing for a render target). */
  cluster: ClusterCheck;
  /** Under helm delivery: what the Release carries, kept once the operation succeeds. */
  release?: ReleaseIntent;
}

/** The program of a stack that runs no resources: for history, outputs, config and state. */
export const emptyProgram: PulumiFn = async () => ({});

/** Throws a ConflictError (`cancelled`) when `signal` was aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ConflictError('the operation was cancelled', 'cancelled');
}

/** Shared state and helpers of the engine's operations. */
export class EngineCore {
  readonly layout: StateLayout;
  readonly archive: PlanArchive;
  private readonly locks = new StackLocks();
  /** The engine processes of each operation this process runs, for recover after a crash. */
  readonly processes: ProcessTracker;
  private readonly tracked = new Map<string, TrackedOperation>();
  private context: { ws: WorkspaceContext; passphrase: Passphrase } | undefined;

  constructor(readonly options: EngineOptions = {}) {
    this.layout = stateLayout(options.stateDir ?? '.stackpilot');
    this.archive = new PlanArchive(this.layout.plansDir);
    this.processes = new ProcessTracker(this.layout.processesDir);
  }

  /** The environment for `STACKPILOT_SECRET_*` values and the passphrase. */
  env(): NodeJS.ProcessEnv {
    return this.options.env ?? process.env;
  }

  /** The workspace context, resolved (passphrase, toolchain, backend) on first use. */
  workspace(): { ws: WorkspaceContext; passphrase: Passphrase } {
    if (!this.context) {
      const passphrase = resolvePassphrase(
        this.layout,
        this.options.passphrase ?? 'require',
        this.env(),
      );
      this.context = {
        passphrase,
        ws: {
          toolchain: this.options.toolchain ?? findToolchain(this.env()),
          backendUrl: backendUrl(this.layout, this.options.backendUrl),
          passphrase: passphrase.value,
          workspacesDir: this.layout.workspacesDir,
        },
      };
    }
    return this.context;
  }

  /** The directory holding the file backend's lock files of one stack. */
  lockDir(project: string, environment: string): string | undefined {
    return lockDirectory(this.workspace().ws.backendUrl, project, environment);
  }

  /**
   * The version of a stack's latest update. The file backend reports 0 for every update; its
   * history files number them (read from disk: a `pulumi stack history` costs seconds).
   */
  async latestVersion(project: string, environment: string, reported: number): Promise<number> {
    if (reported) return reported;
    const counted = fileBackendUpdateCount(this.workspace().ws.backendUrl, project, environment);
    return counted ?? (await this.history(project, environment))[0]?.version ?? reported;
  }

  /** Opens a stack with `program`; inside `exclusive`, its engine processes are tracked. */
  open(project: string, environment: string, program: PulumiFn, mode: OpenMode): Promise<Stack> {
    const tracked = this.tracked.get(`${project}/${environment}`);
    return openStack(this.workspace().ws, project, environment, program, mode, tracked?.env);
  }

  /**
   * Archives the plan and opens its stack with the plan's program and every secret set. Under
   * helm delivery, `repair` (default on) lets the Release put back objects that differ from
   * the plan (`helm-repair.ts`); off where the operation must match a saved preview exactly.
   */
  async prepare(
    plan: DeploymentPlan,
    env: Environment,
    mode: OpenMode,
    options: DeployOptions,
    { repair = true }: { repair?: boolean } = {},
  ): Promise<PreparedStack> {
    throwIfAborted(options.signal);
    // A cluster (or registry) that lacks what the plan needs is refused here, before the
    // stack is touched.
    const checked = await checkTarget(plan, env);
    const { program, release } = await this.programFor(plan, env, checked, repair);
    const cluster = release?.warning
      ? { ...checked, warnings: [...checked.warnings, release.warning] }
      : checked;
    this.archive.put(plan);
    const stack = await this.open(plan.app, env.name, program, mode);
    const secrets = await this.syncSecrets(stack, plan, options.missingSecrets);
    // An abort while preparing must stop the operation: the engine call is not running yet.
    throwIfAborted(options.signal);
    return { stack, secrets, cluster, ...(release ? { release } : {}) };
  }

  /**
   * The inline program of `plan` on `env`'s target, delivered as `env.delivery` says; under
   * helm delivery also what its Release carries (`repair` as in `helm-repair.ts`).
   */
  async programFor(
    plan: DeploymentPlan,
    env: Environment,
    cluster: ClusterCheck = NO_CHECK,
    repair = false,
  ): Promise<{ program: PulumiFn; release?: ReleaseIntent }> {
    const directory =
      env.target.kind === 'render'
        ? renderDirectory(this.layout, env.name, env.target.directory)
        : undefined;
    const options = {
      target: env.target,
      ...(directory ? { renderDirectory: directory } : {}),
      ...(env.target.kind === 'cluster'
        ? { omit: cluster.omit, readinessTimeoutSeconds: env.cluster.readinessTimeoutSeconds }
        : {}),
    };
    if (env.delivery !== 'helm') return { program: createProgram(plan, options) };
    const helm = await helmStack(this.layout, plan, env, cluster.omit, repair);
    return { program: helmProgram(plan, options, helm), release: helm.release };
  }

  /** Opens an existing stack with its deployed plan's program (refresh, destroy, drift). */
  async openDeployed(project: string, env: Environment): Promise<Stack> {
    return (await this.openDeployedPlan(project, env)).stack;
  }

  /**
   * Opens an existing stack with the program of its deployed plan (an empty one when none is
   * archived), and returns that plan too.
   */
  async openDeployedPlan(
    project: string,
    env: Environment,
  ): Promise<{ stack: Stack; plan?: DeploymentPlan }> {
    const plan = await this.deployedPlan(project, env.name);
    const program = plan ? (await this.programFor(plan, env)).program : emptyProgram;
    const stack = await this.open(project, env.name, program, 'select');
    return { stack, ...(plan ? { plan } : {}) };
  }

  /** The plan of the last successful update, when the stack has one (and it is archived here). */
  async deployedPlan(project: string, environment: string): Promise<DeploymentPlan | undefined> {
    const hash = await this.lastGoodPlan(project, environment);
    return hash && this.archive.has(hash) ? this.archive.get(hash) : undefined;
  }

  /** The stack's updates, newest first, never with secret values or config. */
  async history(project: string, environment: string): Promise<HistoryEntry[]> {
    const stack = await this.open(project, environment, emptyProgram, 'select');
    const entries = await this.call(project, environment, [], () =>
      stack.history(undefined, undefined, false),
    );
    return numberVersions(entries.map(toHistoryEntry));
  }

  /** Plan hashes of successful stackpilot updates, newest first; none for a missing stack. */
  async deployedPlans(project: string, environment: string): Promise<string[]> {
    let entries: HistoryEntry[];
    try {
      entries = await this.history(project, environment);
    } catch (err) {
      if (err instanceof NotFoundError) return [];
      throw err;
    }
    return entries
      .filter((e) => e.result === 'succeeded' && e.planHash)
      .map((e) => e.planHash as string);
  }

  /** The plan hash of the last successful stackpilot update. */
  async lastGoodPlan(project: string, environment: string): Promise<string | undefined> {
    return (await this.deployedPlans(project, environment))[0];
  }

  /** A fresh path for a Pulumi update plan saved by a preview. */
  newUpdatePlanPath(plan: DeploymentPlan, env: Environment): string {
    mkdirSync(this.layout.updatePlansDir, { recursive: true });
    return join(
      this.layout.updatePlansDir,
      `${plan.app}-${env.name}-${plan.hash.slice(7, 19)}-${randomUUID()}.json`,
    );
  }

  /** Makes sure every secret the plan reads has a value, classifying (and redacting) failures. */
  private syncSecrets(
    stack: Stack,
    plan: DeploymentPlan,
    policy: MissingSecretPolicy = 'error',
  ): Promise<SecretSync> {
    const fromEnv = Object.entries(this.env())
      .filter(([k, v]) => k.startsWith('STACKPILOT_SECRET_') && v)
      .map(([, v]) => v as string);
    return this.call(plan.app, stack.name, fromEnv, () =>
      syncSecrets(stack, plan, policy, this.env()),
    );
  }

  /** Runs one Automation API call, classifying whatever it throws. */
  async call<T>(
    project: string,
    environment: string,
    secrets: readonly string[],
    fn: () => Promise<T>,
  ): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const lockDir = this.lockDir(project, environment);
      throw classifyEngineError(err, {
        project,
        environment,
        secrets,
        lockHolders: () =>
          readLocks(lockDir).map(({ lock: { stale: _stale, ...holder } }) => holder),
      });
    }
  }

  /** Runs `fn` holding this process's lock on the stack. */
  async exclusive<T>(project: string, environment: string, fn: () => Promise<T>): Promise<T> {
    const key = `${project}/${environment}`;
    let release: Release | undefined;
    if (this.options.onBusy === 'wait') release = await this.locks.acquire(key);
    else release = this.locks.tryAcquire(key);
    if (!release)
      throw new ConflictError(
        `stack ${key} is busy with another operation in this process`,
        'stack_busy',
      );
    const tracked = this.processes.track(project, environment);
    this.tracked.set(key, tracked);
    try {
      return await fn();
    } finally {
      this.tracked.delete(key);
      tracked.stop();
      release();
    }
  }
}
