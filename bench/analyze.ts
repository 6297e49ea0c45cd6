/**
 * Analysis speed: the reference app, and generated monorepos of 50 and 500 components
 * (Next.js, FastAPI, Express and Celery apps in rotation, with Dockerfiles, env files and a
 * compose file for Postgres and Redis). Prints the median of several runs after a warm-up,
 * and the 500/50 ratio (≈ 10 means linear). Run: `npx tsx bench/analyze.ts`.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { analyzeRepository } from '../src/analyze';

const RUNS = 5;

function write(root: string, rel: string, text: string): void {
  const path = join(root, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** Writes a monorepo of `n` components into a fresh temp directory and returns it. */
export function generateMonorepo(n: number): string {
  const root = mkdtempSync(join(tmpdir(), `stackpilot-bench-${n}-`));
  write(
    root,
    'package.json',
    JSON.stringify({ name: `mono-${n}`, private: true, workspaces: ['apps/*'] }, null, 2),
  );
  write(
    root,
    'compose.yaml',
    'services:\n  postgres:\n    image: postgres:16-alpine\n    ports: ["5432:5432"]\n  redis:\n    image: redis:7-alpine\n    ports: ["6379:6379"]\n',
  );
  for (let i = 0; i < n; i++) {
    const dir = `apps/svc-${i}`;
    const port = 9000 + i;
    switch (i % 4) {
      case 0:
        write(
          root,
          `${dir}/package.json`,
          JSON.stringify(
            {
              name: `svc-${i}`,
              scripts: { build: 'next build', start: `next start -p ${port}` },
              dependencies: { next: '15.1.6', react: '19.0.0' },
            },
            null,
            2,
          ),
        );
        write(root, `${dir}/next.config.mjs`, "export default { output: 'standalone' };\n");
        write(root, `${dir}/tsconfig.json`, '{}\n');
        write(
          root,
          `${dir}/app/page.tsx`,
          `export default async function Page() {\n  const r = await fetch(process.env.NEXT_PUBLIC_API_URL + '/items');\n  return <pre>{await r.text()}</pre>;\n}\n`,
        );
        write(
          root,
          `${dir}/app/api/health/route.ts`,
          'export function GET() {\n  return Response.json({ ok: true });\n}\n',
        );
        write(root, `${dir}/.env.example`, `NEXT_PUBLIC_API_URL=http://localhost:${port + 1}\n`);
        break;
      case 1:
        write(
          root,
          `${dir}/pyproject.toml`,
          `[project]\nname = "svc-${i}"\nversion = "0.1.0"\ndependencies = ["fastapi>=0.115", "uvicorn>=0.34", "psycopg[binary]>=3.2", "redis>=5"]\n`,
        );
        write(root, `${dir}/app/__init__.py`, '');
        write(
          root,
          `${dir}/app/main.py`,
          'import os\n\nfrom fastapi import FastAPI\n\napp = FastAPI()\nDB = os.environ["DATABASE_URL"]\n\n\n@app.get("/healthz")\ndef healthz():\n    return {"ok": True}\n',
        );
        write(
          root,
          `${dir}/Dockerfile`,
          `FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install .\nUSER 10001\nEXPOSE ${port}\nCMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "${port}"]\n`,
        );
        write(
          root,
          `${dir}/.env.example`,
          'DATABASE_URL=postgresql://app:bench-pw@localhost:5432/app\nREDIS_URL=redis://localhost:6379/0\nAPI_TOKEN=\n',
        );
        break;
      case 2:
        write(
          root,
          `${dir}/package.json`,
          JSON.stringify(
            {
              name: `svc-${i}`,
              scripts: { build: 'tsc', start: 'node dist/server.js' },
              dependencies: { express: '^5.1.0', ioredis: '^5.4.0' },
            },
            null,
            2,
          ),
        );
        write(
          root,
          `${dir}/src/server.ts`,
          `import express from 'express';\n\nconst PORT = Number(process.env.PORT ?? ${port});\nconst app = express();\napp.get('/healthz', (_req, res) => res.send('ok'));\napp.listen(PORT);\n`,
        );
        write(
          root,
          `${dir}/Dockerfile`,
          `FROM node:22-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nUSER node\nEXPOSE ${port}\nCMD ["node", "dist/server.js"]\n`,
        );
        break;
      default:
        write(root, `${dir}/requirements.txt`, 'celery[redis]==5.4.0\n');
        write(root, `${dir}/worker/__init__.py`, '');
        write(
          root,
          `${dir}/worker/tasks.py`,
          'import os\n\nfrom celery import Celery\n\napp = Celery("w", broker=os.environ["CELERY_BROKER_URL"])\n\n\n@app.task\ndef ping():\n    return "pong"\n',
        );
        write(root, `${dir}/.env.example`, 'CELERY_BROKER_URL=redis://localhost:6379/1\n');
    }
  }
  return root;
}

async function time(root: string): Promise<{ ms: number; components: number }> {
  await analyzeRepository(root); // warm-up: module loading and JIT
  const samples: number[] = [];
  let components = 0;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const model = await analyzeRepository(root);
    samples.push(performance.now() - t0);
    components = model.components.length;
  }
  samples.sort((a, b) => a - b);
  return { ms: samples[Math.floor(samples.length / 2)]!, components };
}

/** Runs the analysis benchmark and prints its figures; `bench/run.ts` can call this. */
export async function benchAnalyze(): Promise<void> {
  const reference = await time(join(__dirname, '..', 'examples', 'fullstack'));
  console.log(
    `reference app (examples/fullstack): ${reference.ms.toFixed(1)} ms, ${reference.components} components`,
  );
  const results: Record<number, number> = {};
  for (const n of [50, 500]) {
    const root = generateMonorepo(n);
    try {
      const r = await time(root);
      results[n] = r.ms;
      console.log(
        `monorepo of ${n} apps: ${r.ms.toFixed(1)} ms, ${r.components} components (median of ${RUNS})`,
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  const ratio = results[500]! / results[50]!;
  console.log(`ratio 500/50: ${ratio.toFixed(2)} (10 = linear)`);
  console.log(`500 apps under 2 s: ${results[500]! < 2000 ? 'yes' : 'NO'}`);
}

if (require.main === module) void benchAnalyze();
