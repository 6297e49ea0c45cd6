/**
 * The assembler: runs the detectors over the units, maps compose services onto them, splits
 * Procfile processes, names everything, applies the spec, infers edges, turns the drafts
 * into the sorted, schema-valid AppModel, and attaches the images the repository publishes.
 */
import type { AppModel, Component, EnvVar, Evidence } from '../model/app';
import { InputError } from '../model/errors';
import { classifyEnv, DECLARED_CONFIG_REASON, fingerprint, redactSecrets } from './classify-env';
import { analyzeCommand } from './commands';
import { parseCompose, type ComposeService } from './detectors/compose';
import { imageRepository, storeDraft, storeFromImage } from './detectors/datastores';
import { applyDockerfile } from './detectors/dockerfile';
import { dotenvSource } from './detectors/env-files';
import { UNIT_DETECTORS } from './detectors/index';
import { sourceDigest } from './digest';
import { Draft, PRIORITY, type Loc } from './draft';
import { dedupeEvidence, EdgeBuilder, EVIDENCE_CAP, toEvidence } from './edges';
import { applyHealthRoutes, pathFromHealthcheck } from './health';
import { markOptional } from './optional';
import { parseDotenv } from './parse/dotenv';
import { compareStrings, dirOf, sanitizeName, unitName } from './paths';
import { withPublishedImages } from './published';
import type { Repo } from './repo';
import { applySpec, type LoadedSpec } from './spec';
import { discoverUnits, type Unit } from './units';
import type { WarningSink } from './warnings';

/** What the assembler works from: the walked repository, the warnings so far, the spec. */
export interface AssembleInput {
  repo: Repo;
  warnings: WarningSink;
  spec?: LoadedSpec;
  /** Base name of the repository directory: the app name of last resort. */
  rootName: string;
}

const PROXY_IMAGE =
  /^(library\/)?(nginx|nginxinc\/nginx-unprivileged|caddy|traefik|haproxy|envoyproxy\/envoy[-\w]*|openresty\/openresty)$/;
const BUILD_TIME_VAR = /^(NEXT_PUBLIC_|VITE_|REACT_APP_)/;

