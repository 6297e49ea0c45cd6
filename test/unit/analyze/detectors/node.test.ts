import { strict as assert } from 'node:assert';
import { detectNodeServer } from '../../../../src/analyze/detectors/express';
import { detectNextjs } from '../../../../src/analyze/detectors/nextjs';
import { detectNodeBasics } from '../../../../src/analyze/detectors/node';
import { detectNodeWorker } from '../../../../src/analyze/detectors/node-worker';
import { applyHealthRoutes } from '../../../../src/analyze/health';
import { detect, ev } from '../support';

describe('analyze/detectors: Node.js', () => {
  describe('nextjs', () => {
    const files = {
      'package.json':
        '{\n  "name": "web",\n  "scripts": { "build": "next build", "start": "next start -p 3001" },\n  "dependencies": {\n    "next": "^15.2.0",\n    "ai": "^4.3.0"\n  }\n}\n',
      'pnpm-lock.yaml': '',
      'next.config.mjs': "const config = {\n  output: 'standalone',\n};\nexport default config;\n",
      'src/app/(marketing)/page.tsx': 'export default function P() { return null; }\n',
      'src/app/api/chat/route.ts':
        "import { streamText } from 'ai';\n\nexport async function POST(req: Request) {\n  const r = streamText({ model: 'openai/gpt-4o', prompt: 'x' });\n  return r.toDataStreamResponse();\n}\n",
      'src/app/(ops)/healthz/route.ts': 'export const GET = () => new Response("ok");\n',
      'pages/api/users/index.ts': 'export default function handler() {}\n',
    };

    it('reads version, output, port, commands, routes and streaming', () => {
      const { draft } = detect(files, [detectNextjs, detectNodeBasics]);
      applyHealthRoutes(draft);
      assert.deepEqual(draft.get('framework'), { name: 'nextjs', version: '15.2.0' });
      assert.equal(draft.get('kind'), 'frontend');
      assert.equal(draft.get('public'), true);
      assert.equal(draft.get('port'), 3001);
      assert.equal(draft.get('startCommand'), 'node server.js');
      assert.equal(draft.get('buildCommand'), 'pnpm run build');
      assert.equal(draft.get('healthPath'), '/healthz');
      assert.equal(draft.get('language'), 'javascript');
      assert.deepEqual(draft.features(), {
        writablePaths: ['.next/cache'],
        nextOutput: 'standalone',
        apiRoutes: true,
        streaming: true,
      });
      assert.deepEqual(
        draft.routes.map((r) => r.path),
        ['/api/users', '/healthz', '/api/chat'],
      );
      assert.deepEqual(
        draft.evidenceOf('features.streaming'),
        ev(['features.streaming', 'src/app/api/chat/route.ts', 4, 'streams (streamText)']),
      );
      assert.deepEqual(
        draft.evidenceOf('port'),
        ev(['port', 'package.json', 3, 'script start: next start -p 3001']),
      );
      assert.deepEqual(
        draft.evidenceOf('features.nextOutput'),
        ev(['features.nextOutput', 'next.config.mjs', 2, "output: 'standalone'"]),
      );
    });

    it('keeps the default output and start when nothing says otherwise', () => {
      const { draft } = detect({ 'package.json': '{ "dependencies": { "next": "15.1.6" } }' }, [
        detectNextjs,
        detectNodeBasics,
      ]);
      assert.equal(draft.getFeature('nextOutput'), 'default');
      assert.equal(draft.get('startCommand'), 'next start');
      assert.equal(draft.get('buildCommand'), 'next build');
      assert.equal(draft.get('port'), 3000);
      assert.equal(draft.getFeature('apiRoutes'), undefined);
    });
  });

  describe('express and friends', () => {
    it('reads the framework, a constant port and routes', () => {
      const { draft } = detect(
        {
          'package.json':
            '{ "scripts": { "start": "node dist/server.js", "build": "tsc" }, "dependencies": { "express": "^5.1.0" } }',
          'tsconfig.json': '{}',
          'src/server.ts':
            "import express from 'express';\nconst PORT = Number(process.env.PORT ?? 4100);\nconst app = express();\nconst router = express.Router();\napp.get('/livez', (_q, r) => r.send('ok'));\nrouter.get('/readyz', (_q, r) => r.send('ok'));\napp.listen(PORT);\n",
        },
        [detectNodeServer, detectNodeBasics],
      );
      applyHealthRoutes(draft);
      assert.deepEqual(draft.get('framework'), { name: 'express', version: '5.1.0' });
      assert.equal(draft.get('kind'), 'backend');
      assert.equal(draft.get('port'), 4100);
      assert.deepEqual(
        draft.evidenceOf('port'),
        ev(['port', 'src/server.ts', 2, 'listens on 4100']),
      );
      assert.equal(draft.get('healthPath'), '/livez');
      assert.equal(draft.get('readinessPath'), '/readyz');
      assert.equal(draft.get('startCommand'), 'node dist/server.js');
      assert.equal(draft.get('buildCommand'), 'npm run build');
      assert.equal(draft.get('language'), 'typescript');
    });

    it('reads fastify listen options and NestJS inline defaults', () => {
      const fastify = detect(
        {
          'package.json': '{ "dependencies": { "fastify": "^5.2.0" } }',
          'index.js':
            "const f = require('fastify')();\nf.listen({ port: 8081, host: '0.0.0.0' });\n",
        },
        [detectNodeServer],
      ).draft;
      assert.equal(fastify.get('port'), 8081);
      assert.deepEqual(fastify.get('framework'), { name: 'fastify', version: '5.2.0' });
      const nest = detect(
        {
          'package.json': '{ "dependencies": { "@nestjs/core": "^10.4.0" } }',
          'src/main.ts':
            'async function bootstrap() {\n  const app = await NestFactory.create(AppModule);\n  await app.listen(process.env.PORT ?? 3300);\n}\n',
        },
        [detectNodeServer],
      ).draft;
      assert.equal(nest.get('port'), 3300);
      assert.equal(nest.get('framework')?.name, 'nestjs');
    });

    it('leaves a Next.js custom server to the Next.js detector', () => {
      const { draft } = detect(
        { 'package.json': '{ "dependencies": { "next": "15.1.6", "express": "^5.1.0" } }' },
        [detectNodeServer],
      );
      assert.equal(draft.get('framework'), undefined);
    });
  });

  describe('node-worker', () => {
    it('makes a BullMQ consumer without HTTP a worker', () => {
      const { draft } = detect(
        {
          'package.json':
            '{ "scripts": { "start": "node worker.js" }, "dependencies": { "bullmq": "^5.34.0" } }',
          'worker.js':
            "const { Worker } = require('bullmq');\n\nnew Worker('mail', async () => {});\n",
        },
        [detectNodeServer, detectNodeWorker, detectNodeBasics],
      );
      assert.equal(draft.get('kind'), 'worker');
      assert.deepEqual(draft.get('framework'), { name: 'bullmq', version: '5.34.0' });
      assert.equal(draft.getFeature('queueFramework'), 'bullmq');
      assert.deepEqual(draft.evidenceOf('kind'), ev(['kind', 'worker.js', 3, 'BullMQ Worker']));
      assert.equal(draft.get('startCommand'), 'node worker.js');
    });

    it('keeps an HTTP server that also consumes jobs a backend', () => {
      const { draft } = detect(
        {
          'package.json': '{ "dependencies": { "bullmq": "^5.34.0", "express": "^5.1.0" } }',
          'index.js': "new Worker('q', async () => {});\napp.listen(3000);\n",
        },
        [detectNodeServer, detectNodeWorker],
      );
      assert.equal(draft.get('kind'), 'backend');
      assert.equal(draft.getFeature('queueFramework'), 'bullmq');
    });

    it('finds migration scripts and Prisma', () => {
      const drizzle = detect(
        {
          'package.json':
            '{ "scripts": { "db:migrate": "drizzle-kit migrate" }, "dependencies": { "next": "15.1.6" } }',
        },
        [detectNodeBasics],
      ).draft;
      assert.deepEqual(drizzle.getFeature('migrations'), {
        tool: 'drizzle',
        command: 'npm run db:migrate',
      });
      const prisma = detect(
        { 'package.json': '{ "dependencies": { "@prisma/client": "^6.1.0" } }' },
        [detectNodeBasics],
      ).draft;
      assert.deepEqual(prisma.getFeature('migrations'), {
        tool: 'prisma',
        command: 'npx prisma migrate deploy',
      });
    });
  });
});
