/**
 * Runs a Pulumi program with the REAL `@pulumi/pulumi` and `@pulumi/kubernetes` SDKs under
 * Pulumi's mock runtime and records every resource-registration request as the resource
 * monitor receives it: type, name, deserialized inputs and the URNs of its dependencies. Nothing
 * here reads the program's own bookkeeping.
 */
import * as pulumi from '@pulumi/pulumi';
import { MockMonitor, type MockResourceArgs } from '@pulumi/pulumi/runtime/mocks';
import * as state from '@pulumi/pulumi/runtime/state';

/** One `RegisterResourceRequest`, as seen by the monitor. */
export interface Registration {
  type: string;
  name: string;
  urn: string;
  custom: boolean;
  /** `runtime.deserializeProperties(req.getObject())`: secret values stay wrapped as secrets. */
  inputs: Record<string, unknown>;
  /** URNs of the resources this one depends on (`dependsOn` and the outputs it reads). */
  dependencies: string[];
  /** Provider reference (`urn::id`), empty for default providers. */
  provider: string;
}

/** The fields of the SDK's RegisterResourceRequest that the recorder reads. */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getCustom(): boolean;
  getObject(): unknown;
  getDependenciesList(): string[];
  getProvider(): string;
}
type Callback = (err: unknown, response?: { getUrn(): string }) => void;

const RANDOM_PASSWORD = 'random:index/randomPassword:RandomPassword';

class RecordingMonitor extends MockMonitor {
  readonly registrations: Registration[] = [];

  override async registerResource(req: RegisterRequest, callback: Callback): Promise<void> {
    const record: Registration = {
      type: req.getType(),
      name: req.getName(),
      urn: '',
      custom: req.getCustom(),
      inputs: pulumi.runtime.deserializeProperties(req.getObject() as never) as Record<
        string,
        unknown
      >,
      dependencies: [...req.getDependenciesList()],
      provider: req.getProvider(),
    };
    this.registrations.push(record);
    return super.registerResource(req, (err, response) => {
      if (response) record.urn = response.getUrn();
      callback(err, response);
    });
  }
}

const mocks = {
  // A generated password resolves to a recognizable value, so tests can follow it into Secrets.
  newResource: (args: MockResourceArgs) => ({
    id: `${args.name}-id`,
    state: {
      ...args.inputs,
      ...(args.type === RANDOM_PASSWORD ? { result: `generated-${args.name}` } : {}),
    },
  }),
  call: () => ({}),
};

export interface RunOptions {
  /** Stack config, full keys (`secrets:OPENAI_API_KEY`). */
  config?: Record<string, string>;
  /** Which config keys hold secrets. */
  secretKeys?: string[];
  project?: string;
  stack?: string;
  preview?: boolean;
}

/** What one run registered, and the stack outputs. */
export interface Recording {
  /** Every registration except the root stack resource, in request order. */
  registrations: Registration[];
  outputs: Record<string, unknown>;
  /** Every line written to stdout, stderr or the console while the program ran. */
  logs: string[];
}

/**
 * Runs `program` as a stack's inline program under the mock monitor, waits until every
 * registration has reached the monitor, and returns what it saw.
 */
export async function runRecorded(
  program: () => Promise<object> | object,
  options: RunOptions = {},
): Promise<Recording> {
  const monitor = new RecordingMonitor(mocks);
  pulumi.runtime.setMockOptions(
    monitor,
    options.project ?? 'stackpilot',
    options.stack ?? 'test',
    options.preview ?? false,
  );
  // As `runtime.setMocks` does: the mock monitor supports secrets and resource references.
  const store = (state as unknown as { getStore(): Record<string, unknown> }).getStore();
  Object.assign(store, {
    supportsSecrets: true,
    supportsResourceReferences: true,
    supportsOutputValues: false,
    supportsDeletedWith: true,
    supportsReplaceWith: true,
    supportsAliasSpecs: true,
    supportsTransforms: false,
    supportsParameterization: true,
    supportsResourceHooks: true,
    supportsErrorHooks: true,
  });
  pulumi.runtime.setAllConfig(options.config ?? {}, options.secretKeys ?? []);
  const logs: string[] = [];
  const restore = captureOutput(logs);
  let outputs: Record<string, unknown>;
  try {
    outputs = (await pulumi.runtime.runInPulumiStack(async () => program())) as Record<
      string,
      unknown
    >;
    await pulumi.runtime.disconnect();
  } finally {
    restore();
  }
  return {
    registrations: monitor.registrations.filter((r) => r.type !== 'pulumi:pulumi:Stack'),
    outputs,
    logs,
  };
}

function captureOutput(logs: string[]): () => void {
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const capture = (chunk: unknown): boolean => {
    logs.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  return () => {
    process.stdout.write = out;
    process.stderr.write = err;
  };
}

/** Pulumi's marker of a secret value in deserialized properties. */
export const SECRET_SIG = pulumi.runtime.specialSecretSig;

/** True when `v` is a deserialized secret value. */
export function isSecret(v: unknown): v is { value: unknown } {
  return (
    typeof v === 'object' &&
    v !== null &&
    (v as Record<string, unknown>)[pulumi.runtime.specialSigKey] === SECRET_SIG
  );
}
