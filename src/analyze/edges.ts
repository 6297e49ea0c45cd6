/**
 * Dependency edges and external services. For every component it resolves:
 *
 * - env vars: a URL value points at a compose host, at a local port (`localhost:8000` → the
 *   component listening on 8000), at a local datastore (`redis://localhost:6379`), or at an
 *   external host (`*.neon.tech` → neon, anything else → `host:<name>`); without a value, the
 *   name does (`OPENAI_API_KEY` → openai, `REDIS_URL` → the redis component,
 *   `NEXT_PUBLIC_API_URL` → the component named `api`);
 * - dependencies and code: a datastore client not already resolved by an env var uses the
 *   local datastore of that engine, created from its default image when none exists; an SDK
 *   uses its external service;
 * - compose `depends_on` (with its condition) and `links`.
 *
 * One edge per (from, to); its `via` is the strongest way it was found (spec > compose > env
 * > code) and it keeps all the evidence.
 */
import type { Edge, Evidence, ExternalService } from '../model/app';
import { PRIORITY, type Draft, type EnvRef, type Loc } from './draft';
import {
  STORES,
  storeDraft,
  storeFromEnvName,
  storeFromScheme,
  type StoreId,
} from './detectors/datastores';
import {
  externalFromEnvName,
  externalFromHost,
  type ExternalDef,
} from './detectors/external-services';
import { compareStrings, sanitizeName } from './paths';

const VIA_RANK: Record<Edge['via'], number> = { code: 0, env: 1, compose: 2, spec: 3 };
const LOCAL_HOSTS = new Set([
  'localhost',
  '127.0.0.1',
  '0.0.0.0',
  '::1',
  '[::1]',
  'host.docker.internal',
  'host-gateway',
]);
/** Reserved example domains (RFC 2606/6761) and template hosts: placeholders, not services. */
const PLACEHOLDER_HOST = /(^|\.)(example|invalid|test|localhost)(\.[a-z]+)?$|^your[-_.]/i;
/**
 * Names that say who may call this component or where to send users (CORS origins, redirect
 * and callback URLs, its own public URL): references, not dependencies, so they make no edge.
 */
const NOT_A_DEPENDENCY =
  /ORIGIN|CORS|ALLOWED_HOSTS|TRUSTED|REDIRECT|CALLBACK|RETURN_URL|(^|_)(SITE|APP|PUBLIC|NEXTAUTH|AUTH|FRONTEND|WEB)_URL$/;
/** Evidence entries kept per env var reference: enough to find it, bounded for big repos. */
export const EVIDENCE_CAP = 5;

/** Evidence for `field` at a location. */
export function toEvidence(field: string, loc: Loc): Evidence {
  return {
    field,
    file: loc.file,
    ...(loc.line ? { line: loc.line } : {}),
    ...(loc.note ? { note: loc.note } : {}),
  };
}

/** Sorted, duplicate-free evidence (by field, file, line, note). */
export function dedupeEvidence(list: readonly Evidence[]): Evidence[] {
  const seen = new Map<string, Evidence>();
  for (const e of list) seen.set(`${e.field}\0${e.file}\0${e.line ?? 0}\0${e.note ?? ''}`, e);
  return [...seen.values()].sort(
    (a, b) =>
      compareStrings(a.field, b.field) ||
      compareStrings(a.file, b.file) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      compareStrings(a.note ?? '', b.note ?? ''),
  );
}

/** The parts of a URL the edge rules use. */
export interface UrlParts {
  scheme: string;
  host: string;
  port?: number;
}

