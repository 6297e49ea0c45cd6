/**
 * What a client uploads is data, planned with the server's own config and skills (real server,
 * real planner): an analysis that found nothing is a 422, never a plan; an upload with a secret
 * value is a 422 that echoes no value; a declared skill runs only as the server's own skill of
 * that id, and only when the server allows it.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeRepository } from '../../../src/analyze';
import type { AppModel } from '../../../src/model/app';
import type { DeploymentPlan } from '../../../src/model/plan';
import { REPO_ROOT } from '../support/engine';
import { FULLSTACK, startHarness, type Harness } from './support/harness';

const SKILLS_FILE = join(REPO_ROOT, 'examples', 'skills', 'stackpilot.skills.yaml');
const VALUE = 'uploaded-Secret-Value-93xQ';

describe('server: uploaded apps and declared skills (real planner)', function () {
  this.timeout(300_000);
  let h: Harness;
  let roots: string;
  let app: AppModel;
  before(async () => {
    roots = mkdtempSync(join(tmpdir(), 'stackpilot-uploads-'));
    mkdirSync(join(roots, 'empty'));
    app = await analyzeRepository(FULLSTACK);
    h = await startHarness({
      allowedRoots: [roots],
      skillsFile: SKILLS_FILE,
      allowRepoSkills: ['egress-audit'],
    });
  });
  after(async () => {
    await h?.cleanup();
    if (roots) rmSync(roots, { recursive: true, force: true });
  });

  const planned = async (body: Record<string, unknown>) => {
    const res = await h.as('deployer').post('/v1/plans', { environment: 'dev', ...body });
    return { ...res, plan: res.body.plan as DeploymentPlan | undefined };
  };

  it('answers an analysis that finds no component with 422 no_components, and stores none', async () => {
    const res = await h.as('deployer').post('/v1/analyses', { path: join(roots, 'empty') });
    assert.equal(res.status, 422, res.text);
    assert.equal(res.body.code, 'no_components');
    assert.match(String(res.body.detail), /has no components/);
    assert.ok(!('id' in res.body));
  });

  it('answers an uploaded app without components with 422, planning nothing', async () => {
    const res = await planned({ app: { ...app, components: [], edges: [] } });
    assert.equal(res.status, 422, res.text);
    assert.equal(res.body.code, 'no_components');
  });

  it('answers an upload that carries a secret value with 422 naming the field, never the value', async () => {
    const leaky = structuredClone(app);
    const secret = leaky.components
      .flatMap((c) => c.env)
      .find((v) => v.classification === 'secret')!;
    secret.defaultValue = VALUE;
    const res = await planned({ app: leaky });
    assert.equal(res.status, 422, res.text);
    assert.equal(res.body.code, 'secret_value');
    const fields = (res.body.issues as { field: string }[]).map((i) => i.field);
    assert.equal(fields.length, 1);
    assert.match(fields[0]!, /^body\.app\.components\.\d+\.env\.\d+\.defaultValue$/);
    assert.ok(!res.text.includes(VALUE), 'the value is not echoed');
  });

  it("runs a declared skill the server allows, as the server's own, and refuses one it does not", async () => {
    const without = await planned({ app });
    assert.equal(without.status, 201, without.text);
    assert.ok(!without.plan!.decisions.some((d) => d.skill === 'egress-audit'));

    const withSkill = await planned({ app, skills: ['egress-audit'] });
    assert.equal(withSkill.status, 201, withSkill.text);
    const audits = withSkill.plan!.decisions.filter((d) => d.skill === 'egress-audit');
    assert.ok(audits.length > 0, 'the allowed skill ran');
    assert.ok(audits.every((d) => d.topic === 'data egress'));

    const refused = await planned({ app, skills: ['egress-audit', 'curl-pipe-sh'] });
    assert.equal(refused.status, 403, refused.text);
    assert.equal(refused.body.code, 'skill_not_allowed');
    assert.match(String(refused.body.detail), /"curl-pipe-sh"/);
  });
});
