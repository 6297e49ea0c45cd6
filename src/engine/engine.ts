/**
 * The engine: one Pulumi stack per (project, environment) through the Automation API, with
 * preview, up, refresh, destroy, history, outputs, rollback, inspect and recover. The only
 * module that runs Pulumi and touches its state.
 */
import { mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { OutputMap, PulumiFn, Stack, UpdateSummary } from '@pulumi/pulumi/automation';
import type { Environment } from '../model/environment';
import { ConflictError, EngineError, InputError, NotFoundError } from '../model/errors';
import type {
  HistoryEntry,
  PreviewResult,
  RecoverResult,
  StackHealth,
  Step,
  UpResult,
} from '../model/operations';
import type { DeploymentPlan } from '../model/plan';
import { createProgram } from '../program';
import { PlanArchive } from './archive';
import { classifyEngineError } from './errors';
import { StepRecorder, type EventSink } from './events';
import { StackLocks, type Release } from './lock';
import { lockDirectory, readLocks, removeLock } from './locks-on-disk';
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
}

/** Options of a preview. */
export interface PreviewOptions extends DeployOptions {
  /** Save the Pulumi update plan, so that a later up can be held to exactly this preview. */
  saveUpdatePlan?: boolean;
}

/** Options of an up. */
export interface UpOptions extends DeployOptions {
  /** Path of an update plan saved by a preview: the up may do only what that preview showed. */
  updatePlan?: string;
}

const MESSAGE = /^stackpilot (up|rollback) plan (sha256:[0-9a-f]{64})$/;

/** The stack-per-environment engine. */
export class Engine {
  readonly layout: StateLayout;
  readonly archive: PlanArchive;
  private readonly locks = new StackLocks();
  private readonly options: EngineOptions;
  private context: { ws: WorkspaceContext; passphrase: Passphrase } | undefined;

  constructor(options: EngineOptions = {}) {
    this.options = options;
    this.layout = stateLayout(options.stateDir ?? '.stackpilot');
    this.archive = new PlanArchive(this.layout.plansDir);
  }

  /** Where the passphrase came from (`generated` means this engine just created one). */
  passphraseSource(): Passphrase['source'] {
    return this.workspace().passphrase.source;
  }

  /** Previews `plan` on its environment's stack. Creates the stack when it does not exist. */
  async preview(
    plan: DeploymentPlan,
    env: Environment,
    options: PreviewOptions = {},
  ): Promise<PreviewResult> {
    return this.exclusive(plan.app, env.name, async () => {
      const { stack, secrets } = await this.prepare(plan, env, 'create-or-select', options);
      const recorder = new StepRecorder(options.onEvent, secrets.values);
      const updatePlan = options.saveUpdatePlan ? this.newUpdatePlanPath(plan, env) : undefined;
      await this.call(plan.app, env.name, secrets.values, () =>
        stack.preview({ onEvent: recorder.onEvent, ...(updatePlan ? { plan: updatePlan } : {}) }),
      );
      return {
        project: plan.app,
        environment: env.name,
        planHash: plan.hash,
        changes: recorder.changes(),
        steps: recorder.steps(),
        ...(updatePlan ? { updatePlan } : {}),
        warnings: placeholderWarnings(secrets.placeholders),
      };
    });
  }

  /**
   * Applies `plan`. An engine failure is a result (`failed`), not an exception; when the
   * environment asks for it, the last good plan is then re-applied (`rolled-back`).
   */
  async up(plan: DeploymentPlan, env: Environment, options: UpOptions = {}): Promise<UpResult> {
    return this.exclusive(plan.app, env.name, async () => {
      const prepared = await this.prepare(plan, env, 'create-or-select', options);
      const result = await this.apply(prepared, plan, env, 'up', options);
      if (result.status !== 'failed' || !env.autoRollback) return result;
      const lastGood = await this.lastGoodPlan(plan.app, env.name);
      if (!lastGood || lastGood === plan.hash) return result;
      const good = this.archive.get(lastGood);
      const back = await this.apply(
        await this.prepare(good, env, 'select', options),
        good,
        env,
        'rollback',
        {
          ...options,
          updatePlan: undefined,
        },
      );
      return {
        ...result,
        status: back.status === 'succeeded' ? 'rolled-back' : 'failed',
        rollback: {
          planHash: lastGood,
          status: back.status === 'succeeded' ? 'succeeded' : 'failed',
          ...(back.error ? { error: back.error } : {}),
        },
      };
    });
  }

