/**
 * Content-addressed archive of plans: every plan previewed or deployed is kept under its
 * hash, so that rollback can re-deploy exactly what an earlier update deployed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson, contentHash } from '../model/canonical';
import { NotFoundError } from '../model/errors';
import { DeploymentPlanSchema, type DeploymentPlan } from '../model/plan';
import { writeFileAtomic } from './write-file-atomic';

/** Plans on disk by hash. */
export class PlanArchive {
  constructor(private readonly dir: string) {}

  /** Stores a plan (idempotent) after checking that its hash matches its content. */
  put(plan: DeploymentPlan): string {
    const { hash, ...rest } = plan;
    const actual = contentHash(rest);
    if (actual !== hash) {
      throw new Error(`plan hash ${hash} does not match its content (${actual})`);
    }
    const file = this.file(hash);
    if (!existsSync(file)) writeFileAtomic(file, canonicalJson(plan, 2));
    return hash;
  }

  /** The plan with this hash; NotFoundError when it was never archived here. */
  get(hash: string): DeploymentPlan {
    const file = this.file(hash);
    if (!existsSync(file)) throw new NotFoundError(`no archived plan ${hash}`);
    return DeploymentPlanSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  }

  has(hash: string): boolean {
    return existsSync(this.file(hash));
  }

  private file(hash: string): string {
    if (!/^sha256:[0-9a-f]{64}$/.test(hash)) throw new NotFoundError(`not a plan hash: ${hash}`);
    return join(this.dir, `${hash.slice('sha256:'.length)}.json`);
  }
}