/** Builds the AppModel from a walked repository; throws `InputError` for spec problems. */
export function assemble(input: AssembleInput): AppModel {
  const { repo, warnings, spec } = input;
  const units = discoverUnits(repo, warnings);
  const appName = spec?.spec.name ?? appNameOf(units, input.rootName);

  const unitDrafts = new Map<string, Draft>();
  for (const unit of units) unitDrafts.set(unit.dir, detectUnit(repo, unit, warnings, appName));
  addRootEnv(repo, unitDrafts);

  const drafts: Draft[] = [];
  const claimed = new Set<string>();
  const composeDockerfiles = new Set<string>();
  const unitAt = new Map(units.map((u) => [u.dir, u]));
  const services = parseCompose(repo, warnings);
  for (const svc of services) {
    const d = composeDraft(repo, svc, unitAt, unitDrafts, warnings);
    if (!d) continue;
    if (d.unit) claimed.add(d.unit.dir);
    if (svc.build) composeDockerfiles.add(svc.build.dockerfile);
    drafts.push(d);
  }
  // A service other services wait on to *complete* is a one-shot job (a migration, a seed).
  for (const svc of services)
    for (const dep of svc.dependsOn)
      if (dep.condition === 'completed') {
        const target = drafts.find((x) => x.explicitName && x.name === sanitizeName(dep.service));
        target?.claim('kind', 'job', PRIORITY.compose, {
          ...dep.loc,
          note: `${svc.name} waits for it to complete`,
        });
      }

  const dormant = new Map<string, Draft>();
  for (const unit of units) {
    if (claimed.has(unit.dir)) continue;
    const d = unitDrafts.get(unit.dir)!;
    const dockerfile = unit.dockerfiles.find((p) => !composeDockerfiles.has(p));
    if (!dockerfile && unit.dockerfiles.length && !unit.pkg && !unit.pyManifests.length) continue; // its Dockerfile belongs to a compose service
    if (dockerfile) applyDockerfile(d, repo, dockerfile, unit.dir, warnings, !!unit.pkg);
    else
      d.claim('build', { strategy: 'generate', context: unit.dir }, PRIORITY.default, {
        file: unit.pkg?.file ?? unit.pyManifests[0] ?? unit.dir,
        note: 'no Dockerfile: one is generated',
      });
    if (!d.get('kind')) {
      dormant.set(unit.dir, d);
      continue;
    }
    drafts.push(d);
    for (const p of d.processes) {
      const proc = d.clone(`${d.name}-${sanitizeName(p.type)}`, 'process');
      proc.processOf = { base: d, type: p.type };
      proc.unset('startCommand');
      proc.claim('startCommand', p.command, PRIORITY.procfile, p.loc);
      proc.notes.push(toEvidence('kind', { ...p.loc, note: `Procfile process ${p.type}` }));
      drafts.push(proc);
    }
  }

  for (const d of drafts) if (!d.store) deriveFromCommand(d);
  for (const d of drafts) if (d.get('kind') === 'job') narrowJob(d);
  assignNames(drafts, warnings);

  const specDeps = spec
    ? applySpec(spec, {
        drafts,
        dormant,
        applyDockerfile: (d, dockerfile, context) =>
          applyDockerfile(d, repo, dockerfile, context, warnings, !!d.unit?.pkg),
        imageDraft: (name, image, loc) => imageDraft(name, image, loc, PRIORITY.spec),
      })
    : [];
  checkUniqueNames(drafts, spec);
  for (const d of drafts) normalizeByKind(d);
  for (const d of drafts) markOptional(d);

  const edges = new EdgeBuilder(drafts);
  for (const d of [...drafts].sort((a, b) => compareStrings(a.name, b.name)))
    if (!d.store) edges.resolve(d);
  drafts.push(...edges.added);
  const unknownDeps = specDeps.filter((dep) => !edges.specEdge(dep.from, dep.to, dep.loc));
  if (unknownDeps.length && spec)
    throw new InputError(
      'invalid app spec',
      unknownDeps.map((dep) => ({
        file: spec.file,
        ...(dep.loc.line ? { line: dep.loc.line } : {}),
        field: `components.${dep.from}.dependsOn`,
        message: `${dep.to} is neither a component nor a detected external service`,
      })),
    );
  const { edges: edgeList, externals } = edges.result();

  inferKinds(drafts, edgeList, externals);
  const components: Component[] = withPublishedImages(
    drafts
      .map((d) => {
        const c = toComponent(d);
        return { ...c, sourceDigest: sourceDigest(repo, c.build, c.path) };
      })
      .sort((a, b) => compareStrings(a.name, b.name)),
    { repo, warnings, appName, services },
  );
  return {
    schemaVersion: 1,
    name: appName,
    components,
    externalServices: externals,
    edges: edgeList,
    warnings: warnings.list(),
  };
}

function appNameOf(units: Unit[], rootName: string): string {
  const root = units.find((u) => u.dir === '.');
  const raw = root?.pkg?.name ?? rootName;
  return sanitizeName(raw, 'app');
}

function detectUnit(repo: Repo, unit: Unit, warnings: WarningSink, appName: string): Draft {
  const d = new Draft(unit.dir === '.' ? appName : unitName(unit.dir), unit.dir, 'unit', unit);
  const ctx = { repo, unit, draft: d, warnings };
  for (const detect of UNIT_DETECTORS) detect(ctx);
  applyHealthRoutes(d);
  return d;
}

