/**
 * Go: test/fixtures/go-grpc-shop end to end (a net/http frontend and a gRPC catalog, each a
 * go.mod unit with a Dockerfile), the Go detector on small in-memory modules (gin, echo,
 * fiber, net.Listen, `.env` addresses, queue workers), and a plan of the fixture.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { analyzeRepository } from '../../../src/analyze';
import { detectEnvFiles } from '../../../src/analyze/detectors/env-files';
import { detectGo } from '../../../src/analyze/detectors/go';
import { applyHealthRoutes } from '../../../src/analyze/health';
import { AppModelSchema, type Component } from '../../../src/model/app';
import { loadEnvironment, planDeployment } from '../../../src/plan';
import { component, detect, ev, fixture, withoutDigest } from './support';

const STACKS = join(__dirname, '..', '..', '..', 'stacks');

const FRONTEND: Omit<Component, 'sourceDigest'> = {
  name: 'frontend',
  kind: 'backend',
  path: 'src/frontend',
  language: 'go',
  framework: { name: 'net/http' },
  port: 8080,
  startCommand: '/src/server',
  healthPath: '/healthz',
  build: { strategy: 'dockerfile', dockerfile: 'src/frontend/Dockerfile', context: 'src/frontend' },
  env: [
    {
      name: 'CART_SERVICE_ADDR',
      classification: 'config',
      reason: 'no secret-like name or value',
      sources: ['code'],
      buildTime: false,
    },
    {
      name: 'ENABLE_ASSISTANT',
      classification: 'config',
      reason: 'no secret-like name or value',
      sources: ['code'],
      buildTime: false,
    },
    {
      name: 'LISTEN_ADDR',
      classification: 'config',
      reason: 'no secret-like name or value',
      sources: ['code'],
      buildTime: false,
    },
    {
      name: 'PORT',
      classification: 'config',
      reason: 'plain value',
      sources: ['code'],
      buildTime: false,
      defaultValue: '8080',
    },
    {
      name: 'PRODUCT_CATALOG_SERVICE_ADDR',
      classification: 'config',
      reason: 'no secret-like name or value',
      sources: ['code'],
      buildTime: false,
    },
    {
      name: 'SESSION_SECRET',
      classification: 'secret',
      reason: 'name contains SECRET',
      sources: ['code', 'dotenv'],
      buildTime: false,
      fingerprint: 'sha256:5a12f53847ad',
    },
  ],
  public: false,
  features: {},
  evidence: ev(
    ['build', 'src/frontend/Dockerfile', 1, 'existing Dockerfile'],
    ['env.CART_SERVICE_ADDR', 'src/frontend/main.go', 38, 'code'],
    ['env.ENABLE_ASSISTANT', 'src/frontend/handlers.go', 9, 'code'],
    ['env.LISTEN_ADDR', 'src/frontend/main.go', 33, 'code'],
    ['env.PORT', 'src/frontend/main.go', 29, 'code'],
    ['env.PRODUCT_CATALOG_SERVICE_ADDR', 'src/frontend/main.go', 37, 'code'],
    ['env.SESSION_SECRET', 'src/frontend/.env', 2, 'dotenv'],
    ['env.SESSION_SECRET', 'src/frontend/main.go', 34, 'code'],
    ['framework', 'src/frontend/main.go', 49, 'net/http server'],
    ['healthPath', 'src/frontend/main.go', 46, 'route /healthz'],
    ['kind', 'src/frontend/main.go', 49, 'net/http server'],
    [
      'language',
      'src/frontend/go.mod',
      3,
      'Go module github.com/example/go-grpc-shop/src/frontend, go 1.22',
    ],
    ['port', 'src/frontend/Dockerfile', 11, 'EXPOSE 8080'],
    ['startCommand', 'src/frontend/Dockerfile', 12, 'ENTRYPOINT'],
  ),
};

const CATALOG: Omit<Component, 'sourceDigest'> = {
  name: 'productcatalogservice',
  kind: 'backend',
  path: 'src/productcatalogservice',
  language: 'go',
  framework: { name: 'grpc', version: '1.64.0' },
  port: 3550,
  startCommand: '/src/server',
  build: {
    strategy: 'dockerfile',
    dockerfile: 'src/productcatalogservice/Dockerfile',
    context: 'src/productcatalogservice',
  },
  env: [
    {
      name: 'EXTRA_LATENCY',
      classification: 'config',
      reason: 'no secret-like name or value',
      sources: ['code'],
      buildTime: false,
    },
    {
      name: 'PORT',
      classification: 'config',
      reason: 'plain value',
      sources: ['code', 'dockerfile'],
      buildTime: false,
      defaultValue: '3550',
    },
  ],
  public: false,
  features: {},
  evidence: ev(
    ['build', 'src/productcatalogservice/Dockerfile', 1, 'existing Dockerfile'],
    ['env.EXTRA_LATENCY', 'src/productcatalogservice/server.go', 27, 'code'],
    ['env.PORT', 'src/productcatalogservice/Dockerfile', 12, 'dockerfile'],
    ['env.PORT', 'src/productcatalogservice/server.go', 24, 'code'],
    ['env.PORT', 'src/productcatalogservice/server.go', 25, 'code'],
    ['framework', 'src/productcatalogservice/go.mod', 7, 'requires google.golang.org/grpc v1.64.0'],
    ['framework', 'src/productcatalogservice/server.go', 35, 'gRPC server'],
    ['kind', 'src/productcatalogservice/server.go', 35, 'gRPC server'],
    [
      'language',
      'src/productcatalogservice/go.mod',
      3,
      'Go module github.com/example/go-grpc-shop/src/productcatalogservice, go 1.22',
    ],
    ['port', 'src/productcatalogservice/Dockerfile', 13, 'EXPOSE 3550'],
    ['startCommand', 'src/productcatalogservice/Dockerfile', 14, 'ENTRYPOINT'],
  ),
};

describe('analyze: go-grpc-shop (Go net/http frontend, gRPC catalog)', () => {
  it('finds both services with every field and its evidence', async () => {
    const model = AppModelSchema.parse(await analyzeRepository(fixture('go-grpc-shop')));
    assert.deepEqual(
      model.components.map((c) => c.name),
      ['frontend', 'productcatalogservice'],
    );
    assert.deepEqual(withoutDigest(component(model, 'frontend')), FRONTEND);
    assert.deepEqual(withoutDigest(component(model, 'productcatalogservice')), CATALOG);
    assert.deepEqual(model.externalServices, []);
  });

  it('ignores _test.go files: TEST_ONLY_FLAG and the :9999 listener are not the service', async () => {
    const model = await analyzeRepository(fixture('go-grpc-shop'));
    const fe = component(model, 'frontend');
    assert.ok(!fe.env.some((e) => e.name === 'TEST_ONLY_FLAG'));
    assert.ok(!fe.evidence.some((e) => e.file.endsWith('_test.go')));
  });

  it('plans the fixture in dev and prod', async () => {
    const model = await analyzeRepository(fixture('go-grpc-shop'));
    for (const envName of ['dev', 'prod']) {
      const plan = await planDeployment(model, await loadEnvironment(STACKS, envName));
      assert.deepEqual(
        plan.images.map((i) => i.component),
        ['frontend', 'productcatalogservice'],
      );
      assert.equal(
        plan.outputs.addresses.productcatalogservice,
        `http://productcatalogservice.${plan.namespace}.svc.cluster.local:3550`,
      );
    }
  });
});

describe('analyze: Go detector', () => {
  const run = (files: Record<string, string>) => {
    const { draft } = detect(files, [detectGo, detectEnvFiles]);
    applyHealthRoutes(draft);
    return draft;
  };
  const mod = (...requires: string[]): string =>
    `module example.com/app\n\ngo 1.22\n\nrequire (\n${requires.map((r) => `\t${r}\n`).join('')})\n`;

  it('reads the port from the code: the PORT default pattern behind ListenAndServe', () => {
    const d = run({
      'go.mod': mod(),
      'main.go':
        'package main\n\nfunc main() {\n\tport := os.Getenv("PORT")\n\tif port == "" {\n\t\tport = "8080"\n\t}\n\thttp.HandleFunc("/healthz", ok)\n\tlog.Fatal(http.ListenAndServe(":"+port, nil))\n}\n',
    });
    assert.equal(d.get('port'), 8080);
    assert.deepEqual(
      d.evidenceOf('port'),
      ev(
        ['port', 'main.go', 9, 'ListenAndServe listens on 8080'],
        ['port', 'main.go', 6, 'port defaults to 8080'],
      ),
    );
    assert.deepEqual(d.get('framework'), { name: 'net/http' });
    assert.equal(d.get('healthPath'), '/healthz');
    assert.deepEqual(
      d.evidenceOf('healthPath'),
      ev(['healthPath', 'main.go', 8, 'route /healthz']),
    );
    assert.deepEqual(
      d.env.map((e) => [e.name, e.value, e.loc.line]),
      [['PORT', '8080', 4]],
    );
  });

  it('gin: framework and version from go.mod, r.Run(":8081"), r.GET("/health")', () => {
    const d = run({
      'go.mod': mod('github.com/gin-gonic/gin v1.10.0'),
      'main.go':
        'package main\n\nfunc main() {\n\tr := gin.Default()\n\tr.GET("/health", h)\n\tr.Run(":8081")\n}\n',
    });
    assert.deepEqual(d.get('framework'), { name: 'gin', version: '1.10.0' });
    assert.deepEqual(
      d.evidenceOf('framework'),
      ev(['framework', 'go.mod', 6, 'requires github.com/gin-gonic/gin v1.10.0']),
    );
    assert.equal(d.get('kind'), 'backend');
    assert.equal(d.get('port'), 8081);
    assert.deepEqual(d.evidenceOf('port'), ev(['port', 'main.go', 6, 'Run listens on 8081']));
    assert.equal(d.get('healthPath'), '/health');
  });

  it('gin without an address keeps its default port 8080', () => {
    const d = run({
      'go.mod': mod('github.com/gin-gonic/gin v1.10.0'),
      'main.go': 'package main\n\nfunc main() {\n\tgin.Default().Run()\n}\n',
    });
    assert.equal(d.get('port'), 8080);
    assert.deepEqual(d.evidenceOf('port'), ev(['port', 'go.mod', 6, 'gin default port']));
  });

  it('echo v4: e.Start(":1323"); fiber v2: app.Listen(":3000") and app.Get("/livez")', () => {
    const echo = run({
      'go.mod': mod('github.com/labstack/echo/v4 v4.12.0'),
      'main.go':
        'package main\n\nfunc main() {\n\te := echo.New()\n\te.Logger.Fatal(e.Start(":1323"))\n}\n',
    });
    assert.deepEqual(echo.get('framework'), { name: 'echo', version: '4.12.0' });
    assert.equal(echo.get('port'), 1323);
    const fiber = run({
      'go.mod': mod('github.com/gofiber/fiber/v2 v2.52.5'),
      'main.go':
        'package main\n\nfunc main() {\n\tapp := fiber.New()\n\tapp.Get("/livez", h)\n\tapp.Listen(":3000")\n}\n',
    });
    assert.deepEqual(fiber.get('framework'), { name: 'fiber', version: '2.52.5' });
    assert.equal(fiber.get('port'), 3000);
    assert.equal(fiber.get('healthPath'), '/livez');
  });

  it('gRPC: net.Listen("tcp", ":50051") and grpc.NewServer()', () => {
    const d = run({
      'go.mod': mod('google.golang.org/grpc v1.64.0'),
      'server.go':
        'package main\n\nfunc main() {\n\tlis, _ := net.Listen("tcp", ":50051")\n\ts := grpc.NewServer()\n\ts.Serve(lis)\n}\n',
    });
    assert.deepEqual(d.get('framework'), { name: 'grpc', version: '1.64.0' });
    assert.equal(d.get('port'), 50051);
    assert.deepEqual(
      d.evidenceOf('port'),
      ev(['port', 'server.go', 4, 'net.Listen listens on 50051']),
    );
  });

  it('an ADDRESS=0.0.0.0:8000 in .env is the address the server reads', () => {
    const d = run({
      'go.mod': mod(),
      '.env': 'ADDRESS=0.0.0.0:8000\n',
      'main.go':
        'package main\n\nfunc main() {\n\taddr := os.Getenv("ADDRESS")\n\thttp.ListenAndServe(addr, nil)\n}\n',
    });
    assert.equal(d.get('port'), 8000);
    assert.deepEqual(
      d.evidenceOf('port'),
      ev(
        ['port', 'main.go', 5, 'ListenAndServe listens on 8000'],
        ['port', '.env', 1, '.env sets ADDRESS'],
      ),
    );
  });

  it('a main package consuming a queue without a listener is a worker', () => {
    const d = run({
      'go.mod': mod('github.com/segmentio/kafka-go v0.4.47'),
      'main.go':
        'package main\n\nfunc main() {\n\tr := kafka.NewReader(kafka.ReaderConfig{Brokers: []string{os.Getenv("KAFKA_BROKERS")}})\n\tfor {\n\t\tr.ReadMessage(ctx)\n\t}\n}\n',
    });
    assert.equal(d.get('kind'), 'worker');
    assert.equal(d.serves, false);
    assert.equal(d.getFeature('queueFramework'), 'kafka-go');
    assert.deepEqual(
      d.evidenceOf('kind'),
      ev(
        ['kind', 'main.go', 1, 'main package consuming with kafka-go, no listener'],
        ['kind', 'go.mod', 6, 'requires github.com/segmentio/kafka-go v0.4.47'],
      ),
    );
  });

  it('a library module (no main, no listener) claims no kind', () => {
    const d = run({
      'go.mod': mod(),
      'lib.go': 'package lib\n\nfunc Add(a, b int) int { return a + b }\n',
    });
    assert.equal(d.get('kind'), undefined);
    assert.equal(d.get('language'), 'go');
  });

  it('skips vendored and indirect modules', () => {
    const d = run({
      'go.mod':
        'module example.com/app\n\ngo 1.22\n\nrequire github.com/gin-gonic/gin v1.10.0 // indirect\n',
      'vendor/github.com/x/y/y.go': 'package y\n\nfunc init() { os.Getenv("VENDORED") }\n',
      'main.go': 'package main\n\nfunc main() {}\n',
    });
    assert.equal(d.get('framework'), undefined);
    assert.deepEqual(d.env, []);
  });
});
