/**
 * User skills declared in a skills file (default `stackpilot.skills.yaml` beside the stacks):
 *
 * ```yaml
 * modules:            # local modules; each exports `skill` (or a default export) implementing Skill
 *   - ./skills/pdb-audit.js
 * external:           # executables speaking JSON on stdin/stdout
 *   - id: cost-tags
 *     needs: [cost]
 *     command: ./skills/cost-tags.py
 *     timeoutMs: 5000
 * ```
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { InputError } from '../model/errors';
import { ExternalSkillSpecSchema, type ExternalSkillSpec } from './external-skill';
import type { Skill } from './skill';

export const SkillsFileSchema = z.strictObject({
  modules: z.array(z.string()).default([]),
  external: z.array(ExternalSkillSpecSchema).default([]),
});
export type SkillsFile = z.infer<typeof SkillsFileSchema>;

/** The user skills a file declares; none when `file` does not exist and was not asked for by name. */
export function loadSkillsFile(
  file: string,
  required = false,
): { skills: Skill[]; externalSkills: ExternalSkillSpec[] } {
  if (!existsSync(file)) {
    if (required) throw new InputError(`skills file ${file} does not exist`);
    return { skills: [], externalSkills: [] };
  }
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8')) ?? {};
  } catch (err) {
    throw new InputError(`cannot parse ${file}`, [{ file, message: (err as Error).message }]);
  }
  const parsed = SkillsFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InputError(
      `${file} is not a valid skills file`,
      parsed.error.issues.map((i) => ({ file, field: i.path.join('.'), message: i.message })),
    );
  }
  const base = dirname(resolve(file));
  const skills = parsed.data.modules.map((m) => loadSkillModule(resolve(base, m), file));
  const externalSkills = parsed.data.external.map((e) => ({
    ...e,
    command: e.command.startsWith('.') ? resolve(base, e.command) : e.command,
    cwd: e.cwd ? resolve(base, e.cwd) : base,
  }));
  return { skills, externalSkills };
}

function loadSkillModule(path: string, file: string): Skill {
  let loaded: { skill?: unknown; default?: unknown };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(path) as typeof loaded;
  } catch (err) {
    throw new InputError(`cannot load skill module ${path}`, [
      { file, message: (err as Error).message },
    ]);
  }
  const candidate = (loaded.skill ?? loaded.default) as Partial<Skill> | undefined;
  if (
    !candidate ||
    typeof candidate.id !== 'string' ||
    typeof candidate.run !== 'function' ||
    !Array.isArray(candidate.needs)
  ) {
    throw new InputError(`skill module ${path} does not export a skill`, [
      { file, message: 'export `skill` (or default) with id, needs, description and run(input)' },
    ]);
  }
  return candidate as Skill;
}