/** Root `.env*` files hold values for variables the apps of a monorepo reference. */
function addRootEnv(repo: Repo, unitDrafts: Map<string, Draft>): void {
  const rootRefs = repo
    .filesIn('.')
    .map((f) => [f.path, dotenvSource(f.path)] as const)
    .filter(([, s]) => s)
    .flatMap(([path, source]) =>
      parseDotenv(repo.text(path) ?? '').map((e) => ({
        name: e.name,
        source: source!,
        value: e.value,
        loc: { file: path, line: e.line },
      })),
    );
  if (!rootRefs.length) return;
  for (const d of unitDrafts.values()) {
    if (d.path === '.') continue;
    const names = new Set(d.env.map((r) => r.name));
    d.env.push(...rootRefs.filter((r) => names.has(r.name)));
  }
}

function imageDraft(name: string, image: string, loc: Loc, priority: number): Draft {
  const store = storeFromImage(image);
  if (store) return storeDraft(name, store, image, loc, priority, dirOf(loc.file));
  const d = new Draft(name, dirOf(loc.file), 'compose');
  d.claim('build', { strategy: 'image', image }, priority, { ...loc, note: `image ${image}` });
  d.claim('language', 'other', PRIORITY.default, { ...loc, note: 'prebuilt image' });
  if (PROXY_IMAGE.test(imageRepository(image))) {
    d.claim('kind', 'proxy', priority, { ...loc, note: `${image} is a reverse proxy` });
    d.claim('public', true, PRIORITY.inferred, {
      ...loc,
      note: 'a reverse proxy is the entry point',
    });
    d.claim('port', 80, PRIORITY.default, { ...loc, note: 'proxy default port' });
  } else {
    d.claim('kind', 'backend', PRIORITY.default, { ...loc, note: `prebuilt image ${image}` });
  }
  return d;
}

function composeDraft(
  repo: Repo,
  svc: ComposeService,
  unitAt: Map<string, Unit>,
  unitDrafts: Map<string, Draft>,
  warnings: WarningSink,
): Draft | undefined {
  const name = sanitizeName(svc.name);
  let d: Draft;
  if (svc.build) {
    const unit = unitAt.get(dirOf(svc.build.dockerfile)) ?? unitAt.get(svc.build.context);
    d = unit
      ? unitDrafts.get(unit.dir)!.clone(name, 'compose')
      : new Draft(name, svc.build.context, 'compose');
    d.name = name;
    if (repo.has(svc.build.dockerfile))
      applyDockerfile(d, repo, svc.build.dockerfile, svc.build.context, warnings, !!unit?.pkg);
    else {
      warnings.add(
        'unresolved-reference',
        `${svc.loc.file}: service ${svc.name} builds ${svc.build.dockerfile}, which is not in the repository; a Dockerfile will be generated`,
        svc.build.loc.file,
        svc.build.loc.line,
      );
      d.claim(
        'build',
        { strategy: 'generate', context: svc.build.context },
        PRIORITY.compose,
        svc.build.loc,
      );
    }
    d.notes.push(
      toEvidence('build', {
        ...svc.build.loc,
        note: `compose service ${svc.name} builds ${svc.build.context}`,
      }),
    );
    if (!d.get('kind'))
      d.claim('kind', 'backend', PRIORITY.default, { ...svc.loc, note: 'compose service' });
  } else if (svc.image) {
    d = imageDraft(name, svc.image.ref, svc.image.loc, PRIORITY.compose);
  } else {
    warnings.add(
      'invalid-compose',
      `${svc.loc.file}: service ${svc.name} has neither build nor image; ignored`,
      svc.loc.file,
      svc.loc.line,
    );
    return undefined;
  }
  d.explicitName = true;
  const P = PRIORITY.compose;
  if (svc.command) {
    d.claim('startCommand', svc.command.text, P, svc.command.loc);
    const facts = analyzeCommand(svc.command.text);
    if (facts.port !== undefined) d.claim('port', facts.port, P, svc.command.loc);
  }
  const port = svc.ports[0];
  if (port && !d.store)
    d.claim('port', port.container, P, { ...port.loc, note: `container port ${port.container}` });
  for (const e of svc.environment)
    d.env.push({
      name: e.name,
      source: e.source,
      ...(e.value !== undefined ? { value: e.value } : {}),
      ...(e.raw !== undefined ? { raw: e.raw } : {}),
      loc: e.loc,
    });
  if (svc.healthcheck) {
    d.feature('dockerHealthcheck', svc.healthcheck.test, P, svc.healthcheck.loc);
    const path = pathFromHealthcheck(svc.healthcheck.test);
    if (path)
      d.claim('healthPath', path, P, {
        ...svc.healthcheck.loc,
        note: `healthcheck requests ${path}`,
      });
  }
  if (svc.profiles) d.feature('profiles', svc.profiles.names, P, svc.profiles.loc);
  if (svc.volumes.length)
    d.feature(
      'volumes',
      svc.volumes.map((v) => ({ name: v.name, mountPath: v.mountPath })),
      P,
      svc.volumes.map((v) => v.loc),
    );
  d.composeDeps = svc.dependsOn.map((x) => ({
    service: x.service,
    link: x.link,
    loc: x.loc,
    ...(x.condition ? { condition: x.condition } : {}),
  }));
  return d;
}

