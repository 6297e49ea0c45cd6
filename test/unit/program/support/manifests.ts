/**
 * Kubernetes manifests from recorded registrations: the inputs a Kubernetes resource registers
 * are exactly the object the provider renders (apiVersion, kind, metadata, spec …). Secret
 * values are replaced by a marker, so no file written for the checkers holds one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { isSecret, type Registration } from './recorder';

export type Manifest = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
};

export const REDACTED = '<redacted>';

/** The manifest of a Kubernetes registration; undefined for providers and non-Kubernetes resources. */
export function toManifest(reg: Registration): Manifest | undefined {
  if (!reg.type.startsWith('kubernetes:')) return undefined;
  return redact(reg.inputs) as Manifest;
}

function redact(v: unknown): unknown {
  if (isSecret(v)) return redactAll(v.value);
  if (Array.isArray(v)) return v.map(redact);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redact(x)]));
  }
  return v;
}

function redactAll(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(redactAll);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v).map((k) => [k, redactAll((v as Record<string, unknown>)[k])]),
    );
  return REDACTED;
}

/** All manifests of a recording, sorted by kind and name. */
export function manifestsOf(registrations: readonly Registration[]): Manifest[] {
  return registrations
    .map(toManifest)
    .filter((m): m is Manifest => m !== undefined)
    .sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
}

/** Writes one YAML file per object (`<kind>-<name>.yaml`) into `dir`; returns the paths. */
export function writeManifests(manifests: readonly Manifest[], dir: string): string[] {
  fs.mkdirSync(dir, { recursive: true });
  return manifests.map((m) => {
    const file = path.join(dir, `${m.kind.toLowerCase()}-${m.metadata.name}.yaml`);
    // YAML 1.1 quoting, so that strings such as `off` or `yes` stay strings for 1.1 readers
    // (PyYAML in the Python checkers), as the provider's own renderer keeps them.
    fs.writeFileSync(file, stringify(m, { version: '1.1' }));
    return file;
  });
}
