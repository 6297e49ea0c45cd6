/** Analyses: the AppModel found at a path, kept so that plans can be made from it by id. */
import type { Database } from 'better-sqlite3';
import { canonicalJson, contentHash } from '../model/canonical';
import { AppModelSchema, type AppModel } from '../model/app';
import type { Clock } from './clock';
import { newId } from './ids';

export interface AnalysisRecord {
  id: string;
  app: string;
  /** The path as the requester gave it (not the resolved server path). */
  path: string;
  modelHash: string;
  model: AppModel;
  requester: string;
  createdAt: string;
}

interface AnalysisRow {
  id: string;
  app: string;
  path: string;
  model_hash: string;
  model: string;
  requester: string;
  created_at: string;
}

export class AnalysisRepository {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /** Stores a new analysis of `model`, found at `path`, requested by `requester`. */
  create(path: string, model: AppModel, requester: string): AnalysisRecord {
    const record: AnalysisRecord = {
      id: newId('analysis'),
      app: model.name,
      path,
      modelHash: contentHash(model),
      model,
      requester,
      createdAt: this.clock.now().toISOString(),
    };
    this.db
      .prepare(
        `INSERT INTO analyses (id, app, path, model_hash, model, requester, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        record.id,
        record.app,
        path,
        record.modelHash,
        canonicalJson(model),
        requester,
        record.createdAt,
      );
    return record;
  }

  get(id: string): AnalysisRecord | undefined {
    const row = this.db.prepare('SELECT * FROM analyses WHERE id = ?').get(id) as
      AnalysisRow | undefined;
    return (
      row && {
        id: row.id,
        app: row.app,
        path: row.path,
        modelHash: row.model_hash,
        model: AppModelSchema.parse(JSON.parse(row.model)),
        requester: row.requester,
        createdAt: row.created_at,
      }
    );
  }
}
