/**
 * Opens the Pulumi stack of one (project, environment) through `LocalWorkspace` with an
 * inline program. The workspace directory lives in the state directory, so nothing the
 * engine writes (encryption salt, secret config) lands in the repository.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  LocalWorkspace,
  PulumiCommand,
  type PulumiFn,
  type Stack,
} from '@pulumi/pulumi/automation';
import { withoutSecretValues, withSecretsHidden } from './secrets';
import { cliRoot, engineEnv, type Toolchain } from './toolchain';
import { classifyEngineError } from './errors';
import { writeFileAtomic } from './write-file-atomic';

/** Everything needed to open stacks. */
export interface WorkspaceContext {
  toolchain: Toolchain;
  backendUrl: string;
  passphrase: string;
  workspacesDir: string;
}

const commands = new Map<string, Promise<PulumiCommand>>();

/** The Automation API's handle on our CLI, created once per binary. */
function pulumiCommand(toolchain: Toolchain): Promise<PulumiCommand> {
  let command = commands.get(toolchain.cli);
  if (!command) {
    // `pulumi version` gets this process's environment: keep secret values out of it.
    command = withSecretsHidden(() => PulumiCommand.get({ root: cliRoot(toolchain) }));
    commands.set(toolchain.cli, command);
  }
  return command;
}

/**
 * Writes the workspace's `Pulumi.yaml` once, atomically. Every stack of a project shares the
 * folder, and letting the Automation API rewrite the file on each open races with a `pulumi`
 * command of another stack reading it. The backend comes from PULUMI_BACKEND_URL, not the file.
 */
function ensureProjectFile(workDir: string, project: string): void {
  const file = join(workDir, 'Pulumi.yaml');
  if (existsSync(file)) return;
  writeFileAtomic(
    file,
    `name: ${project}\nruntime: nodejs\ndescription: stackpilot workspace of ${project}\n`,
  );
}

/** How to open a stack: create it when missing, or only select an existing one. */
export type OpenMode = 'create-or-select' | 'select';

/**
 * Opens `project/environment`, running `program` for operations that need one. `extraEnv` is
 * added to the environment of the stack's pulumi commands (e.g. the operation's marker).
 */
export async function openStack(
  ctx: WorkspaceContext,
  project: string,
  environment: string,
  program: PulumiFn,
  mode: OpenMode,
  extraEnv: Record<string, string> = {},
): Promise<Stack> {
  const workDir = join(ctx.workspacesDir, project);
  ensureProjectFile(workDir, project);
  const options = {
    workDir,
    pulumiCommand: await pulumiCommand(ctx.toolchain),
    envVars: {
      ...withoutSecretValues(),
      ...engineEnv(ctx.toolchain, {
        PULUMI_BACKEND_URL: ctx.backendUrl,
        PULUMI_CONFIG_PASSPHRASE: ctx.passphrase,
        ...extraEnv,
      }),
    },
    secretsProvider: 'passphrase',
  };
  const args = { projectName: project, stackName: environment, program };
  try {
    return mode === 'select'
      ? await LocalWorkspace.selectStack(args, options)
      : await LocalWorkspace.createOrSelectStack(args, options);
  } catch (err) {
    throw classifyEngineError(err, { project, environment });
  }
}
