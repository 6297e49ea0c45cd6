/**
 * `stackpilot.yaml` at the repository root: the app spec that declares or overrides what
 * detection finds. The spec wins field by field; detection fills everything it leaves out.
 *
 * ```yaml
 * name: shop                      # application name (DNS label)
 * ignore: [legacy/, "*.bak"]      # extra gitignore-style patterns for the walk
 * components:
 *   api:                          # matched by name, else by `path`; otherwise a new component
 *     path: apps/api
 *     kind: backend
 *     port: 8000
 *     public: true
 *     healthPath: /healthz
 *     dockerfile: apps/api/Dockerfile   # or `image: redis:7` for a prebuilt image
 *     env:
 *       LOG_LEVEL: { value: info }
 *       STRIPE_KEY: { secret: true }    # secret values never belong here
 *     dependsOn: [db, openai]
 *   legacy-admin: { disabled: true }    # drop a detected component
 * ```
 *
 * Unlike per-file detection problems, which are warnings, any problem in the spec is an
 * `InputError` listing every issue with its line: the spec is the user's explicit intent, and
 * ignoring part of it would silently deploy something else.
 */
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ComponentKindSchema, LanguageSchema } from '../model/app';
import { InputError, type InputIssue } from '../model/errors';
import type { ConfinedFs } from './confined-fs';
import { Draft, PRIORITY, type Loc } from './draft';
import { storeFromImage } from './detectors/datastores';
import { parseYaml, type YamlDoc } from './parse/yaml';
import { compareStrings, escapesRoot, joinRel } from './paths';

/** File names of the spec at the repository root, in lookup order. */
export const SPEC_FILES = ['stackpilot.yaml', 'stackpilot.yml'] as const;

const DNS_LABEL = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;
const repoPath = z
  .string()
  .min(1)
  .refine((p) => !escapesRoot(joinRel('.', p)), {
    message: 'must be a path inside the repository',
  });

const SpecEnvSchema = z
  .strictObject({
    /** Force the classification. */
    secret: z.boolean().optional(),
    /** A config value (never a secret's value). */
    value: z.string().optional(),
    buildTime: z.boolean().optional(),
  })
  .refine((e) => !(e.secret && e.value !== undefined), {
    message: 'a secret must not have a value in stackpilot.yaml; supply it per environment',
  });

/** One component in the spec; every field optional, unknown keys rejected. */
export const SpecComponentSchema = z
  .strictObject({
    path: repoPath.optional(),
    kind: ComponentKindSchema.optional(),
    language: LanguageSchema.optional(),
    framework: z.string().min(1).optional(),
    port: z.number().int().min(1).max(65535).optional(),
    public: z.boolean().optional(),
    startCommand: z.string().min(1).optional(),
    buildCommand: z.string().min(1).optional(),
    healthPath: z.string().startsWith('/').optional(),
    readinessPath: z.string().startsWith('/').optional(),
    dockerfile: repoPath.optional(),
    /** Build context for `dockerfile`; default the component path. */
    context: repoPath.optional(),
    image: z.string().min(1).optional(),
    env: z
      .record(
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'not an env var name'),
        SpecEnvSchema.nullable(),
      )
      .optional(),
    dependsOn: z.array(z.string().min(1)).optional(),
    disabled: z.boolean().optional(),
  })
  .refine((c) => !(c.image && c.dockerfile), {
    message: 'give either image or dockerfile, not both',
  });
/** A spec component as validated. */
export type SpecComponent = z.infer<typeof SpecComponentSchema>;

/** The whole `stackpilot.yaml`; unknown keys rejected so that typos are reported. */
export const AppSpecSchema = z.strictObject({
  name: z
    .string()
    .regex(DNS_LABEL, 'must be a DNS-1123 label (lowercase letters, digits, dashes; at most 40)')
    .optional(),
  ignore: z.array(z.string().min(1)).optional(),
  components: z
    .record(
      z.string().regex(DNS_LABEL, 'component names must be DNS-1123 labels'),
      SpecComponentSchema,
    )
    .optional(),
});
/** The spec as validated. */
export type AppSpec = z.infer<typeof AppSpecSchema>;