  /**
   * Re-applies an earlier deployed plan: `to` is a plan hash, or omitted for the one deployed
   * before the current one. Previews first, so a plan that cannot apply fails before changing anything.
   */
  async rollback(
    project: string,
    env: Environment,
    options: DeployOptions & { to?: string } = {},
  ): Promise<UpResult> {
    return this.exclusive(project, env.name, async () => {
      const target = options.to ?? (await this.previousPlan(project, env.name));
      const plan = this.archive.get(target);
      if (plan.app !== project || plan.environment !== env.name) {
        throw new ConflictError(
          `plan ${target} belongs to ${plan.app}/${plan.environment}, not ${project}/${env.name}`,
        );
      }
      const prepared = await this.prepare(plan, env, 'select', options);
      await this.call(project, env.name, prepared.secrets.values, () => prepared.stack.preview({}));
      return this.apply(prepared, plan, env, 'rollback', options);
    });
  }

  /** Reads the live cluster's state back into the stack (cluster targets only). */
  async refresh(
    project: string,
    env: Environment,
    options: DeployOptions = {},
  ): Promise<{ changes: Record<string, number>; steps: Step[] }> {
    if (env.target.kind === 'render') {
      throw new InputError(
        `environment ${env.name} renders YAML to a directory: there is no live cluster to refresh from`,
      );
    }
    return this.onDeployedStack(project, env, options, (stack, onEvent) =>
      stack.refresh({ onEvent }),
    );
  }

  /** Deletes every resource of the stack; the stack and its history stay. */
  async destroy(
    project: string,
    env: Environment,
    options: DeployOptions = {},
  ): Promise<{ changes: Record<string, number>; steps: Step[] }> {
    return this.onDeployedStack(project, env, options, (stack, onEvent) =>
      stack.destroy({ onEvent }),
    );
  }

  /** Runs a whole-stack operation (refresh, destroy) with the deployed plan's program. */
  private async onDeployedStack(
    project: string,
    env: Environment,
    options: DeployOptions,
    run: (stack: Stack, onEvent: StepRecorder['onEvent']) => Promise<unknown>,
  ): Promise<{ changes: Record<string, number>; steps: Step[] }> {
    return this.exclusive(project, env.name, async () => {
      const stack = await this.open(
        project,
        env.name,
        await this.deployedProgram(project, env),
        'select',
      );
      const recorder = new StepRecorder(options.onEvent, []);
      await this.call(project, env.name, [], () => run(stack, recorder.onEvent));
      return { changes: recorder.changes(), steps: recorder.steps() };
    });
  }

  /** The stack's updates, newest first, never with secret values or config. */
  async history(project: string, environment: string): Promise<HistoryEntry[]> {
    const stack = await this.open(project, environment, emptyProgram, 'select');
    const entries = await this.call(project, environment, [], () =>
      stack.history(undefined, undefined, false),
    );
    return entries.map(toHistoryEntry);
  }

  /** The stack outputs, secret values masked. */
  async outputs(project: string, environment: string): Promise<Record<string, unknown>> {
    const stack = await this.open(project, environment, emptyProgram, 'select');
    return maskOutputs(await this.call(project, environment, [], () => stack.outputs()));
  }

