/**
 * The server's skills policy: it plans with the skills of its own skills file, and a plan
 * request (a repository's declared ids) gets only those the operator allowed.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { ForbiddenError, InputError } from '../../../src/model/errors';
import { loadServerSkills, selectSkills } from '../../../src/server/skills';

const SKILLS_FILE = join(
  __dirname,
  '..',
  '..',
  '..',
  'examples',
  'skills',
  'stackpilot.skills.yaml',
);

describe('server: skills a plan request may ask for', () => {
  it('allows none by default: a declared id is refused with 403, naming it and the option', () => {
    const server = loadServerSkills(SKILLS_FILE, []);
    assert.deepEqual(server.allowed, []);
    assert.deepEqual(selectSkills(server, []), { skills: [], externalSkills: [] });
    assert.throws(
      () => selectSkills(server, ['egress-audit', 'rm-rf']),
      (err: unknown) =>
        err instanceof ForbiddenError &&
        err.code === 'skill_not_allowed' &&
        /"egress-audit", "rm-rf"/.test(err.message) &&
        /--allow-repo-skills: none/.test(err.message),
    );
  });

  it("runs the server's own skill of an allowed id, and only the ids asked for", () => {
    const server = loadServerSkills(SKILLS_FILE, ['egress-audit']);
    assert.deepEqual(selectSkills(server, []).externalSkills, []);
    const chosen = selectSkills(server, ['egress-audit', 'egress-audit']);
    assert.deepEqual(
      chosen.externalSkills.map((s) => s.id),
      ['egress-audit'],
    );
    // It is the server's spec (its command), whatever the repository's file says of that id.
    assert.equal(chosen.externalSkills[0], server.externalSkills[0]);
    assert.throws(() => selectSkills(server, ['other']), ForbiddenError);
  });

  it('fails at start-up when an allowed id is no skill of the server', () => {
    assert.throws(
      () => loadServerSkills(SKILLS_FILE, ['egress-audit', 'nope']),
      (err: unknown) =>
        err instanceof InputError &&
        err.issues.length === 1 &&
        /no skill "nope" in .*stackpilot\.skills\.yaml; it has egress-audit/.test(
          err.issues[0]!.message,
        ),
    );
    assert.throws(
      () => loadServerSkills(undefined, ['egress-audit']),
      (err: unknown) => err instanceof InputError && /give --skills/.test(err.issues[0]!.message),
    );
    assert.throws(() => loadServerSkills('/no/such/skills.yaml', []), InputError);
  });
});