/** Scheme, first host and port of a URL-like value; credentials are skipped, never returned. */
export function parseUrl(value: string): UrlParts | undefined {
  const m =
    /^([a-z][a-z0-9+.-]*):\/\/(?:[^@/?#\s]*@)?(\[[^\]]+\]|[^:/?#,\s]+)(?::(\d{1,5}))?/i.exec(
      value.trim(),
    );
  if (!m) return undefined;
  return {
    scheme: m[1]!.toLowerCase(),
    host: m[2]!.toLowerCase(),
    ...(m[3] ? { port: Number(m[3]) } : {}),
  };
}

/** Component-name token of an address-carrying env var (`NEXT_PUBLIC_API_URL` → `api`), or `undefined`. */
export function nameToken(name: string): string | undefined {
  const m =
    /^(?:NEXT_PUBLIC_|VITE_|REACT_APP_)?([A-Z0-9_]+?)(?:_SERVICE)?(?:_BASE)?_(URL|URI|HOST|HOSTNAME|ADDR|ADDRESS|ENDPOINT|ORIGIN)$/.exec(
      name,
    );
  return m ? sanitizeName(m[1]!.replace(/_/g, '-'), '') || undefined : undefined;
}

interface ExternalAcc {
  def: ExternalDef;
  hosts: Set<string>;
  usedBy: Set<string>;
  evidence: Evidence[];
}

/** Edges and external services, sorted. */
export interface EdgeResult {
  edges: Edge[];
  externals: ExternalService[];
}

/** Accumulates edges and external services over all components; see the module comment. */
export class EdgeBuilder {
  private readonly edges = new Map<string, Edge>();
  private readonly externals = new Map<string, ExternalAcc>();
  private readonly byName = new Map<string, Draft>();
  /** Datastore drafts created because the app needs an engine that nothing else provides. */
  readonly added: Draft[] = [];
  private readonly wantsPgvector: boolean;
  /** Indexes so that resolution stays linear in the number of components. */
  private readonly stores = new Map<StoreId, Draft[]>();
  private readonly byPort = new Map<number, Draft[]>();
  private readonly backends: Draft[] = [];

  constructor(drafts: readonly Draft[]) {
    for (const d of [...drafts].sort((a, b) => compareStrings(a.name, b.name))) {
      this.byName.set(d.name, d);
      if (d.store) this.stores.set(d.store, [...(this.stores.get(d.store) ?? []), d]);
      const port = d.get('port');
      if (!d.store && port !== undefined)
        this.byPort.set(port, [...(this.byPort.get(port) ?? []), d]);
      if (d.get('kind') === 'backend') this.backends.push(d);
    }
    this.wantsPgvector = drafts.some((d) =>
      d.uses.some((u) => u.type === 'store' && u.vector === 'pgvector'),
    );
  }

  /** Adds an edge, or merges it into the existing one between the same two ends. */
  edge(
    from: string,
    to: string,
    target: Edge['target'],
    via: Edge['via'],
    evidence: Evidence[],
    extra: { envVar?: string; condition?: Edge['condition'] } = {},
  ): void {
    if (from === to) return;
    const key = `${from}\0${to}`;
    const cur = this.edges.get(key);
    if (!cur) {
      this.edges.set(key, { from, to, target, via, ...extra, evidence: [...evidence] });
      return;
    }
    if (VIA_RANK[via] > VIA_RANK[cur.via]) cur.via = via;
    if (extra.envVar && (!cur.envVar || extra.envVar < cur.envVar)) cur.envVar = extra.envVar;
    if (extra.condition) cur.condition = extra.condition;
    cur.evidence.push(...evidence);
  }

  private useExternal(def: ExternalDef, user: string, evidence: Evidence[], host?: string): void {
    let acc = this.externals.get(def.id);
    if (!acc)
      this.externals.set(
        def.id,
        (acc = { def, hosts: new Set(def.hosts), usedBy: new Set(), evidence: [] }),
      );
    if (host) acc.hosts.add(host);
    acc.usedBy.add(user);
    acc.evidence.push(...evidence);
  }

  /**
   * The local draft of an engine: the only one on `port`, else the one named after the
   * engine, else the first by name. Created from the default image when `create` is given.
   */
  private localStore(
    store: StoreId,
    port: number | undefined,
    create: Loc | undefined,
  ): Draft | undefined {
    const candidates = this.stores.get(store) ?? [];
    const onPort = port === undefined ? [] : candidates.filter((d) => d.get('port') === port);
    const found =
      (onPort.length === 1 ? onPort[0] : undefined) ??
      candidates.find((d) => d.name === store) ??
      candidates[0];
    if (found || !create) return found;
    let name: string = store;
    for (let i = 2; this.byName.has(name); i++) name = `${store}-${i}`;
    const d = storeDraft(
      name,
      store,
      undefined,
      create,
      PRIORITY.inferred,
      '.',
      store === 'postgres' && this.wantsPgvector ? 'pgvector' : undefined,
    );
    this.byName.set(name, d);
    this.stores.set(store, [d]);
    this.added.push(d);
    return d;
  }

  /** Resolves one component's env vars, dependencies and compose links into edges. */
  resolve(d: Draft): void {
    const resolvedStores = new Set<StoreId>();
    const neon = d.uses.find((u) => u.type === 'external' && u.service.id === 'neon');
    const groups = new Map<string, EnvRef[]>();
    for (const r of d.env) {
      const list = groups.get(r.name);
      if (list) list.push(r);
      else groups.set(r.name, [r]);
    }
    for (const [name, refs] of [...groups].sort(([a], [b]) => compareStrings(a, b))) {
      if (NOT_A_DEPENDENCY.test(name)) continue;
      const evidence = refs.slice(0, EVIDENCE_CAP).map((r) => toEvidence(`env.${name}`, r.loc));
      const target = this.resolveEnv(
        d,
        name,
        refs,
        evidence,
        neon?.type === 'external' ? neon.service : undefined,
        resolvedStores,
      );
      if (target) d.envTargets.set(name, target);
    }

    for (const u of d.uses) {
      if (u.type === 'external') {
        const ev = [toEvidence(`uses.${u.service.id}`, u.loc)];
        this.useExternal(u.service, d.name, ev);
        this.edge(d.name, u.service.id, 'external', 'code', ev);
      } else if (!resolvedStores.has(u.store) && !(u.store === 'postgres' && neon)) {
        const local = this.localStore(u.store, undefined, u.loc);
        if (local)
          this.edge(d.name, local.name, 'component', 'code', [
            toEvidence(`uses.${u.store}`, u.loc),
          ]);
      }
    }
    for (const dep of d.composeDeps) {
      const target = this.byName.get(sanitizeName(dep.service));
      if (target)
        this.edge(
          d.name,
          target.name,
          'component',
          'compose',
          [toEvidence(dep.link ? 'links' : 'depends_on', dep.loc)],
          dep.condition ? { condition: dep.condition } : {},
        );
    }
  }

  private resolveEnv(
    d: Draft,
    name: string,
    refs: EnvRef[],
    evidence: Evidence[],
    neon: ExternalDef | undefined,
    resolvedStores: Set<StoreId>,
  ): string | undefined {
    const toComponent = (t: Draft): string | undefined => {
      // Nothing but a proxy depends on a frontend: other references to it are links.
      if (t.get('kind') === 'frontend' && d.get('kind') !== 'proxy') return undefined;
      this.edge(d.name, t.name, 'component', 'env', evidence, { envVar: name });
      if (t.store) resolvedStores.add(t.store);
      return t.name;
    };
    const toExternal = (def: ExternalDef, host?: string): string => {
      this.useExternal(def, d.name, evidence, host);
      this.edge(d.name, def.id, 'external', 'env', evidence, { envVar: name });
      return def.id;
    };

    // A URL value is the most concrete statement of where the variable points.
    const urls = refs
      .map((r) => r.value ?? r.raw?.replace(/\$\{[^}]*\}|\$[A-Za-z_]\w*/g, 'x'))
      .filter((v): v is string => !!v)
      .map(parseUrl)
      .filter((u): u is UrlParts => !!u);
    for (const url of urls) {
      const store = storeFromScheme(url.scheme);
      const named = this.byName.get(url.host);
      if (named && named !== d) return toComponent(named);
      if (LOCAL_HOSTS.has(url.host)) {
        if (store) {
          const local = this.localStore(store, url.port, refs[0]!.loc);
          if (local) return toComponent(local);
        } else if (url.scheme === 'http' || url.scheme === 'https') {
          const port = url.port ?? (url.scheme === 'https' ? 443 : 80);
          const listening = (this.byPort.get(port) ?? []).filter((o) => o !== d);
          if (listening.length === 1) return toComponent(listening[0]!);
        }
        continue;
      }
      if (!url.host.includes('.')) continue;
      if (PLACEHOLDER_HOST.test(url.host)) {
        // A template host in a connection string means "an external one you supply".
        if (!store) continue;
        resolvedStores.add(store);
        return toExternal({
          id: `external-${store}`,
          kind: STORES[store].externalKind,
          provider: store,
          hosts: [],
          port: url.port ?? STORES[store].port,
        });
      }
      if (store) resolvedStores.add(store);
      const known = externalFromHost(url.host);
      if (known) return toExternal(known, url.host);
      const def: ExternalDef = store
        ? {
            id: `host:${url.host}`,
            kind: STORES[store].externalKind,
            provider: store,
            hosts: [],
            port: url.port ?? STORES[store].port,
          }
        : {
            id: `host:${url.host}`,
            kind: 'http',
            provider: 'http',
            hosts: [],
            port: url.port ?? (url.scheme === 'http' ? 80 : 443),
          };
      return toExternal(def, url.host);
    }

    // A bare hostname in a *_HOST variable (`SMTP_HOST=smtp.mailgun.org`) is a host too.
    const hostValue = /_HOST(NAME)?$/.test(name)
      ? refs.map((r) => r.value).find((v) => v && /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(v))
      : undefined;
    if (hostValue && !PLACEHOLDER_HOST.test(hostValue)) {
      const host = hostValue.toLowerCase();
      const named = this.byName.get(host);
      if (named && named !== d) return toComponent(named);
      const known = externalFromHost(host);
      if (known) return toExternal(known, host);
      return toExternal(
        {
          id: `host:${host}`,
          kind: 'http',
          provider: 'http',
          hosts: [],
          port: /^SMTP/.test(name) ? 587 : 443,
        },
        host,
      );
    }
    const ext = externalFromEnvName(name);
    if (ext) return toExternal(ext);
    const store = storeFromEnvName(name);
    if (store === 'postgres' && neon) {
      resolvedStores.add('postgres');
      return toExternal(neon);
    }
    if (store) {
      const needs = d.uses.some((u) => u.type === 'store' && u.store === store);
      const local = this.localStore(store, undefined, needs ? refs[0]!.loc : undefined);
      if (local) return toComponent(local);
    }
    const token = nameToken(name);
    if (token) {
      const t =
        this.byName.get(token) ??
        (token === 'backend' && this.backends.length === 1 ? this.backends[0] : undefined);
      if (t && t !== d) return toComponent(t);
    }
    return undefined;
  }

  /** Applies a spec `dependsOn` entry; false when the target is neither a component nor a known external service. */
  specEdge(from: string, to: string, loc: Loc): boolean {
    const ev = [toEvidence('dependsOn', loc)];
    if (this.byName.has(to)) this.edge(from, to, 'component', 'spec', ev);
    else if (this.externals.has(to)) {
      this.externals.get(to)!.usedBy.add(from);
      this.edge(from, to, 'external', 'spec', ev);
    } else return false;
    return true;
  }

  /** Edges sorted by (from, to) and external services sorted by id, evidence sorted. */
  result(): EdgeResult {
    const edges = [...this.edges.values()]
      .map((e) => ({ ...e, evidence: dedupeEvidence(e.evidence) }))
      .sort((a, b) => compareStrings(a.from, b.from) || compareStrings(a.to, b.to));
    const externals: ExternalService[] = [...this.externals.values()]
      .map((x) => ({
        id: x.def.id,
        kind: x.def.kind,
        provider: x.def.provider,
        hosts: [...x.hosts].sort(compareStrings),
        port: x.def.port,
        usedBy: [...x.usedBy].sort(compareStrings),
        evidence: dedupeEvidence(x.evidence),
      }))
      .sort((a, b) => compareStrings(a.id, b.id));
    return { edges, externals };
  }
}
