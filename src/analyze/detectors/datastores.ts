/**
 * Datastores and queues a unit uses, from its client-library dependencies and Prisma's
 * datasource, and the draft of an engine run in the cluster from a pinned image. What the
 * engines are and how they are recognised is in `store-catalog.ts`.
 */
import { Draft, PRIORITY, type Loc } from '../draft';
import type { UnitContext } from './context';
import {
  NPM_DEPS,
  PGVECTOR_IMAGE,
  PY_DEPS,
  PY_EXTRAS,
  STORES,
  imageTag,
  type StoreId,
} from './store-catalog';

export {
  imageRepository,
  imageTag,
  PGVECTOR_IMAGE,
  STORES,
  storeFromEnvName,
  storeFromImage,
  storeFromScheme,
  type StoreDef,
  type StoreId,
} from './store-catalog';

/** Unit detector: datastore client libraries among the dependencies, and Prisma's datasource. */
export function detectDatastoreDeps(ctx: UnitContext): void {
  const { unit, draft, repo } = ctx;
  const use = (store: StoreId, loc: Loc, vector?: string): void => {
    draft.uses.push({ type: 'store', store, loc, ...(vector ? { vector } : {}) });
    if (vector) draft.feature('vector', vector, PRIORITY.manifest, loc);
  };
  for (const dep of unit.npmDeps.values()) {
    if (dep.dev) continue;
    const hit = NPM_DEPS[dep.name];
    if (hit)
      use(
        hit.store,
        { file: dep.file, line: dep.line, note: `dependency ${dep.name}` },
        hit.vector,
      );
  }
  for (const dep of unit.pyDeps.values()) {
    if (dep.dev) continue;
    const hit = PY_DEPS[dep.name];
    if (hit)
      use(
        hit.store,
        { file: dep.file, line: dep.line, note: `dependency ${dep.name}` },
        hit.vector,
      );
    if (dep.name === 'celery' || dep.name === 'dramatiq' || dep.name === 'kombu')
      for (const extra of dep.extras) {
        const store = PY_EXTRAS[extra];
        if (store && extra !== 'sqs')
          use(store, { file: dep.file, line: dep.line, note: `dependency ${dep.name}[${extra}]` });
      }
  }
  // Prisma: the datasource provider in schema.prisma names the engine.
  for (const f of unit.files) {
    if (!f.path.endsWith('schema.prisma')) continue;
    const src = repo.source(f.path);
    const m = src && /provider\s*=\s*"(postgresql|postgres|mongodb)"/.exec(src.text);
    if (src && m)
      use(m[1] === 'mongodb' ? 'mongodb' : 'postgres', {
        file: f.path,
        line: src.lineAt(m.index),
        note: `Prisma datasource ${m[1]}`,
      });
  }
}

/**
 * A draft for a datastore run from an image: from a compose service (`image` given, claimed at
 * compose priority) or created because the app needs the engine (default image).
 */
export function storeDraft(
  name: string,
  store: StoreId,
  image: string | undefined,
  loc: Loc,
  priority: number,
  path = '.',
  vector?: string,
): Draft {
  const def = STORES[store];
  const ref = image ?? (vector === 'pgvector' && store === 'postgres' ? PGVECTOR_IMAGE : def.image);
  const d = new Draft(name, path, 'datastore', undefined, store);
  const version = /^v?(\d+(?:\.\d+)*)/.exec(imageTag(ref) ?? '')?.[1];
  d.claim('kind', def.kind, priority, { ...loc, note: `${store} ${def.kind}` });
  d.claim('framework', { name: store, ...(version ? { version } : {}) }, priority, {
    ...loc,
    note: `image ${ref}`,
  });
  d.claim('build', { strategy: 'image', image: ref }, priority, {
    ...loc,
    note: image ? `image ${ref}` : `${store} needed but not supplied: default image ${ref}`,
  });
  d.claim('port', def.port, PRIORITY.default, { ...loc, note: `${store} port` });
  d.claim('language', 'other', PRIORITY.default, { ...loc, note: 'prebuilt image' });
  d.claim('public', false, PRIORITY.default, { ...loc, note: 'datastores are internal' });
  const vec = /pgvector/.test(ref) ? 'pgvector' : def.externalKind === 'vector' ? store : vector;
  if (vec) d.feature('vector', vec, priority, { ...loc, note: `vector store ${vec}` });
  return d;
}
