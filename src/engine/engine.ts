/**
 * The engine: one Pulumi stack per (project, environment) through the Automation API, with
 * preview, up, refresh, drift, diagnose, destroy, history, outputs, rollback, inspect and recover. The only
 * module that runs Pulumi and touches its state. Each operation lives in `operations/`; this
 * class is their one front, holding the state they share.
 */
import type { Diagnosis } from '../model/diagnosis';
import type { Environment } from '../model/environment';
import type {
  DriftResult,
  HistoryEntry,
  PreviewResult,
  RecoverResult,
  StackHealth,
  UpResult,
} from '../model/operations';
import type { DeploymentPlan } from '../model/plan';
import type { PlanArchive } from './archive';
import { EngineCore, type DeployOptions, type EngineOptions } from './core';
import type { UpOptions } from './operations/apply';
import { diagnose, type DiagnoseOptions } from './operations/diagnose';
import { drift } from './operations/drift';
import { inspect, outputs } from './operations/inspect';
import { preview, type PreviewOptions } from './operations/preview';
import { recover } from './operations/recover';
import { rollback, type RollbackOptions } from './operations/rollback';
import { setSecret } from './operations/set-secret';
import { up } from './operations/up';
import { destroy, refresh, type WholeStackResult } from './operations/whole-stack';
import type { Passphrase } from './state';
import type { StateLayout } from './state';

export type { EngineOptions, DeployOptions } from './core';
export type { UpOptions } from './operations/apply';
export type { DiagnoseOptions } from './operations/diagnose';
export type { PreviewOptions } from './operations/preview';
export type { RollbackOptions } from './operations/rollback';

/** The stack-per-environment engine. */
export class Engine {
  private readonly core: EngineCore;

  constructor(options: EngineOptions = {}) {
    this.core = new EngineCore(options);
  }

  /** The state directory's layout. */
  get layout(): StateLayout {
    return this.core.layout;
  }

  /** Every plan previewed or deployed, by hash. */
  get archive(): PlanArchive {
    return this.core.archive;
  }

  /** Where the passphrase came from (`generated` means this engine just created one). */
  passphraseSource(): Passphrase['source'] {
    return this.core.workspace().passphrase.source;
  }

  /** Previews `plan` on its environment's stack. Creates the stack when it does not exist. */
  preview(
    plan: DeploymentPlan,
    env: Environment,
    options?: PreviewOptions,
  ): Promise<PreviewResult> {
    return preview(this.core, plan, env, options);
  }

  /** Applies `plan`; see {@link up}. */
  up(plan: DeploymentPlan, env: Environment, options?: UpOptions): Promise<UpResult> {
    return up(this.core, plan, env, options);
  }

  /** Re-applies an earlier deployed plan; see {@link rollback}. */
  rollback(project: string, env: Environment, options?: RollbackOptions): Promise<UpResult> {
    return rollback(this.core, project, env, options);
  }

  /** Reads the live cluster's state back into the stack (cluster targets only). */
  refresh(project: string, env: Environment, options?: DeployOptions): Promise<WholeStackResult> {
    return refresh(this.core, project, env, options);
  }

  /** Compares the stack's record with the live cluster, field by field (cluster targets only). */
  drift(project: string, env: Environment, options?: DeployOptions): Promise<DriftResult> {
    return drift(this.core, project, env, options);
  }

  /**
   * Why the stack's objects on the cluster are not doing their job, compared with
   * `options.plan` or the plan of the latest update, secret values masked; see {@link diagnose}.
   */
  diagnose(project: string, env: Environment, options?: DiagnoseOptions): Promise<Diagnosis> {
    return diagnose(this.core, project, env, options);
  }

  /** Deletes every resource of the stack; the stack and its history stay. */
  destroy(project: string, env: Environment, options?: DeployOptions): Promise<WholeStackResult> {
    return destroy(this.core, project, env, options);
  }

  /** The stack's updates, newest first, never with secret values or config. */
  history(project: string, environment: string): Promise<HistoryEntry[]> {
    return this.core.history(project, environment);
  }

  /** The stack outputs, secret values masked. */
  outputs(project: string, environment: string): Promise<Record<string, unknown>> {
    return outputs(this.core, project, environment);
  }

  /** What state the stack is in: locks (and whether their holders are gone), pending operations. */
  inspect(project: string, environment: string): Promise<StackHealth> {
    return inspect(this.core, project, environment);
  }

  /** Clears what a crashed operation left behind; see {@link recover}. */
  recover(
    project: string,
    environment: string,
    options?: { force?: boolean },
  ): Promise<RecoverResult> {
    return recover(this.core, project, environment, options);
  }

  /** The plan of the last successful update, when the stack has one (and it is archived here). */
  deployedPlan(project: string, environment: string): Promise<DeploymentPlan | undefined> {
    return this.core.deployedPlan(project, environment);
  }

  /** Sets an application secret (`secrets:NAME`) on the stack, encrypted with its passphrase. */
  setSecret(project: string, environment: string, key: string, value: string): Promise<void> {
    return setSecret(this.core, project, environment, key, value);
  }
}