/** The effective start command decides worker and job kinds, whatever the code looks like. */
function deriveFromCommand(d: Draft): void {
  const cmd = d.get('startCommand');
  if (!cmd) return;
  const facts = analyzeCommand(cmd);
  const ev = d.evidenceOf('startCommand')[0];
  const loc: Loc = ev ? { file: ev.file, ...(ev.line ? { line: ev.line } : {}) } : { file: d.path };
  if (facts.worker) {
    d.claim('kind', 'worker', PRIORITY.command, {
      ...loc,
      note: `${facts.worker.framework} ${facts.worker.role} command`,
    });
    const dep =
      d.unit?.pyDeps.get(facts.worker.framework) ?? d.unit?.npmDeps.get(facts.worker.framework);
    const version = /(\d+(?:\.\d+){0,2})/.exec(dep?.spec ?? '')?.[1];
    d.claim(
      'framework',
      { name: facts.worker.framework, ...(version ? { version } : {}) },
      PRIORITY.command,
      dep ? { file: dep.file, line: dep.line, note: `dependency ${dep.name}` } : loc,
    );
    d.feature('queueFramework', facts.worker.framework, PRIORITY.command, loc);
    d.unset('features.migrations');
  } else if (facts.migration && !facts.server) {
    d.claim('kind', 'job', PRIORITY.command, {
      ...loc,
      note: `${facts.migration} migration command`,
    });
    d.unset('features.migrations');
  }
}

/**
 * A one-shot job (migration, seed) shares its unit's code but runs one script: it gets the env
 * its compose service, Dockerfile or spec declares, not every variable and client library the
 * code base mentions (which would give it the long-running service's dependencies).
 */
function narrowJob(d: Draft): void {
  d.env = d.env.filter(
    (r) => r.source === 'compose' || r.source === 'dockerfile' || r.source === 'spec',
  );
  d.uses = [];
  d.routes = [];
}

/** Workers and jobs serve nothing: drop port, health paths and HTTP features detection gave them. */
function normalizeByKind(d: Draft): void {
  const kind = d.get('kind');
  if (kind !== 'worker' && kind !== 'job') return;
  for (const key of ['port', 'healthPath', 'readinessPath'] as const)
    if (d.priorityOf(key) < PRIORITY.spec) d.unset(key);
  for (const key of [
    'features.appObject',
    'features.apiRoutes',
    'features.streaming',
    'features.nextOutput',
  ] as const)
    d.unset(key);
  if (d.priorityOf('public') < PRIORITY.spec) d.unset('public');
  if (kind === 'job')
    for (const key of ['features.migrations', 'features.dockerHealthcheck'] as const) d.unset(key);
}

