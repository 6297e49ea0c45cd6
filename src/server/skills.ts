/**
 * The server's user skills and which of them a plan request may ask for. The server plans only
 * with its own code: the skills of its own skills file (`--skills`, default
 * `stackpilot.skills.yaml` where the server starts). A repository (an upload from a CI runner, or
 * a directory under an allowed root) only names skill ids; the server runs its own skill of each
 * id, and only the ids its operator lists in `--allow-repo-skills`. Nothing a client sends is
 * ever loaded or executed.
 */
import { ForbiddenError, InputError } from '../model/errors';
import { loadSkillsFile, type ExternalSkillSpec, type Skill } from '../plan';

/** The user skills of the server's own skills file, with the ids repositories may ask for. */
export interface ServerSkills {
  /** The server's skills file, when it has one (for messages). */
  file?: string;
  /** Skill modules of that file. */
  skills: Skill[];
  /** External skills of that file. */
  externalSkills: ExternalSkillSpec[];
  /** Ids of those skills that a plan request may ask for, sorted. Default none. */
  allowed: string[];
}

/** The skills that run for one plan, beside the built-in ones. */
export interface SelectedSkills {
  skills: Skill[];
  externalSkills: ExternalSkillSpec[];
}

/** The option that allows repository skills, named in every refusal. */
export const ALLOW_REPO_SKILLS_OPTION = '--allow-repo-skills';

/**
 * Loads the server's skills file (when given; it must exist) and checks that every allowed id
 * is a skill of it, failing at start-up with the ids it lacks.
 */
export function loadServerSkills(
  file: string | undefined,
  allowed: readonly string[],
): ServerSkills {
  const loaded = file ? loadSkillsFile(file, true) : { skills: [], externalSkills: [] };
  const ids = new Set([
    ...loaded.skills.map((s) => s.id),
    ...loaded.externalSkills.map((s) => s.id),
  ]);
  const unknown = [...new Set(allowed)].filter((id) => !ids.has(id)).sort();
  if (unknown.length)
    throw new InputError(
      `${ALLOW_REPO_SKILLS_OPTION} names skills the server does not have`,
      unknown.map((id) => ({
        field: ALLOW_REPO_SKILLS_OPTION,
        message: `no skill "${id}" in ${file ?? 'the server (it has no skills file; give --skills)'}${
          ids.size ? `; it has ${[...ids].sort().join(', ')}` : ''
        }`,
      })),
    );
  return { ...loaded, ...(file ? { file } : {}), allowed: [...new Set(allowed)].sort() };
}

/**
 * The server's own skills of the ids a request asks for. An id the server does not allow is a
 * ForbiddenError (403 `skill_not_allowed`) naming every such id and the option; nothing of the
 * request is run either way.
 */
export function selectSkills(
  server: ServerSkills,
  requested: readonly string[] = [],
): SelectedSkills {
  const ids = [...new Set(requested)].sort();
  const refused = ids.filter((id) => !server.allowed.includes(id));
  if (refused.length)
    throw new ForbiddenError(
      `the repository declares skill${refused.length > 1 ? 's' : ''} ${refused
        .map((id) => `"${id}"`)
        .join(
          ', ',
        )} that this server does not allow for repositories (allowed by ${ALLOW_REPO_SKILLS_OPTION}: ${
        server.allowed.join(', ') || 'none'
      }); the server never runs a repository's own skill code`,
      'skill_not_allowed',
    );
  return {
    skills: server.skills.filter((s) => ids.includes(s.id)),
    externalSkills: server.externalSkills.filter((s) => ids.includes(s.id)),
  };
}
