/** What the HTTP app is built from: every collaborator is passed in, none is global. */
import type { Logger } from 'pino';
import type { Engine, MissingSecretPolicy } from '../engine';
import type { AppModel } from '../model/app';
import type { BuildEvent, BuildResult } from '../model/images';
import type { ClusterTarget, Environment } from '../model/environment';
import type { DeploymentPlan } from '../model/plan';
import type { Clock, Store } from '../store';
import type { Metrics } from './metrics';
import type { OperationRunner } from './runner';
import type { SelectedSkills, ServerSkills } from './skills';

/** The engine operations the server uses (the real `Engine` has them all). */
export type EngineLike = Pick<
  Engine,
  | 'preview'
  | 'up'
  | 'rollback'
  | 'history'
  | 'outputs'
  | 'inspect'
  | 'recover'
  | 'deployedPlan'
  | 'drift'
  | 'diagnose'
>;

/** The pure pipeline stages the server calls: analyze, plan and their renderings. */
export interface Pipeline {
  /** Analyzes the real directory `root`, reading nothing outside the real paths `within`. */
  analyze(root: string, within?: readonly string[]): Promise<AppModel>;
  /** The environment `name`, resolved from the configured stacks directory. */
  loadEnvironment(name: string): Promise<Environment>;
  /**
   * Plans `app` for `env` with the built-in skills plus `skills` (the server's own, selected by
   * `selectSkills`); `previous` is the plan the stack runs now (blue-green picks the other colour).
   */
  plan(
    app: AppModel,
    env: Environment,
    previous?: DeploymentPlan,
    skills?: SelectedSkills,
  ): Promise<DeploymentPlan>;
  /** Markdown report of a plan. */
  report(plan: DeploymentPlan): string;
  /** Structured difference of two plans (JSON). */
  diff(a: DeploymentPlan, b: DeploymentPlan): unknown;
  /** Human-readable rendering of `diff`'s result. */
  formatDiff(diff: unknown): string;
}

/** A second operation on a busy stack waits in line (`queue`) or is refused with 409 (`refuse`). */
export type BusyPolicy = 'queue' | 'refuse';

/** Behaviour switches of the app. */
export interface Settings {
  /** Real paths under which POST /v1/analyses may read repositories. */
  allowedRoots: string[];
  busy: BusyPolicy;
  /** Secrets without value on render targets: fail, or deploy labelled placeholders. */
  missingSecrets: MissingSecretPolicy;
  /** Largest accepted JSON body, e.g. `5mb`. */
  bodyLimit: string;
  /** Interval of SSE keep-alive comments, in milliseconds. */
  heartbeatMs: number;
}

export interface AppDeps {
  store: Store;
  engine: EngineLike;
  pipeline: Pipeline;
  /** The server's own user skills and the ids repositories may ask for. */
  skills: ServerSkills;
  runner: OperationRunner;
  metrics: Metrics;
  logger: Logger;
  clock: Clock;
  settings: Settings;
  /** Builds (and with `push`, pushes) the images `plan` builds from the repository at `repo`. */
  buildImages: (
    plan: DeploymentPlan,
    repo: string,
    options: {
      push: boolean;
      onEvent: (e: BuildEvent) => void;
      signal: AbortSignal;
      /** Where to build when the server's machine has no builder. */
      cluster?: { target: ClusterTarget };
    },
  ) => Promise<BuildResult>;
  /** Whether the engine toolchain is installed (for /readyz). */
  engineReady: () => boolean;
}