  /** What state the stack is in: locks (and whether their holders are gone), pending operations. */
  async inspect(project: string, environment: string): Promise<StackHealth> {
    const locks = readLocks(
      lockDirectory(this.workspace().ws.backendUrl, project, environment),
    ).map((l) => l.lock);
    let stack: Stack;
    try {
      stack = await this.open(project, environment, emptyProgram, 'select');
    } catch (err) {
      if (err instanceof NotFoundError)
        return { project, environment, exists: false, locks, pendingOperations: [] };
      throw err;
    }
    const deployment = (await this.call(project, environment, [], () => stack.exportStack()))
      .deployment as {
      pending_operations?: { type: string; resource: { urn: string; type: string } }[];
    };
    const deployedPlanHash = await this.lastGoodPlan(project, environment);
    return {
      project,
      environment,
      exists: true,
      locks,
      pendingOperations: (deployment.pending_operations ?? []).map((p) => ({
        type: p.resource.type,
        urn: p.resource.urn,
        op: p.type,
      })),
      ...(deployedPlanHash ? { deployedPlanHash } : {}),
    };
  }

  /**
   * Clears what a crashed operation left: stale locks (holder gone; any lock with `force`) and
   * pending operations. Refused while this process itself runs an operation on the stack.
   */
  async recover(
    project: string,
    environment: string,
    options: { force?: boolean } = {},
  ): Promise<RecoverResult> {
    return this.exclusive(project, environment, async () => {
      const files = readLocks(lockDirectory(this.workspace().ws.backendUrl, project, environment));
      const clear = files.filter((f) => f.lock.stale || options.force);
      clear.forEach(removeLock);
      const kept = files.filter((f) => !clear.includes(f)).map((f) => f.lock);
      let clearedPendingOperations = 0;
      if (kept.length === 0) {
        const stack = await this.open(project, environment, emptyProgram, 'select');
        const state = await this.call(project, environment, [], () => stack.exportStack());
        const deployment = state.deployment as { pending_operations?: unknown[] };
        clearedPendingOperations = deployment.pending_operations?.length ?? 0;
        if (clearedPendingOperations > 0) {
          await this.call(project, environment, [], () =>
            stack.importStack({ ...state, deployment: { ...deployment, pending_operations: [] } }),
          );
        }
      }
      return {
        project,
        environment,
        clearedLocks: clear.length,
        clearedPendingOperations,
        keptLocks: kept,
      };
    });
  }

  /** The plan of the last successful update, when the stack has one (and it is archived here). */
  async deployedPlan(project: string, environment: string): Promise<DeploymentPlan | undefined> {
    const hash = await this.lastGoodPlan(project, environment);
    return hash && this.archive.has(hash) ? this.archive.get(hash) : undefined;
  }

  /** Sets an application secret (`secrets:NAME`) on the stack, encrypted with its passphrase. */
  async setSecret(project: string, environment: string, key: string, value: string): Promise<void> {
    await this.exclusive(project, environment, async () => {
      const stack = await this.open(project, environment, emptyProgram, 'create-or-select');
      await this.call(project, environment, [value], () =>
        stack.setConfig(key, { value, secret: true }),
      );
    });
  }

  /** Archives the plan and opens its stack with the plan's program and every secret set. */
  private async prepare(
    plan: DeploymentPlan,
    env: Environment,
    mode: OpenMode,
    options: DeployOptions,
  ): Promise<{ stack: Stack; secrets: SecretSync }> {
    this.archive.put(plan);
    const stack = await this.open(plan.app, env.name, this.programFor(plan, env), mode);
    return { stack, secrets: await this.syncSecrets(stack, plan, options.missingSecrets) };
  }

  /** Runs `up` on a prepared stack; an engine failure is a `failed` result. */
  private async apply(
    { stack, secrets }: { stack: Stack; secrets: SecretSync },
    plan: DeploymentPlan,
    env: Environment,
    action: 'up' | 'rollback',
    options: UpOptions,
  ): Promise<UpResult> {
    const recorder = new StepRecorder(options.onEvent, secrets.values);
    const base = {
      project: plan.app,
      environment: env.name,
      planHash: plan.hash,
      warnings: placeholderWarnings(secrets.placeholders),
    };
    try {
      const result = await this.call(plan.app, env.name, secrets.values, () =>
        stack.up({
          onEvent: recorder.onEvent,
          message: `stackpilot ${action} plan ${plan.hash}`,
          ...(options.updatePlan ? { plan: options.updatePlan } : {}),
        }),
      );
      return {
        ...base,
        status: 'succeeded',
        changes: recorder.changes(),
        steps: recorder.steps(),
        outputs: maskOutputs(result.outputs),
        version: result.summary.version,
      };
    } catch (err) {
      if (!(err instanceof EngineError)) throw err;
      return {
        ...base,
        status: 'failed',
        changes: recorder.changes(),
        steps: recorder.steps(),
        outputs: {},
        error: err.message,
      };
    }
  }