/** A validated spec with the line lookup of its file. */
export interface LoadedSpec {
  file: string;
  spec: AppSpec;
  lineOf(path: ReadonlyArray<string | number>): number | undefined;
}

/**
 * Reads and validates the spec at the repository root, or returns `undefined` when there is
 * none. Read before the walk because its `ignore` patterns shape the walk. With `fs`, the file
 * is read through it (confined to the root: a spec swapped for a symlink is not read).
 */
export async function loadSpec(
  root: string,
  maxFileBytes: number,
  fs?: ConfinedFs,
): Promise<LoadedSpec | undefined> {
  for (const file of SPEC_FILES) {
    const abs = join(root, file);
    const st = await lstat(abs).catch(() => undefined);
    if (!st) continue;
    if (!st.isFile())
      throw new InputError('invalid app spec', [{ file, message: 'must be a regular file' }]);
    if (st.size > maxFileBytes)
      throw new InputError('invalid app spec', [
        { file, message: `is ${st.size} bytes, over the ${maxFileBytes}-byte bound` },
      ]);
    let text: string;
    try {
      text = fs ? await readConfined(fs, abs) : await readFile(abs, 'utf8');
    } catch (err) {
      throw new InputError('invalid app spec', [
        { file, message: `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})` },
      ]);
    }
    return parseSpec(file, text);
  }
  return undefined;
}

