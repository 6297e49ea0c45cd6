/**
 * The AppModel: what an application repository *is*, independent of Kubernetes.
 *
 * Produced by `src/analyze/`, consumed by `src/plan/`. Every detected fact carries
 * evidence (file and line) so that a plan can always say where a decision came from.
 * Secret values never enter this model: a secret keeps its name, its source and at most
 * a fingerprint.
 */
import { z } from 'zod';

/** Where a fact was found: a repository-relative POSIX path and, when known, a 1-based line. */
export const EvidenceSchema = z.strictObject({
  /** Which field of the model this evidence supports, e.g. `port`, `framework`, `env.DATABASE_URL`. */
  field: z.string().min(1),
  file: z.string().min(1),
  line: z.number().int().positive().optional(),
  /** A short human note: what was seen there. Never a secret value. */
  note: z.string().optional(),
});
export type Evidence = z.infer<typeof EvidenceSchema>;

/** Closed vocabulary of component kinds. */
export const ComponentKindSchema = z.enum([
  'frontend',
  'backend',
  'worker',
  'chatbot',
  'job',
  'database',
  'cache',
  'queue',
  'proxy',
]);
export type ComponentKind = z.infer<typeof ComponentKindSchema>;

export const LanguageSchema = z.enum(['typescript', 'javascript', 'python', 'go', 'other']);
export type Language = z.infer<typeof LanguageSchema>;

/** Where an environment variable was declared or referenced. */
export const EnvSourceSchema = z.enum([
  'dotenv',
  'dotenv-example',
  'compose',
  'dockerfile',
  'code',
  'settings',
  'spec',
]);
export type EnvSource = z.infer<typeof EnvSourceSchema>;

/** An environment variable a component reads, classified config or secret with the reason. */
export const EnvVarSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
  classification: z.enum(['config', 'secret']),
  /** Why it was classified so, e.g. `name ends in _KEY`, `URL with credentials`. */
  reason: z.string().min(1),
  sources: z.array(EnvSourceSchema).min(1),
  /** Inlined into the build (Next.js `NEXT_PUBLIC_*`); such a variable is never secret. */
  buildTime: z.boolean().default(false),
  /** A config variable's non-secret default value as found; never set for a secret. */
  defaultValue: z.string().optional(),
  /** A secret's value fingerprint (`sha256:` + 12 hex) so that changes can be noticed; never the value. */
  fingerprint: z
    .string()
    .regex(/^sha256:[0-9a-f]{12}$/)
    .optional(),
  /** The component or external service id this variable points at, when it is a reference. */
  refersTo: z.string().optional(),
});
export type EnvVar = z.infer<typeof EnvVarSchema>;

/** How the component's image is built. */
export const BuildSchema = z.discriminatedUnion('strategy', [
  z.strictObject({
    strategy: z.literal('dockerfile'),
    /** Repository-relative path of the existing Dockerfile. */
    dockerfile: z.string(),
    /** Repository-relative build context. */
    context: z.string(),
  }),
  z.strictObject({
    /** No Dockerfile found: the planner generates one. */
    strategy: z.literal('generate'),
    context: z.string(),
  }),
  z.strictObject({
    /** A prebuilt image (e.g. `redis:7.4-alpine` from compose); nothing to build. */
    strategy: z.literal('image'),
    image: z.string(),
  }),
]);
export type Build = z.infer<typeof BuildSchema>;

/** Where the repository names an image it publishes of a component it also builds. */
export const PublishedImageFromSchema = z.enum(['compose', 'manifest', 'helm', 'skaffold']);
export type PublishedImageFrom = z.infer<typeof PublishedImageFromSchema>;

/**
 * An image the repository itself publishes of a component it builds: compose `image:` beside
 * `build:`, a container of its own Kubernetes manifests, its Helm chart's values, or a skaffold
 * artifact. The planner may deploy it instead of building (`stackpilot:images.source`).
 */
export const PublishedImageSchema = z.strictObject({
  /** The reference as written, e.g. `ghcr.io/acme/api:1.4.2`; a skaffold name carries no tag. */
  image: z.string().min(1),
  from: PublishedImageFromSchema,
  /** Where it is named (field `publishedImage`). */
  evidence: EvidenceSchema,
});
export type PublishedImage = z.infer<typeof PublishedImageSchema>;

export const FrameworkSchema = z.strictObject({
  name: z.string(),
  version: z.string().optional(),
});
export type Framework = z.infer<typeof FrameworkSchema>;