  /** Plan hashes of successful stackpilot updates, newest first. */
  private async deployedPlans(project: string, environment: string): Promise<string[]> {
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

  private async lastGoodPlan(project: string, environment: string): Promise<string | undefined> {
    return (await this.deployedPlans(project, environment))[0];
  }

  private async previousPlan(project: string, environment: string): Promise<string> {
    const [current, ...older] = await this.deployedPlans(project, environment);
    const previous = older.find((h) => h !== current);
    if (!previous)
      throw new NotFoundError(
        `${project}/${environment} has no earlier deployed plan to roll back to`,
      );
    return previous;
  }

  private async deployedProgram(project: string, env: Environment): Promise<PulumiFn> {
    const plan = await this.deployedPlan(project, env.name);
    return plan ? this.programFor(plan, env) : emptyProgram;
  }

  private programFor(plan: DeploymentPlan, env: Environment): PulumiFn {
    const directory =
      env.target.kind === 'render'
        ? renderDirectory(this.layout, env.name, env.target.directory)
        : undefined;
    return createProgram(plan, {
      target: env.target,
      ...(directory ? { renderDirectory: directory } : {}),
    });
  }

  private newUpdatePlanPath(plan: DeploymentPlan, env: Environment): string {
    mkdirSync(this.layout.updatePlansDir, { recursive: true });
    return join(
      this.layout.updatePlansDir,
      `${plan.app}-${env.name}-${plan.hash.slice(7, 19)}-${randomUUID()}.json`,
    );
  }

  private env(): NodeJS.ProcessEnv {
    return this.options.env ?? process.env;
  }

  private workspace(): { ws: WorkspaceContext; passphrase: Passphrase } {
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

  private open(
    project: string,
    environment: string,
    program: PulumiFn,
    mode: OpenMode,
  ): Promise<Stack> {
    return openStack(this.workspace().ws, project, environment, program, mode);
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
  private async call<T>(
    project: string,
    environment: string,
    secrets: readonly string[],
    fn: () => Promise<T>,
  ): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const lockDir = lockDirectory(this.workspace().ws.backendUrl, project, environment);
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
  private async exclusive<T>(
    project: string,
    environment: string,
    fn: () => Promise<T>,
  ): Promise<T> {
    const key = `${project}/${environment}`;
    let release: Release | undefined;
    if (this.options.onBusy === 'wait') release = await this.locks.acquire(key);
    else release = this.locks.tryAcquire(key);
    if (!release)
      throw new ConflictError(
        `stack ${key} is busy with another operation in this process`,
        'stack_busy',
      );
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

const emptyProgram: PulumiFn = async () => ({});

function placeholderWarnings(keys: string[]): string[] {
  return keys.map(
    (k) =>
      `${k} has no value: a placeholder was deployed (set it with \`stackpilot secrets set ${k}\`)`,
  );
}

function maskOutputs(outputs: OutputMap): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(outputs).sort()) {
    const o = outputs[key];
    if (o) out[key] = o.secret ? '[secret]' : o.value;
  }
  return out;
}

function toHistoryEntry(u: UpdateSummary): HistoryEntry {
  const m = MESSAGE.exec(u.message ?? '');
  const changes: Record<string, number> = {};
  for (const [k, v] of Object.entries(u.resourceChanges ?? {})) if (v) changes[k] = v;
  return {
    version: u.version,
    kind: u.kind,
    result: u.result,
    startTime: new Date(u.startTime).toISOString(),
    ...(u.endTime ? { endTime: new Date(u.endTime).toISOString() } : {}),
    ...(m ? { action: m[1] as 'up' | 'rollback', planHash: m[2] } : {}),
    changes,
  };
}