async function readConfined(fs: ConfinedFs, abs: string): Promise<string> {
  const { handle } = await fs.openFile(abs);
  try {
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/** Validates spec text; every problem is an issue with its line. */
export function parseSpec(file: string, text: string): LoadedSpec {
  const parsed = parseYaml(text);
  if (!parsed.ok)
    throw new InputError('invalid app spec', [
      { file, ...(parsed.line ? { line: parsed.line } : {}), message: parsed.message },
    ]);
  const doc: YamlDoc = parsed.value;
  const r = AppSpecSchema.safeParse(doc.value ?? {});
  if (!r.success) {
    const issues: InputIssue[] = r.error.issues.map((i) => {
      const path = i.path.map((p) => (typeof p === 'number' ? p : String(p)));
      // An unknown key is best located at the key itself.
      if (i.code === 'unrecognized_keys' && i.keys[0] !== undefined) path.push(i.keys[0]);
      const line = doc.lineOf(path);
      return {
        file,
        ...(line ? { line } : {}),
        ...(path.length ? { field: path.join('.') } : {}),
        message: i.message,
      };
    });
    issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    throw new InputError('invalid app spec', issues);
  }
  return { file, spec: r.data, lineOf: doc.lineOf };
}

/** What applying the spec needs from the assembler. */
export interface SpecHost {
  drafts: Draft[];
  /** Unit drafts detection dropped (nothing recognised), by path: the spec may revive them. */
  dormant: Map<string, Draft>;
  /** Claims the build of a revived or re-pointed draft from a Dockerfile. */
  applyDockerfile(draft: Draft, dockerfile: string, context: string): void;
  /** A new draft for a prebuilt image. */
  imageDraft(name: string, image: string, loc: Loc): Draft;
}

/**
 * Applies the spec to the drafts (in place): renames, overrides, additions, removals.
 * Returns the `dependsOn` entries to apply once edges exist. Throws an `InputError` with
 * every issue found.
 */
export function applySpec(
  loaded: LoadedSpec,
  host: SpecHost,
): Array<{ from: string; to: string; loc: Loc }> {
  const issues: InputIssue[] = [];
  const deps: Array<{ from: string; to: string; loc: Loc }> = [];
  const { file, spec } = loaded;
  const at = (...path: Array<string | number>): Loc => ({
    file,
    line: loaded.lineOf(path),
    note: 'stackpilot.yaml',
  });
  const P = PRIORITY.spec;

  for (const [name, c] of Object.entries(spec.components ?? {}).sort(([a], [b]) =>
    compareStrings(a, b),
  )) {
    let d = host.drafts.find((x) => x.name === name);
    if (!d && c.path !== undefined) {
      const path = joinRel('.', c.path);
      const byPath = host.drafts.filter((x) => x.path === path && x.origin !== 'datastore');
      const main = byPath.filter((x) => x.origin === 'unit');
      if (byPath.length === 1) d = byPath[0];
      else if (main.length === 1) d = main[0];
      else if (byPath.length > 1)
        issues.push({
          file,
          line: loaded.lineOf(['components', name, 'path']),
          field: `components.${name}.path`,
          message: `several components are at ${path} (${byPath
            .map((x) => x.name)
            .sort()
            .join(', ')}); name one of them instead`,
        });
      if (byPath.length > 1 && main.length !== 1) continue;
      else if (host.dormant.has(path)) {
        d = host.dormant.get(path)!;
        host.drafts.push(d);
      }
    }
    if (c.disabled) {
      if (d) host.drafts.splice(host.drafts.indexOf(d), 1);
      continue;
    }
    if (!d) {
      if (c.image) d = host.imageDraft(name, c.image, at('components', name, 'image'));
      else if (c.path !== undefined && c.kind) {
        d = new Draft(name, joinRel('.', c.path), 'spec');
        d.claim(
          'build',
          { strategy: 'generate', context: joinRel('.', c.path) },
          PRIORITY.default,
          at('components', name, 'path'),
        );
      } else {
        issues.push({
          file,
          line: loaded.lineOf(['components', name]),
          field: `components.${name}`,
          message: `no component ${name} was detected; declare its path and kind (or an image) to add it`,
        });
        continue;
      }
      host.drafts.push(d);
    }
    d.name = name;
    const loc = (field: string): Loc => at('components', name, field);
    if (c.kind) d.claim('kind', c.kind, P, loc('kind'));
    if (c.language) d.claim('language', c.language, P, loc('language'));
    if (c.framework) d.claim('framework', { name: c.framework }, P, loc('framework'));
    if (c.port !== undefined) d.claim('port', c.port, P, loc('port'));
    if (c.public !== undefined) d.claim('public', c.public, P, loc('public'));
    if (c.startCommand) d.claim('startCommand', c.startCommand, P, loc('startCommand'));
    if (c.buildCommand) d.claim('buildCommand', c.buildCommand, P, loc('buildCommand'));
    if (c.healthPath) d.claim('healthPath', c.healthPath, P, loc('healthPath'));
    if (c.readinessPath) d.claim('readinessPath', c.readinessPath, P, loc('readinessPath'));
    if (c.dockerfile) {
      const dockerfile = joinRel('.', c.dockerfile);
      const context = joinRel('.', c.context ?? c.path ?? d.path);
      host.applyDockerfile(d, dockerfile, context);
      d.claim('build', { strategy: 'dockerfile', dockerfile, context }, P, loc('dockerfile'));
    } else if (c.image) {
      d.claim('build', { strategy: 'image', image: c.image }, P, loc('image'));
      d.store ??= storeFromImage(c.image);
    }
    for (const [envName, e] of Object.entries(c.env ?? {})) {
      const l = at('components', name, 'env', envName);
      d.env.push({
        name: envName,
        source: 'spec',
        ...(e?.value !== undefined ? { value: e.value } : {}),
        loc: l,
      });
      if (e && (e.secret !== undefined || e.buildTime !== undefined))
        d.specEnv.set(envName, {
          ...(e.secret !== undefined ? { secret: e.secret } : {}),
          ...(e.buildTime !== undefined ? { buildTime: e.buildTime } : {}),
          loc: l,
        });
    }
    (c.dependsOn ?? []).forEach((to, i) =>
      deps.push({ from: name, to, loc: at('components', name, 'dependsOn', i) }),
    );
  }
  if (issues.length) throw new InputError('invalid app spec', issues);
  return deps;
}
