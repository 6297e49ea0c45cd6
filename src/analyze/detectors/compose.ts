/**
 * docker-compose / compose.yaml: services with their build context and Dockerfile, image,
 * command, ports, environment and env_file, depends_on with conditions, links, healthcheck,
 * profiles and named volumes — each with its line. Per directory the files `docker compose`
 * itself reads are used: the first of compose.yaml, compose.yml, docker-compose.yaml,
 * docker-compose.yml, then its `.override` file. A malformed file or field is a warning
 * naming file and line; the rest of the file is still used.
 */
import { z } from 'zod';
import type { EnvSource } from '../../model/app';
import type { Loc } from '../draft';
import { parseDotenv } from '../parse/dotenv';
import { parseYaml, type YamlDoc } from '../parse/yaml';
import { baseOf, compareStrings, dirOf, escapesRoot, joinRel } from '../paths';
import type { Repo } from '../repo';
import type { WarningSink } from '../warnings';
import { dotenvSource } from './env-files';

/** One compose service as read, every fact located. */
export interface ComposeService {
  name: string;
  loc: Loc;
  build?: { context: string; dockerfile: string; loc: Loc };
  image?: { ref: string; loc: Loc };
  command?: { text: string; loc: Loc };
  ports: Array<{ container: number; published?: number; loc: Loc }>;
  environment: Array<{ name: string; value?: string; raw?: string; source: EnvSource; loc: Loc }>;
  dependsOn: Array<{
    service: string;
    condition?: 'started' | 'healthy' | 'completed';
    link: boolean;
    loc: Loc;
  }>;
  healthcheck?: { test: string; loc: Loc };
  profiles?: { names: string[]; loc: Loc };
  volumes: Array<{ name: string; mountPath: string; loc: Loc }>;
}

const PRIMARY = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];

/** The compose files `docker compose` would read in each directory, sorted. */
export function composeFiles(repo: Repo): string[] {
  const out: string[] = [];
  for (const dir of repo.dirs()) {
    const names = new Set(repo.filesIn(dir).map((f) => baseOf(f.path)));
    const primary = PRIMARY.find((n) => names.has(n));
    if (!primary) continue;
    out.push(joinRel(dir, primary));
    const override = primary.replace(/\.ya?ml$/, '.override$&');
    if (names.has(override)) out.push(joinRel(dir, override));
  }
  return out;
}

const strOrList = z.union([z.string(), z.array(z.string())]);
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const FIELDS = {
  build: z.union([
    z.string(),
    z.looseObject({ context: z.string().optional(), dockerfile: z.string().optional() }),
  ]),
  image: z.string(),
  command: strOrList,
  entrypoint: strOrList,
  ports: z.array(
    z.union([
      z.string(),
      z.number(),
      z.looseObject({
        target: z.union([z.number(), z.string()]),
        published: z.union([z.number(), z.string()]).optional(),
      }),
    ]),
  ),
  expose: z.array(z.union([z.string(), z.number()])),
  environment: z.union([z.record(z.string(), scalar), z.array(z.string())]),
  env_file: z.union([
    z.string(),
    z.array(
      z.union([z.string(), z.looseObject({ path: z.string(), required: z.boolean().optional() })]),
    ),
  ]),
  depends_on: z.union([
    z.array(z.string()),
    z.record(z.string(), z.looseObject({ condition: z.string().optional() }).nullable()),
  ]),
  links: z.array(z.string()),
  healthcheck: z.looseObject({ test: strOrList.optional(), disable: z.boolean().optional() }),
  profiles: z.array(z.string()),
  volumes: z.array(
    z.union([
      z.string(),
      z.looseObject({
        type: z.string().optional(),
        source: z.string().optional(),
        target: z.string(),
      }),
    ]),
  ),
} as const;

type Fields = { [K in keyof typeof FIELDS]?: z.infer<(typeof FIELDS)[K]> };

const CONDITIONS = {
  service_started: 'started',
  service_healthy: 'healthy',
  service_completed_successfully: 'completed',
} as const;

