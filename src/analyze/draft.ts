/**
 * A component under construction. Detectors do not write fields directly: they *claim* a
 * value with a priority and the evidence for it, and the highest claim wins (the first one on
 * a tie, detectors running in a fixed order). That is how "the spec wins, then compose, then
 * the Dockerfile, then code, then framework defaults" is expressed once instead of in every
 * detector.
 */
import type {
  Build,
  ComponentKind,
  EnvSource,
  Evidence,
  Features,
  Framework,
  Language,
} from '../model/app';
import type { StoreId } from './detectors/datastores';
import type { ExternalDef } from './detectors/external-services';
import type { Unit } from './units';

/** Claim priorities, lowest to highest. */
export const PRIORITY = {
  /** A framework's documented default (Next.js listens on 3000). */
  default: 0,
  /** Seen in source code (`app.listen(4000)`, a route file). */
  code: 10,
  /** Inferred from other facts after detection (a frontend's build-time URL makes a backend public). */
  inferred: 15,
  /** Declared in a manifest (package.json scripts, pyproject). */
  manifest: 20,
  /** Declared in the Dockerfile that builds the image. */
  dockerfile: 30,
  /** Declared in a Procfile. */
  procfile: 40,
  /** Implied by the effective start command (a `celery worker` command makes a worker). */
  command: 45,
  /** Declared in docker-compose. */
  compose: 50,
  /** Declared in stackpilot.yaml: always wins. */
  spec: 100,
} as const;

/** A place in the repository, without the field it supports. */
export interface Loc {
  file: string;
  line?: number;
  note?: string;
}

/** Scalar fields of a component that detectors claim. */
export interface DraftValues {
  kind: ComponentKind;
  language: Language;
  framework: Framework;
  port: number;
  startCommand: string;
  buildCommand: string;
  healthPath: string;
  readinessPath: string;
  build: Build;
  public: boolean;
}

/** A key of the component `features`. */
export type FeatureKey = keyof Features;

interface Claim {
  value: unknown;
  priority: number;
  evidence: Evidence[];
}

/** An environment variable reference as found, before classification. The value never leaves the analyzer. */
export interface EnvRef {
  name: string;
  source: EnvSource;
  /** Value or default as found (for classification and fingerprinting only). */
  value?: string;
  /** The value with unresolved variables (`postgres://u:${PW}@db/app`), for reading its host only. */
  raw?: string;
  loc: Loc;
}

/** A datastore or external service a component uses, seen in a dependency or in code. */
export type Usage =
  | { type: 'store'; store: StoreId; loc: Loc; vector?: string }
  | { type: 'external'; service: ExternalDef; loc: Loc };

/** A compose `depends_on` / `links` entry of the service a draft came from. */
export interface ComposeDep {
  service: string;
  condition?: 'started' | 'healthy' | 'completed';
  link: boolean;
  loc: Loc;
}

/** An HTTP route seen in code. */
export interface Route {
  path: string;
  loc: Loc;
}

/** Where a draft came from. */
export type DraftOrigin = 'unit' | 'process' | 'compose' | 'datastore' | 'spec';

function toEvidence(field: string, loc: Loc | readonly Loc[]): Evidence[] {
  const list = Array.isArray(loc) ? (loc as readonly Loc[]) : [loc as Loc];
  return list.map((l) => ({
    field,
    file: l.file,
    ...(l.line ? { line: l.line } : {}),
    ...(l.note ? { note: l.note } : {}),
  }));
}

/** A component under construction: prioritized claims plus the env, usages and links found. */
export class Draft {
  private claims = new Map<string, Claim>();
  env: EnvRef[] = [];
  uses: Usage[] = [];
  routes: Route[] = [];
  composeDeps: ComposeDep[] = [];
  /** Further Procfile processes of a unit (all but `web`), turned into their own drafts. */
  processes: Array<{ type: string; command: string; loc: Loc }> = [];
  /** An HTTP framework was found (the process serves requests unless its command says otherwise). */
  serves = false;
  /** Env var name → component or external id it points at (set by edge inference). */
  envTargets = new Map<string, string>();
  /** Evidence that is not tied to a claimed field (e.g. why a process exists). */
  notes: Evidence[] = [];
  /** The name was given explicitly (a compose service name): it wins a name collision. */
  explicitName = false;
  /** For a Procfile process: the unit draft it was split from and its process type. */
  processOf?: { base: Draft; type: string };
  /** Classification the spec imposes on env vars, by name. */
  specEnv = new Map<string, { secret?: boolean; buildTime?: boolean; loc: Loc }>();

  constructor(
    /** Working name; final names are settled by the assembler. */
    public name: string,
    /** Repository-relative directory (`.` for the root). */
    public path: string,
    public origin: DraftOrigin,
    public readonly unit?: Unit,
    /** Datastore engine when this draft is one. */
    public store?: StoreId,
  ) {}

  /** Claims a field; a higher priority replaces a lower one, an equal one keeps the first. */
  claim<K extends keyof DraftValues>(
    key: K,
    value: DraftValues[K],
    priority: number,
    loc: Loc | readonly Loc[],
  ): void {
    this.put(key, value, priority, loc);
  }

  /** Claims one of the component's `features`. */
  feature<K extends FeatureKey>(
    key: K,
    value: NonNullable<Features[K]>,
    priority: number,
    loc: Loc | readonly Loc[],
  ): void {
    this.put(`features.${key}`, value, priority, loc);
  }

  /** Removes a field's claim (the spec can unset what detection found). */
  unset(key: keyof DraftValues | `features.${FeatureKey}`): void {
    this.claims.delete(key);
  }

  private put(key: string, value: unknown, priority: number, loc: Loc | readonly Loc[]): void {
    const cur = this.claims.get(key);
    if (cur && cur.priority >= priority) return;
    this.claims.set(key, { value, priority, evidence: toEvidence(key, loc) });
  }

  get<K extends keyof DraftValues>(key: K): DraftValues[K] | undefined {
    return this.claims.get(key)?.value as DraftValues[K] | undefined;
  }

  getFeature<K extends FeatureKey>(key: K): Features[K] | undefined {
    return this.claims.get(`features.${key}`)?.value as Features[K] | undefined;
  }

  /** Evidence of a field's current claim (empty when unclaimed). */
  evidenceOf(key: keyof DraftValues | `features.${FeatureKey}`): Evidence[] {
    return this.claims.get(key)?.evidence ?? [];
  }

  /** Priority of a field's current claim, or -1 when unclaimed. */
  priorityOf(key: keyof DraftValues | `features.${FeatureKey}`): number {
    return this.claims.get(key)?.priority ?? -1;
  }

  /** All features claimed, as the model's `features` object. */
  features(): Features {
    const out: Record<string, unknown> = {};
    for (const [key, c] of this.claims)
      if (key.startsWith('features.')) out[key.slice(9)] = c.value;
    return out as Features;
  }

  /** Evidence of every winning claim plus the notes. */
  evidence(): Evidence[] {
    return [...[...this.claims.values()].flatMap((c) => c.evidence), ...this.notes];
  }

  /** A copy with its own claims and lists, for another process of the same source (compose, Procfile). */
  clone(name: string, origin: DraftOrigin): Draft {
    const d = new Draft(name, this.path, origin, this.unit, this.store);
    d.claims = new Map([...this.claims].map(([k, c]) => [k, { ...c, evidence: [...c.evidence] }]));
    d.env = [...this.env];
    d.uses = [...this.uses];
    d.routes = [...this.routes];
    d.serves = this.serves;
    d.notes = [...this.notes];
    return d;
  }
}
