/**
 * Go modules (go.mod): the language, the HTTP or gRPC framework (gin, echo, fiber from go.mod's
 * requirements; `net/http` from `ListenAndServe`; gRPC from `grpc.NewServer`), the listening
 * port from code, health routes, and queue consumers without a listener as workers.
 */
import { PRIORITY, type Loc } from '../draft';
import { baseOf, dirOf, joinRel } from '../paths';
import { parseDotenv } from '../parse/dotenv';
import { parseGoMod, type GoMod } from '../parse/go-mod';
import type { Dependency } from '../parse/package-json';
import type { SourceText } from '../repo';
import type { UnitContext } from './context';
import { dotenvSource } from './env-files';
import { goListenPort } from './go-listen';

/** HTTP frameworks by module path (a `/vN` suffix matches too), and their default port if any. */
const HTTP_FRAMEWORKS: ReadonlyArray<[string, string, number | undefined]> = [
  ['github.com/gin-gonic/gin', 'gin', 8080],
  ['github.com/labstack/echo', 'echo', undefined],
  ['github.com/gofiber/fiber', 'fiber', undefined],
];
const GRPC = 'google.golang.org/grpc';

/** Queue client modules: a `main` package using one without a listener is a worker. */
const QUEUES: ReadonlyArray<[string, string]> = [
  ['github.com/segmentio/kafka-go', 'kafka-go'],
  ['github.com/IBM/sarama', 'sarama'],
  ['github.com/Shopify/sarama', 'sarama'],
  ['github.com/confluentinc/confluent-kafka-go', 'confluent-kafka-go'],
  ['github.com/rabbitmq/amqp091-go', 'amqp091-go'],
  ['github.com/streadway/amqp', 'amqp'],
  ['github.com/nats-io/nats.go', 'nats.go'],
  ['github.com/hibiken/asynq', 'asynq'],
];

const ROUTE = /\.(?:HandleFunc|Handle|GET|HEAD|Any|Get|Head)\(\s*"(?:(?:GET|HEAD)\s+)?(\/[^"]*)"/g;

/** The requirement of a module path or one of its major versions (`…/echo/v4`). */
function required(mod: GoMod, path: string): Dependency | undefined {
  for (const [name, dep] of mod.requires)
    if (
      name === path ||
      (name.startsWith(`${path}/`) && /^v\d+$/.test(name.slice(path.length + 1)))
    )
      return dep;
  return undefined;
}

function depLoc(dep: Dependency): Loc {
  return { file: dep.file, line: dep.line, note: `requires ${dep.name} ${dep.spec ?? ''}`.trim() };
}

function version(dep: Dependency): { version: string } | Record<string, never> {
  const v = /^v(\d+(?:\.\d+){0,2})/.exec(dep.spec ?? '')?.[1];
  return v ? { version: v } : {};
}

/** The first match of `re` in the sources, located. */
function firstIn(sources: readonly SourceText[], re: RegExp, note: string): Loc | undefined {
  for (const src of sources) {
    const m = re.exec(src.text);
    if (m) return { file: src.path, line: src.lineAt(m.index), note };
  }
  return undefined;
}

/** Unit detector for Go modules. */
export function detectGo(ctx: UnitContext): void {
  const { unit, draft, repo } = ctx;
  const modSrc = repo.source(joinRel(unit.dir, 'go.mod'));
  if (!modSrc) return;
  const mod = parseGoMod(modSrc);
  draft.claim('language', 'go', PRIORITY.manifest, {
    file: mod.file,
    ...(mod.go ? { line: mod.go.line } : {}),
    note: `Go module${mod.module ? ` ${mod.module}` : ''}${mod.go ? `, go ${mod.go.version}` : ''}`,
  });
  const sources = unit.codeFiles
    .filter((p) => p.endsWith('.go'))
    .map((p) => repo.source(p))
    .filter((s): s is SourceText => s !== undefined);

  let framework: string | undefined;
  let serverLoc: Loc | undefined;
  const http = HTTP_FRAMEWORKS.map(
    ([path, name, port]) => [required(mod, path), name, port] as const,
  ).find(([dep]) => dep);
  const listenAndServe = firstIn(sources, /\bListenAndServe(?:TLS)?\(/, 'net/http server');
  const grpcServer = firstIn(sources, /\bgrpc\.NewServer\(/, 'gRPC server');
  const grpcDep = required(mod, GRPC);
  if (http) {
    const [dep, name, port] = http as [Dependency, string, number | undefined];
    framework = name;
    serverLoc = { ...depLoc(dep), note: `${name} HTTP server` };
    draft.claim('framework', { name, ...version(dep) }, PRIORITY.manifest, depLoc(dep));
    if (port)
      draft.claim('port', port, PRIORITY.default, { ...depLoc(dep), note: `${name} default port` });
  } else if (listenAndServe) {
    framework = 'net/http';
    serverLoc = listenAndServe;
    draft.claim('framework', { name: 'net/http' }, PRIORITY.code, listenAndServe);
  } else if (grpcServer && grpcDep) {
    framework = 'grpc';
    serverLoc = grpcServer;
    draft.claim('framework', { name: 'grpc', ...version(grpcDep) }, PRIORITY.manifest, [
      depLoc(grpcDep),
      grpcServer,
    ]);
  }

  const listen = goListenPort(sources, framework, (name) => dotenvValue(ctx, name));
  if (listen) draft.claim('port', listen.port, PRIORITY.code, listen.locs);
  if (serverLoc || listen) {
    draft.serves = true;
    draft.claim('kind', 'backend', PRIORITY.code, serverLoc ?? listen!.locs[0]!);
  }
  for (const src of sources)
    for (const m of src.text.matchAll(ROUTE))
      draft.routes.push({
        path: m[1]!,
        loc: { file: src.path, line: src.lineAt(m.index), note: `route ${m[1]}` },
      });
  if (!draft.serves) detectGoWorker(ctx, mod, sources);
}

/** A `main` package that uses a queue client and listens on nothing is a worker. */
function detectGoWorker(ctx: UnitContext, mod: GoMod, sources: readonly SourceText[]): void {
  const main = firstIn(sources, /^package\s+main\b[\s\S]*?^func\s+main\(\)/m, 'package main');
  if (!main) return;
  for (const [path, name] of QUEUES) {
    const dep = required(mod, path);
    if (!dep) continue;
    ctx.draft.feature('queueFramework', name, PRIORITY.manifest, depLoc(dep));
    ctx.draft.claim('kind', 'worker', PRIORITY.code, [
      { ...main, note: `main package consuming with ${name}, no listener` },
      depLoc(dep),
    ]);
    return;
  }
}

/** The value an `.env` file of the unit gives a variable (real files before examples). */
function dotenvValue(ctx: UnitContext, name: string): { value: string; loc: Loc } | undefined {
  const files = ctx.unit.files
    .filter((f) => dirOf(f.path) === ctx.unit.dir && dotenvSource(f.path))
    .sort(
      (a, b) =>
        Number(dotenvSource(a.path) !== 'dotenv') - Number(dotenvSource(b.path) !== 'dotenv'),
    );
  for (const f of files) {
    const e = parseDotenv(ctx.repo.text(f.path) ?? '').find((x) => x.name === name);
    if (e)
      return {
        value: e.value,
        loc: { file: f.path, line: e.line, note: `${baseOf(f.path)} sets ${name}` },
      };
  }
  return undefined;
}