/** Settles names: explicit (compose) names win; a clash renames the other by its path, then by a counter. */
function assignNames(drafts: Draft[], warnings: WarningSink): void {
  const taken = new Set<string>();
  const order = (a: Draft, b: Draft): number =>
    Number(b.explicitName) - Number(a.explicitName) ||
    compareStrings(a.path, b.path) ||
    compareStrings(a.name, b.name);
  const settle = (d: Draft): void => {
    let name = d.name;
    if (taken.has(name) && d.origin === 'unit' && d.path !== '.')
      name = sanitizeName(d.path.replace(/\//g, '-'));
    for (let i = 2; taken.has(name); i++) name = `${d.name.slice(0, 36)}-${i}`;
    if (name !== d.name)
      warnings.add(
        'name-collision',
        `component name ${d.name} is taken; ${d.path} is named ${name}`,
        d.unit?.pkg?.file ?? d.unit?.pyManifests[0],
      );
    d.name = name;
    taken.add(name);
  };
  for (const d of drafts.filter((x) => !x.processOf).sort(order)) settle(d);
  for (const d of drafts.filter((x) => x.processOf).sort(order)) {
    d.name = sanitizeName(`${d.processOf!.base.name}-${d.processOf!.type}`);
    settle(d);
  }
}

function checkUniqueNames(drafts: Draft[], spec: LoadedSpec | undefined): void {
  const seen = new Map<string, Draft>();
  const issues = [];
  for (const d of drafts) {
    const other = seen.get(d.name);
    if (other)
      issues.push({
        ...(spec ? { file: spec.file, line: spec.lineOf(['components', d.name]) } : {}),
        field: `components.${d.name}`,
        message: `two components are named ${d.name} (${other.path} and ${d.path})`,
      });
    seen.set(d.name, d);
  }
  if (issues.length) throw new InputError('invalid app spec', issues);
}

/** Chatbots (an app that calls an LLM and serves chat) and public backends (called from the browser). */
function inferKinds(
  drafts: Draft[],
  edges: AppModel['edges'],
  externals: AppModel['externalServices'],
): void {
  const byName = new Map(drafts.map((d) => [d.name, d]));
  const llm = new Set(externals.filter((x) => x.kind === 'llm').map((x) => x.id));
  // First LLM edge of each component (edges are sorted), indexed once: linear in edges.
  const llmEdgeOf = new Map<string, AppModel['edges'][number]>();
  for (const e of edges) if (llm.has(e.to) && !llmEdgeOf.has(e.from)) llmEdgeOf.set(e.from, e);
  for (const d of drafts) {
    const llmEdge = llmEdgeOf.get(d.name);
    if (!llmEdge) continue;
    const kind = d.get('kind');
    const fw = d.get('framework')?.name;
    const ev = llmEdge.evidence[0];
    const loc: Loc = {
      file: ev?.file ?? d.path,
      ...(ev?.line ? { line: ev.line } : {}),
      note: `calls ${llmEdge.to}`,
    };
    if (kind === 'frontend' && fw === 'nextjs' && d.getFeature('apiRoutes'))
      d.claim('kind', 'chatbot', PRIORITY.inferred, {
        ...loc,
        note: `API routes that call ${llmEdge.to}`,
      });
    else if (
      kind === 'backend' &&
      (d.getFeature('streaming') ||
        d.routes.some((r) => /chat|completion|conversation/i.test(r.path)))
    )
      d.claim('kind', 'chatbot', PRIORITY.inferred, {
        ...loc,
        note: `chat service calling ${llmEdge.to}`,
      });
  }
  for (const e of edges) {
    if (e.target !== 'component' || !e.envVar || !BUILD_TIME_VAR.test(e.envVar)) continue;
    const from = byName.get(e.from);
    const to = byName.get(e.to);
    if (from?.get('public') && to && !to.store) {
      const ev = e.evidence[0];
      to.claim('public', true, PRIORITY.inferred, {
        file: ev?.file ?? from.path,
        ...(ev?.line ? { line: ev.line } : {}),
        note: `browser code of ${from.name} calls it (${e.envVar})`,
      });
    }
  }
}

function envVars(d: Draft): { env: EnvVar[]; evidence: Evidence[] } {
  const groups = new Map<string, typeof d.env>();
  for (const r of d.env) groups.set(r.name, [...(groups.get(r.name) ?? []), r]);
  const env: EnvVar[] = [];
  const evidence: Evidence[] = [];
  for (const [name, refs] of [...groups].sort(([a], [b]) => compareStrings(a, b))) {
    const c = classifyEnv(
      name,
      refs.map((r) => ({ source: r.source, ...(r.value !== undefined ? { value: r.value } : {}) })),
    );
    let v: EnvVar = { name, ...c };
    const forced = d.specEnv.get(name);
    // The spec decides; a value is kept only where the decision allows it.
    if (forced?.secret === true) {
      const { defaultValue, fingerprint: fp, ...rest } = v;
      const print = fp ?? (defaultValue !== undefined ? fingerprint(defaultValue) : undefined);
      v = {
        ...rest,
        classification: 'secret',
        reason: 'declared secret in stackpilot.yaml',
        ...(print ? { fingerprint: print } : {}),
      };
    } else if (forced?.secret === false) {
      const { fingerprint: _f, defaultValue, ...rest } = v;
      // A value detection thought secret is not surfaced: only the spec's own value is.
      const keep =
        v.classification === 'config' ? defaultValue : refs.find((r) => r.source === 'spec')?.value;
      v = {
        ...rest,
        classification: 'config',
        reason: DECLARED_CONFIG_REASON,
        ...(keep !== undefined ? { defaultValue: keep } : {}),
      };
    }
    if (forced?.buildTime !== undefined) v.buildTime = forced.buildTime;
    const target = d.envTargets.get(name);
    if (target) v.refersTo = target;
    env.push(v);
    const locs = dedupeEvidence(
      refs.map((r) =>
        toEvidence(`env.${name}`, {
          file: r.loc.file,
          ...(r.loc.line ? { line: r.loc.line } : {}),
          note: r.source,
        }),
      ),
    );
    evidence.push(...locs.slice(0, EVIDENCE_CAP));
  }
  return { env, evidence };
}

function toComponent(d: Draft): Omit<Component, 'sourceDigest'> {
  const build = d.get('build') ?? { strategy: 'generate' as const, context: d.path };
  const { env, evidence } = envVars(d);
  const framework = d.get('framework');
  const port = d.get('port');
  const start = d.get('startCommand');
  const buildCommand = d.get('buildCommand');
  const optional = {
    ...(framework ? { framework } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(start ? { startCommand: redactSecrets(start) } : {}),
    ...(buildCommand && build.strategy !== 'image'
      ? { buildCommand: redactSecrets(buildCommand) }
      : {}),
    ...(d.get('healthPath') ? { healthPath: d.get('healthPath') } : {}),
    ...(d.get('readinessPath') ? { readinessPath: d.get('readinessPath') } : {}),
  };
  const features = d.features();
  if (features.profiles) features.profiles = [...features.profiles].sort(compareStrings);
  if (features.dockerHealthcheck)
    features.dockerHealthcheck = redactSecrets(features.dockerHealthcheck);
  if (features.migrations)
    features.migrations = {
      ...features.migrations,
      command: redactSecrets(features.migrations.command),
    };
  return {
    name: d.name,
    kind: d.get('kind') ?? 'backend',
    path: d.path,
    language: d.get('language') ?? 'other',
    ...optional,
    build,
    env,
    public: d.get('public') ?? false,
    features,
    evidence: dedupeEvidence(
      [...d.evidence(), ...evidence].map((e) =>
        e.note ? { ...e, note: redactSecrets(e.note) } : e,
      ),
    ),
  };
}
