/**
 * JVM units (pom.xml, build.gradle, build.gradle.kts) and Spring Boot: the language, the
 * framework and its version, a web starter as a backend on `server.port` (default 8080), the
 * actuator's health endpoint, `${ENV:default}` placeholders of application.properties/yml as
 * env reads, a messaging starter without a web one as a worker, and the datasource host.
 */
import { PRIORITY, type Loc } from '../draft';
import { joinRel } from '../paths';
import { parseJvmBuild, type JvmBuild } from '../parse/jvm-build';
import type { Dependency } from '../parse/package-json';
import { springProperties, type SpringProperty } from '../parse/spring-config';
import type { UnitContext } from './context';

const BUILD_FILES = ['pom.xml', 'build.gradle.kts', 'build.gradle'];
/** Where Spring Boot reads its config; `.properties` wins over `.yml` on the same key. */
const CONFIG_FILES = [
  'src/main/resources/application.properties',
  'src/main/resources/application.yml',
  'src/main/resources/application.yaml',
];
const BOOT = 'org.springframework.boot';
const WEB = [`${BOOT}:spring-boot-starter-web`, `${BOOT}:spring-boot-starter-webflux`];
const ACTUATOR = `${BOOT}:spring-boot-starter-actuator`;
const MESSAGING: ReadonlyArray<[string, string]> = [
  ['org.springframework.kafka:spring-kafka', 'spring-kafka'],
  [`${BOOT}:spring-boot-starter-amqp`, 'spring-amqp'],
  ['org.springframework.cloud:spring-cloud-stream', 'spring-cloud-stream'],
];
const DATASOURCE_KEYS = ['spring.datasource.url', 'spring.r2dbc.url', 'spring.data.mongodb.uri'];
const PLACEHOLDER = /\$\{([A-Z_][A-Z0-9_]*)(?::([^}]*))?\}/g;

function depLoc(dep: Dependency): Loc {
  return {
    file: dep.file,
    line: dep.line,
    note: `dependency ${dep.name}${dep.spec ? ` ${dep.spec}` : ''}`,
  };
}

/** Placeholders resolved to their defaults (`${MYSQL_HOST:mysql}` → `mysql`); undefined when one has none. */
function withDefaults(value: string): string | undefined {
  let missing = false;
  const out = value.replace(PLACEHOLDER, (_m, _name: string, def?: string) => {
    if (def === undefined) missing = true;
    return def ?? '';
  });
  return missing ? undefined : out;
}

/** Unit detector for Maven/Gradle units and Spring Boot applications. */
export function detectSpring(ctx: UnitContext): void {
  const { unit, draft, repo } = ctx;
  const src = BUILD_FILES.map((f) => repo.source(joinRel(unit.dir, f))).find((s) => s);
  if (!src) return;
  const build = parseJvmBuild(src);
  const kotlin = unit.codeFiles.some((p) => p.endsWith('.kt'));
  draft.claim('language', 'java', PRIORITY.manifest, {
    file: build.file,
    note: `${src.path.endsWith('pom.xml') ? 'Maven' : 'Gradle'} build${kotlin ? ' (Kotlin)' : ''}`,
  });
  const boot = [...build.deps.values()].find((d) => d.name.startsWith(`${BOOT}:`) && !d.dev);
  if (!boot && !build.springBoot) return;
  const web = WEB.map((n) => build.deps.get(n)).find((d) => d && !d.dev);
  const frameworkLoc: Loc = web
    ? depLoc(web)
    : build.springBoot
      ? {
          file: build.file,
          line: build.springBoot.line,
          note: `Spring Boot ${build.springBoot.version}`,
        }
      : depLoc(boot!);
  const version = build.springBoot?.version ?? (web ?? boot)?.spec;
  draft.claim(
    'framework',
    { name: 'spring-boot', ...(version ? { version } : {}) },
    PRIORITY.manifest,
    frameworkLoc,
  );

  const props = new Map<string, SpringProperty & { file: string }>();
  for (const file of CONFIG_FILES) {
    const cfg = repo.source(joinRel(unit.dir, file));
    if (!cfg) continue;
    for (const [k, v] of springProperties(cfg))
      if (!props.has(k)) props.set(k, { ...v, file: cfg.path });
    for (const [key, p] of springProperties(cfg))
      for (const m of p.value.matchAll(PLACEHOLDER))
        draft.env.push({
          name: m[1]!,
          source: 'settings',
          ...(m[2] !== undefined ? { value: m[2] } : {}),
          loc: { file: cfg.path, line: p.line, note: key },
        });
  }
  const propLoc = (key: string, note: string): Loc => ({
    file: props.get(key)!.file,
    line: props.get(key)!.line,
    note,
  });

  if (web) {
    draft.serves = true;
    draft.claim('kind', 'backend', PRIORITY.code, {
      ...depLoc(web),
      note: 'Spring Boot web server',
    });
    draft.claim('port', 8080, PRIORITY.default, {
      ...depLoc(web),
      note: 'Spring Boot default port',
    });
    const raw = props.get('server.port')?.value;
    const port = raw !== undefined ? Number(withDefaults(raw)) : NaN;
    if (Number.isInteger(port) && port > 0 && port < 65536)
      draft.claim('port', port, PRIORITY.manifest, propLoc('server.port', `server.port ${port}`));
    const actuator = build.deps.get(ACTUATOR);
    if (actuator && !actuator.dev && !props.has('management.server.port')) {
      const context = (props.get('server.servlet.context-path')?.value ?? '').replace(/\/+$/, '');
      const base = (props.get('management.endpoints.web.base-path')?.value ?? '/actuator').replace(
        /\/+$/,
        '',
      );
      draft.claim('healthPath', `${context}${base}/health`, PRIORITY.manifest, {
        ...depLoc(actuator),
        note: 'Spring Boot actuator health endpoint',
      });
    }
  } else {
    detectWorker(ctx, build);
  }

  for (const key of DATASOURCE_KEYS) {
    const raw = props.get(key)?.value;
    const url = raw !== undefined ? withDefaults(raw) : undefined;
    const m = url && /^(?:jdbc:)?([\w+]+):\/\/([^/:;?,]+)/.exec(url);
    if (m)
      draft.notes.push({ field: 'datasource', ...propLoc(key, `${key}: ${m[1]} on host ${m[2]}`) });
  }
}

/** Spring Boot with a messaging starter and no web starter consumes messages: a worker. */
function detectWorker(ctx: UnitContext, build: JvmBuild): void {
  for (const [name, lib] of MESSAGING) {
    const dep = build.deps.get(name);
    if (!dep || dep.dev) continue;
    ctx.draft.feature('queueFramework', lib, PRIORITY.manifest, depLoc(dep));
    ctx.draft.claim('kind', 'worker', PRIORITY.code, {
      ...depLoc(dep),
      note: `${lib} consumer without a web server`,
    });
    return;
  }
}