/** Facts about a component that only some frameworks have. */
export const FeaturesSchema = z.strictObject({
  /** Next.js `output` setting. */
  nextOutput: z.enum(['standalone', 'export', 'default']).optional(),
  /** The app serves API routes (Next.js `app/api` or `pages/api`). */
  apiRoutes: z.boolean().optional(),
  /** Responses are streamed (SSE/LLM streaming): routes need long timeouts, no buffering. */
  streaming: z.boolean().optional(),
  /** Schema migrations the component owns, run as a Job before it starts. */
  migrations: z
    .strictObject({
      tool: z.enum(['alembic', 'prisma', 'django', 'drizzle', 'other']),
      command: z.string(),
    })
    .optional(),
  /** The ASGI/WSGI application object, e.g. `app.main:app` or `app.main:create_app()`. */
  appObject: z.string().optional(),
  /** Writable paths the process needs (e.g. Next.js cache), mounted as emptyDir. */
  writablePaths: z.array(z.string()).optional(),
  /** Dockerfile facts: user, healthcheck, exposed ports. */
  dockerUser: z.string().optional(),
  dockerHealthcheck: z.string().optional(),
  /** Compose profiles the service belongs to. */
  profiles: z.array(z.string()).optional(),
  /** Named volumes and mount paths (compose), for stateful services. */
  volumes: z.array(z.strictObject({ name: z.string(), mountPath: z.string() })).optional(),
  /** Background job framework for workers: celery, rq, dramatiq, bullmq. */
  queueFramework: z.string().optional(),
  /** Vector extension or store used: pgvector, qdrant, chroma. */
  vector: z.string().optional(),
  /**
   * Supports development, not the app: a test harness, a load generator, a dev mail catcher or
   * a database admin UI. Plans leave it out unless an environment enables it.
   */
  optional: z
    .strictObject({
      role: z.enum(['test', 'load-generator', 'mail-catcher', 'admin-ui']),
      reason: z.string().min(1),
    })
    .optional(),
});
export type Features = z.infer<typeof FeaturesSchema>;

/** One deployable part of the application. */
export const ComponentSchema = z.strictObject({
  /** DNS-1123 label: lowercase letters, digits and dashes. */
  name: z.string().regex(/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/),
  kind: ComponentKindSchema,
  /** Repository-relative directory (`.` for the root). */
  path: z.string(),
  language: LanguageSchema,
  framework: FrameworkSchema.optional(),
  /** The port the process listens on. */
  port: z.number().int().min(1).max(65535).optional(),
  startCommand: z.string().optional(),
  buildCommand: z.string().optional(),
  /** An HTTP path that answers when the process is alive. */
  healthPath: z.string().optional(),
  /** An HTTP path that answers when the process can serve traffic (dependencies reachable). */
  readinessPath: z.string().optional(),
  build: BuildSchema,
  /** An image of this component the repository publishes; only for components it builds. */
  publishedImage: PublishedImageSchema.optional(),
  env: z.array(EnvVarSchema),
  /** Reachable from outside the cluster (behind the Ingress). */
  public: z.boolean(),
  features: FeaturesSchema,
  /** `sha256:` digest of the component's source files; basis of its immutable image tag. */
  sourceDigest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  evidence: z.array(EvidenceSchema),
});
export type Component = z.infer<typeof ComponentSchema>;

export const ExternalServiceKindSchema = z.enum([
  'postgres',
  'llm',
  'blob',
  'vector',
  'cache',
  'queue',
  'http',
]);
export type ExternalServiceKind = z.infer<typeof ExternalServiceKindSchema>;

/** A service the application uses but does not run: Neon, an LLM API, a blob store, any other host. */
export const ExternalServiceSchema = z.strictObject({
  /** Stable id, e.g. `neon`, `openai`, `anthropic`, `s3`, `host:api.stripe.com`. */
  id: z.string().min(1),
  kind: ExternalServiceKindSchema,
  /** Provider name, e.g. `neon`, `openai`, `anthropic`, `google`, `vercel-ai`, `aws-s3`. */
  provider: z.string(),
  /** Hostnames when known (never with credentials), for egress rules. */
  hosts: z.array(z.string()),
  /** TCP port used to reach it (Postgres 5432, HTTPS 443). */
  port: z.number().int().min(1).max(65535),
  /** Components that use it, sorted. */
  usedBy: z.array(z.string()),
  evidence: z.array(EvidenceSchema),
});
export type ExternalService = z.infer<typeof ExternalServiceSchema>;

/** A dependency edge: `from` needs `to` (a component or an external service id). */
export const EdgeSchema = z.strictObject({
  from: z.string(),
  to: z.string(),
  target: z.enum(['component', 'external']),
  /** How the dependency was found. */
  via: z.enum(['env', 'compose', 'code', 'spec']),
  /** Compose `depends_on` condition, when given. */
  condition: z.enum(['started', 'healthy', 'completed']).optional(),
  /** The env var carrying the address, when the edge came from one. */
  envVar: z.string().optional(),
  evidence: z.array(EvidenceSchema),
});
export type Edge = z.infer<typeof EdgeSchema>;

