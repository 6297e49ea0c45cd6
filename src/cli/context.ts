/**
 * What every command shares: global options, output, and the engine (created on first use,
 * with a generated passphrase kept in the state directory when none is set).
 */
import { resolve } from 'node:path';
import { Engine } from '../engine';
import { loadSkillsFile } from '../plan';
import { cancelSignal, throwIfCancelled } from './cancel';
import type { Output } from './output';

/** Options every command accepts. */
export interface GlobalOptions {
  /** State directory: Pulumi file backend, passphrase, plans, rendered YAML, SQLite. Default `.stackpilot`. */
  stateDir: string;
  /** Directory of the `Pulumi.<env>.yaml` stack config files. Default `stacks`. */
  stacks: string;
  /** User skills file; default `stackpilot.skills.yaml`, used when it exists. */
  skills?: string;
}

/** The context handed to each command. */
export class CliContext {
  private engineInstance: Engine | undefined;

  constructor(
    readonly out: Output,
    readonly options: GlobalOptions,
  ) {}

  get stateDir(): string {
    return resolve(this.options.stateDir);
  }

  get stacksDir(): string {
    return resolve(this.options.stacks);
  }

  /** The user skills of the skills file (an explicitly named file must exist). */
  skills(): ReturnType<typeof loadSkillsFile> {
    return loadSkillsFile(
      resolve(this.options.skills ?? 'stackpilot.skills.yaml'),
      this.options.skills !== undefined,
    );
  }

  /** Aborted on SIGINT/SIGTERM: pass it to every engine operation. */
  get signal(): AbortSignal {
    return cancelSignal;
  }

  /** Throws when the run was cancelled, so that no new engine operation starts. */
  throwIfCancelled(): void {
    throwIfCancelled();
  }

  /** The engine over the state directory; says so when it generated a passphrase. */
  engine(): Engine {
    if (!this.engineInstance) {
      this.engineInstance = new Engine({
        stateDir: this.stateDir,
        passphrase: 'generate-if-missing',
      });
      if (this.engineInstance.passphraseSource() === 'generated') {
        this.out.note(
          `notice: generated a secrets passphrase in ${this.engineInstance.layout.passphraseFile} (mode 0600). ` +
            'Keep it: it decrypts this state. Set PULUMI_CONFIG_PASSPHRASE to use your own.',
        );
      }
    }
    return this.engineInstance;
  }
}
