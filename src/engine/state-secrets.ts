/**
 * The secret values a stack's state holds (generated passwords, Secret data), decrypted, so
 * that text quoted from the cluster (a log line that prints a connection URL) can be masked
 * before it leaves the engine. The Automation API's `exportStack` gives only ciphertext; the
 * stack's own CLI with `--show-secrets` gives the plaintext, on a pipe, never in argv.
 */
import type { Stack } from '@pulumi/pulumi/automation';
import { runStackCli } from './secrets';

/** Pulumi's marker of a secret value in an exported state (`sig.Secret`). */
const SECRET_SIG = '4dabf18193072939515e22adb298388d';
/** The Kubernetes provider's Helm release, which keeps its own inputs as one secret. */
const HELM_RELEASE = 'kubernetes:helm.sh/v3:Release';

/** Every string leaf of every secret in `stack`'s state, decrypted; sorted, no duplicates. */
export async function stateSecretValues(stack: Stack): Promise<string[]> {
  const text = await runStackCli(
    stack,
    ['stack', 'export', '--show-secrets', '--stack', stack.name, '--non-interactive'],
    { what: 'pulumi stack export' },
  );
  const values = new Set<string>();
  collect(JSON.parse(text) as unknown, values);
  return [...values].filter((v) => v.length > 0).sort();
}

/** Adds the string leaves of every decrypted secret under `node` to `into`. */
function collect(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) for (const x of node) collect(x, into);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.type === HELM_RELEASE && o.outputs && typeof o.outputs === 'object') {
      // A Release's state holds its inputs (chart path, namespace, release name, description)
      // wrapped whole as a secret, whatever they are: masking them would blank the namespace
      // out of every diagnosis. Only secrets inside them count.
      const { __inputs: inputs, ...outputs } = o.outputs as Record<string, unknown>;
      collect({ ...o, type: undefined, outputs }, into);
      collect(unwrapped(inputs), into);
      return;
    }
    if (SECRET_SIG in o && typeof o.plaintext === 'string') {
      let value: unknown;
      try {
        value = JSON.parse(o.plaintext);
      } catch {
        value = o.plaintext;
      }
      leaves(value, into);
      return;
    }
    for (const x of Object.values(o)) collect(x, into);
  }
}

/** A decrypted secret's value (its plaintext parsed), anything else as it is. */
function unwrapped(v: unknown): unknown {
  const o = v as Record<string, unknown> | null;
  if (!o || typeof o !== 'object' || !(SECRET_SIG in o) || typeof o.plaintext !== 'string')
    return v;
  try {
    return JSON.parse(o.plaintext);
  } catch {
    return undefined;
  }
}

function leaves(v: unknown, into: Set<string>): void {
  if (typeof v === 'string') {
    into.add(v);
    const decoded = fromBase64(v);
    if (decoded) into.add(decoded);
  } else if (Array.isArray(v)) for (const x of v) leaves(x, into);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) leaves(x, into);
}

/**
 * The text a base64 string encodes (a Kubernetes Secret's `data` is held that way), when it
 * is canonical base64 of printable UTF-8; undefined for anything else.
 */
function fromBase64(v: string): string | undefined {
  if (v.length < 8 || v.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(v)) return undefined;
  const text = Buffer.from(v, 'base64').toString('utf8');
  if (Buffer.from(text, 'utf8').toString('base64') !== v) return undefined;
  return /^[\x20-\x7e\t\n\r\u00a0-\uffff]+$/.test(text) && !text.includes('\ufffd')
    ? text
    : undefined;
}