/** Something the analyzer noticed but could not use; it names the file and, when known, the line. */
export const WarningSchema = z.strictObject({
  code: z.string(),
  message: z.string(),
  file: z.string().optional(),
  line: z.number().int().positive().optional(),
});
export type AnalysisWarning = z.infer<typeof WarningSchema>;

/** The whole analysis result. Arrays are sorted so that output is deterministic. */
export const AppModelSchema = z.strictObject({
  schemaVersion: z.literal(1),
  /** Application name (spec `name`, root package name, or the directory name). */
  name: z.string().regex(/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/),
  components: z.array(ComponentSchema),
  externalServices: z.array(ExternalServiceSchema),
  edges: z.array(EdgeSchema),
  warnings: z.array(WarningSchema),
});
export type AppModel = z.infer<typeof AppModelSchema>;

/**
 * Bounds on an AppModel that comes from outside (an inline app in a request) rather than from
 * the analyzer: sizes a real repository stays far below, so that a huge or repetitive model is
 * refused with the bound it exceeds instead of being planned.
 */
export const APP_MODEL_BOUNDS = {
  /** Longest environment variable name. */
  maxEnvNameLength: 256,
  /** Most env entries of one component. */
  maxEnvPerComponent: 500,
  /** Most components. */
  maxComponents: 200,
  /** Most external services. */
  maxExternalServices: 200,
  /** Most dependency edges. */
  maxEdges: 2000,
  /** Most evidence entries on one component, service or edge. */
  maxEvidence: 500,
  /** Most warnings. */
  maxWarnings: 2000,
} as const;

type Issue = { path: (string | number)[]; message: string };

function over(n: number, bound: keyof typeof APP_MODEL_BOUNDS, what: string): string {
  return `${n} ${what}, over the bound of ${APP_MODEL_BOUNDS[bound]} (${bound})`;
}

/** Every bound the model exceeds, and every env var name a component lists twice. */
export function appModelBoundIssues(app: AppModel): Issue[] {
  const b = APP_MODEL_BOUNDS;
  const issues: Issue[] = [];
  const count = (path: (string | number)[], n: number, bound: keyof typeof b, what: string) => {
    if (n > b[bound]) issues.push({ path, message: over(n, bound, what) });
  };
  count(['components'], app.components.length, 'maxComponents', 'components');
  count(['externalServices'], app.externalServices.length, 'maxExternalServices', 'services');
  count(['edges'], app.edges.length, 'maxEdges', 'edges');
  count(['warnings'], app.warnings.length, 'maxWarnings', 'warnings');
  app.components.forEach((c, i) => {
    count(['components', i, 'env'], c.env.length, 'maxEnvPerComponent', 'env entries');
    count(['components', i, 'evidence'], c.evidence.length, 'maxEvidence', 'evidence entries');
    const seen = new Set<string>();
    c.env.forEach((e, j) => {
      if (e.name.length > b.maxEnvNameLength)
        issues.push({
          path: ['components', i, 'env', j, 'name'],
          message: `a ${e.name.length}-character name, over the bound of ${b.maxEnvNameLength} (maxEnvNameLength)`,
        });
      else if (seen.has(e.name))
        issues.push({
          path: ['components', i, 'env', j, 'name'],
          message: `${e.name} is listed twice in component ${c.name}`,
        });
      seen.add(e.name);
    });
  });
  app.externalServices.forEach((s, i) =>
    count(
      ['externalServices', i, 'evidence'],
      s.evidence.length,
      'maxEvidence',
      'evidence entries',
    ),
  );
  app.edges.forEach((e, i) =>
    count(['edges', i, 'evidence'], e.evidence.length, 'maxEvidence', 'evidence entries'),
  );
  // The first issues say what is wrong; 3,000 duplicates need not be 3,000 issues.
  if (issues.length <= MAX_ISSUES) return issues;
  return [
    ...issues.slice(0, MAX_ISSUES),
    { path: [], message: `and ${issues.length - MAX_ISSUES} more issues like these` },
  ];
}

const MAX_ISSUES = 20;

/** An AppModel from outside, within {@link APP_MODEL_BOUNDS}; each exceeded bound is an issue. */
export const BoundedAppModelSchema = AppModelSchema.superRefine((app, ctx) => {
  for (const issue of appModelBoundIssues(app)) ctx.addIssue({ code: 'custom', ...issue });
});
