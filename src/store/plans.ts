/**
 * Plans by id and by content hash. A plan's content decides its identity: storing a plan
 * whose hash is known already returns the existing record, so equal plans share one id.
 */
import type { Database } from 'better-sqlite3';
import { canonicalJson } from '../model/canonical';
import { DeploymentPlanSchema, type DeploymentPlan } from '../model/plan';
import type { Clock } from './clock';
import { newId } from './ids';

export interface PlanRecord {
  id: string;
  hash: string;
  app: string;
  environment: string;
  analysisId?: string;
  plan: DeploymentPlan;
  requester: string;
  createdAt: string;
}

interface PlanRow {
  id: string;
  hash: string;
  app: string;
  environment: string;
  analysis_id: string | null;
  plan: string;
  requester: string;
  created_at: string;
}

export class PlanRepository {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /** Stores `plan` unless a plan with its hash exists; returns the record either way. */
  put(plan: DeploymentPlan, requester: string, analysisId?: string): PlanRecord {
    return this.db.transaction((): PlanRecord => {
      const existing = this.byHash(plan.hash);
      if (existing) return existing;
      const id = newId('plan');
      const createdAt = this.clock.now().toISOString();
      this.db
        .prepare(
          `INSERT INTO plans (id, hash, app, environment, analysis_id, plan, requester, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          plan.hash,
          plan.app,
          plan.environment,
          analysisId ?? null,
          canonicalJson(plan),
          requester,
          createdAt,
        );
      return {
        id,
        hash: plan.hash,
        app: plan.app,
        environment: plan.environment,
        ...(analysisId ? { analysisId } : {}),
        plan,
        requester,
        createdAt,
      };
    })();
  }

  get(id: string): PlanRecord | undefined {
    return this.one('SELECT * FROM plans WHERE id = ?', id);
  }

  byHash(hash: string): PlanRecord | undefined {
    return this.one('SELECT * FROM plans WHERE hash = ?', hash);
  }

  /** A plan by id (`pl_…`) or by content hash (`sha256:…`). */
  find(idOrHash: string): PlanRecord | undefined {
    return idOrHash.startsWith('sha256:') ? this.byHash(idOrHash) : this.get(idOrHash);
  }

  private one(sql: string, key: string): PlanRecord | undefined {
    const row = this.db.prepare(sql).get(key) as PlanRow | undefined;
    return (
      row && {
        id: row.id,
        hash: row.hash,
        app: row.app,
        environment: row.environment,
        ...(row.analysis_id ? { analysisId: row.analysis_id } : {}),
        plan: DeploymentPlanSchema.parse(JSON.parse(row.plan)),
        requester: row.requester,
        createdAt: row.created_at,
      }
    );
  }
}