/** Compose variable interpolation with defaults only: `${X:-d}` → `d`; `undefined` when a variable has no default. */
export function interpolate(s: string): string | undefined {
  let unknown = false;
  const out = s.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?+]([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (all, braced?: string, def?: string) => {
      if (all === '$$') return '$';
      if (braced && def !== undefined && /^\$\{\w+:?-/.test(all)) return def;
      unknown = true;
      return all;
    },
  );
  return unknown ? undefined : out;
}

function containerPort(spec: string): number | undefined {
  const noProto = spec.split('/')[0]!;
  const last = noProto.split(':').at(-1)!;
  const n = Number(/^(\d+)/.exec(last)?.[1]);
  return n >= 1 && n <= 65535 ? n : undefined;
}

function hostPort(spec: string): number | undefined {
  const parts = spec.split('/')[0]!.split(':');
  if (parts.length < 2) return undefined;
  const n = Number(/^(\d+)/.exec(parts.at(-2)!)?.[1]);
  return n >= 1 && n <= 65535 ? n : undefined;
}

/** Parses every compose file of the repository into services, merged by name in file order. */
export function parseCompose(repo: Repo, warnings: WarningSink): ComposeService[] {
  const services = new Map<string, ComposeService>();
  for (const file of composeFiles(repo)) {
    const src = repo.source(file);
    if (!src) continue;
    const parsed = parseYaml(src.text);
    if (!parsed.ok) {
      warnings.add(
        'invalid-yaml',
        `${file}: ${parsed.message}; compose services in it are ignored`,
        file,
        parsed.line,
      );
      continue;
    }
    readFile(repo, file, parsed.value, services, warnings);
  }
  const names = new Set(services.keys());
  for (const s of services.values())
    for (const d of s.dependsOn)
      if (!names.has(d.service))
        warnings.add(
          'unresolved-reference',
          `${s.loc.file}: service ${s.name} depends on unknown service ${d.service}`,
          d.loc.file,
          d.loc.line,
        );
  return [...services.values()].sort((a, b) => compareStrings(a.name, b.name));
}

function readFile(
  repo: Repo,
  file: string,
  doc: YamlDoc,
  services: Map<string, ComposeService>,
  warnings: WarningSink,
): void {
  const value = doc.value as { services?: unknown } | null;
  const bad = (path: Array<string | number>, message: string): void =>
    warnings.add(
      'invalid-compose',
      `${file}: ${path.join('.')}: ${message}`,
      file,
      doc.lineOf(path),
    );
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    warnings.add('invalid-compose', `${file}: expected a mapping with a services key`, file, 1);
    return;
  }
  if (value.services === undefined) return;
  if (!value.services || typeof value.services !== 'object' || Array.isArray(value.services)) {
    bad(['services'], 'must be a mapping of service names');
    return;
  }
  const dir = dirOf(file);
  for (const [name, raw] of Object.entries(value.services as Record<string, unknown>)) {
    const at = (...p: Array<string | number>): Loc => ({
      file,
      line: doc.lineOf(['services', name, ...p]),
    });
    if (raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
      bad(['services', name], 'a service must be a mapping');
      continue;
    }
    const f: Fields = {};
    for (const key of Object.keys(FIELDS) as Array<keyof typeof FIELDS>) {
      const v = (raw as Record<string, unknown> | null)?.[key];
      if (v === undefined) continue;
      const r = FIELDS[key].safeParse(v);
      if (r.success) (f as Record<string, unknown>)[key] = r.data;
      else {
        const issue = r.error.issues[0];
        bad(
          [
            'services',
            name,
            key,
            ...(issue?.path ?? []).map((p) => (typeof p === 'number' ? p : String(p))),
          ],
          `${issue?.message ?? 'invalid'}; ignored`,
        );
      }
    }
    const s: ComposeService = services.get(name) ?? {
      name,
      loc: at(),
      ports: [],
      environment: [],
      dependsOn: [],
      volumes: [],
    };
    services.set(name, s);

    if (f.build !== undefined) {
      const ctxRaw = typeof f.build === 'string' ? f.build : (f.build.context ?? '.');
      const dfRaw =
        typeof f.build === 'string' ? 'Dockerfile' : (f.build.dockerfile ?? 'Dockerfile');
      const ctx = interpolate(ctxRaw);
      if (ctx === undefined || /^[a-z]+:\/\/|^git@/.test(ctx))
        bad(
          ['services', name, 'build'],
          `build context ${ctxRaw} is not a local directory; ignored`,
        );
      else {
        const context = joinRel(dir, ctx);
        const dockerfile = joinRel(context, dfRaw);
        if (escapesRoot(context) || escapesRoot(dockerfile)) {
          warnings.add(
            'path-outside-root',
            `${file}: service ${name} builds from ${ctxRaw}, outside the repository; ignored`,
            file,
            at('build').line,
          );
        } else s.build = { context, dockerfile, loc: at('build') };
      }
    }
    if (f.image !== undefined) {
      const ref = interpolate(f.image);
      if (ref) s.image = { ref, loc: at('image') };
      else
        bad(
          ['services', name, 'image'],
          `image ${f.image} uses a variable without default; ignored`,
        );
    }
    if (f.command !== undefined)
      s.command = {
        text: Array.isArray(f.command) ? f.command.join(' ') : f.command,
        loc: at('command'),
      };
    if (f.entrypoint !== undefined && s.command === undefined)
      s.command = {
        text: Array.isArray(f.entrypoint) ? f.entrypoint.join(' ') : f.entrypoint,
        loc: at('entrypoint'),
      };

    const ports: ComposeService['ports'] = [];
    (f.ports ?? []).forEach((p, i) => {
      const spec =
        typeof p === 'object' ? `${p.published ?? ''}:${p.target}` : interpolate(String(p));
      const container = spec !== undefined ? containerPort(spec) : undefined;
      const published = spec !== undefined ? hostPort(spec) : undefined;
      if (container)
        ports.push({ container, ...(published ? { published } : {}), loc: at('ports', i) });
      else bad(['services', name, 'ports', i], `cannot read port ${JSON.stringify(p)}; ignored`);
    });
    (f.expose ?? []).forEach((p, i) => {
      const container = containerPort(String(p));
      if (container) ports.push({ container, loc: at('expose', i) });
    });
    if (ports.length) s.ports = ports;

    const envLoc = (k: string | number): Loc => at('environment', k);
    if (Array.isArray(f.environment))
      f.environment.forEach((entry, i) => {
        const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/s.exec(entry);
        if (!m) return bad(['services', name, 'environment', i], 'expected NAME=value; ignored');
        const v = m[2] !== undefined ? interpolate(m[2]) : undefined;
        s.environment.push({
          name: m[1]!,
          ...(v !== undefined ? { value: v } : {}),
          ...(m[2] !== undefined ? { raw: m[2] } : {}),
          source: 'compose',
          loc: envLoc(i),
        });
      });
    else if (f.environment)
      for (const [k, v] of Object.entries(f.environment)) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) continue;
        const value = v === null ? undefined : interpolate(String(v));
        s.environment.push({
          name: k,
          ...(value !== undefined ? { value } : {}),
          ...(v !== null ? { raw: String(v) } : {}),
          source: 'compose',
          loc: envLoc(k),
        });
      }
    const envFiles =
      f.env_file === undefined ? [] : Array.isArray(f.env_file) ? f.env_file : [f.env_file];
    envFiles.forEach((e, i) => {
      const rel = typeof e === 'string' ? e : e.path;
      const required = typeof e === 'string' ? true : e.required !== false;
      const path = joinRel(dir, rel);
      const loc = at('env_file', ...(Array.isArray(f.env_file) ? [i] : []));
      const envSrc = escapesRoot(path) ? undefined : repo.source(path);
      if (!envSrc) {
        if (required)
          warnings.add(
            'unresolved-reference',
            `${file}: env_file ${rel} of service ${name} is not in the repository (gitignored or missing); its variables are unknown`,
            file,
            loc.line,
          );
        return;
      }
      for (const entry of parseDotenv(envSrc.text))
        s.environment.push({
          name: entry.name,
          value: entry.value,
          source: dotenvSource(path) ?? 'compose',
          loc: { file: path, line: entry.line, note: `env_file of ${name}` },
        });
    });

    if (Array.isArray(f.depends_on))
      f.depends_on.forEach((d, i) =>
        s.dependsOn.push({ service: d, link: false, loc: at('depends_on', i) }),
      );
    else if (f.depends_on)
      for (const [d, opts] of Object.entries(f.depends_on)) {
        const raw = opts?.condition;
        const c =
          raw !== undefined && raw in CONDITIONS
            ? CONDITIONS[raw as keyof typeof CONDITIONS]
            : undefined;
        if (raw !== undefined && !c)
          bad(
            ['services', name, 'depends_on', d, 'condition'],
            `condition ${raw} is not one of ${Object.keys(CONDITIONS).join(', ')}; the dependency is kept without a condition`,
          );
        s.dependsOn.push({
          service: d,
          link: false,
          ...(c ? { condition: c } : {}),
          loc: at('depends_on', d),
        });
      }
    (f.links ?? []).forEach((l, i) =>
      s.dependsOn.push({ service: l.split(':')[0]!, link: true, loc: at('links', i) }),
    );

    if (f.healthcheck && !f.healthcheck.disable && f.healthcheck.test !== undefined) {
      const t = f.healthcheck.test;
      const text = Array.isArray(t)
        ? (t[0] === 'CMD' || t[0] === 'CMD-SHELL' ? t.slice(1) : t).join(' ')
        : t;
      if (text !== 'NONE') s.healthcheck = { test: text, loc: at('healthcheck') };
    }
    if (f.profiles?.length) s.profiles = { names: [...f.profiles].sort(), loc: at('profiles') };
    (f.volumes ?? []).forEach((v, i) => {
      let source: string | undefined;
      let target: string | undefined;
      if (typeof v === 'string') {
        const parts = v.split(':');
        if (parts.length >= 2) [source, target] = [parts[0], parts[1]];
      } else if (v.type === undefined || v.type === 'volume')
        [source, target] = [v.source, v.target];
      if (source && target && /^[A-Za-z0-9][\w.-]*$/.test(source))
        s.volumes.push({ name: source, mountPath: target, loc: at('volumes', i) });
    });
  }
}
