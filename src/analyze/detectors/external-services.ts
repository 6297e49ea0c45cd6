/**
 * External services: what the application calls but does not run. LLM APIs, Neon and other
 * managed databases, blob stores, vector SaaS — recognised by SDK dependency, by the env var
 * that carries their key, by hostname, and by URLs in code.
 */
import type { ExternalServiceKind } from '../../model/app';
import type { Loc } from '../draft';
import type { UnitContext } from './context';
import { isCodeFile } from '../units';

/** A known external service; `hosts` are the defaults, extended by hosts seen in config. */
export interface ExternalDef {
  id: string;
  kind: ExternalServiceKind;
  provider: string;
  hosts: readonly string[];
  port: number;
}

const llm = (id: string, provider: string, hosts: string[]): ExternalDef => ({
  id,
  kind: 'llm',
  provider,
  hosts,
  port: 443,
});

/** The external services the analyzer knows by name, with default hosts and ports. */
export const EXTERNALS = {
  openai: llm('openai', 'openai', ['api.openai.com']),
  anthropic: llm('anthropic', 'anthropic', ['api.anthropic.com']),
  google: llm('google', 'google', ['generativelanguage.googleapis.com']),
  'vercel-ai-gateway': llm('vercel-ai-gateway', 'vercel-ai', ['ai-gateway.vercel.sh']),
  mistral: llm('mistral', 'mistral', ['api.mistral.ai']),
  groq: llm('groq', 'groq', ['api.groq.com']),
  cohere: llm('cohere', 'cohere', ['api.cohere.com']),
  langchain: llm('langchain', 'langchain', []),
  llamaindex: llm('llamaindex', 'llamaindex', []),
  neon: { id: 'neon', kind: 'postgres', provider: 'neon', hosts: [], port: 5432 },
  supabase: { id: 'supabase', kind: 'postgres', provider: 'supabase', hosts: [], port: 5432 },
  'aws-rds': { id: 'aws-rds', kind: 'postgres', provider: 'aws-rds', hosts: [], port: 5432 },
  upstash: { id: 'upstash', kind: 'cache', provider: 'upstash', hosts: [], port: 6379 },
  cloudamqp: { id: 'cloudamqp', kind: 'queue', provider: 'cloudamqp', hosts: [], port: 5671 },
  'mongodb-atlas': {
    id: 'mongodb-atlas',
    kind: 'http',
    provider: 'mongodb-atlas',
    hosts: [],
    port: 27017,
  },
  s3: { id: 's3', kind: 'blob', provider: 'aws-s3', hosts: ['s3.amazonaws.com'], port: 443 },
  'vercel-blob': {
    id: 'vercel-blob',
    kind: 'blob',
    provider: 'vercel-blob',
    hosts: ['blob.vercel-storage.com'],
    port: 443,
  },
  gcs: {
    id: 'gcs',
    kind: 'blob',
    provider: 'google-cloud-storage',
    hosts: ['storage.googleapis.com'],
    port: 443,
  },
  'azure-blob': { id: 'azure-blob', kind: 'blob', provider: 'azure-storage', hosts: [], port: 443 },
  pinecone: { id: 'pinecone', kind: 'vector', provider: 'pinecone', hosts: [], port: 443 },
} as const satisfies Record<string, ExternalDef>;

/** Id of a known external service. */
export type KnownExternal = keyof typeof EXTERNALS;

const NPM_DEPS: Record<string, KnownExternal> = {
  openai: 'openai',
  '@ai-sdk/openai': 'openai',
  '@langchain/openai': 'openai',
  '@llamaindex/openai': 'openai',
  '@anthropic-ai/sdk': 'anthropic',
  '@ai-sdk/anthropic': 'anthropic',
  '@langchain/anthropic': 'anthropic',
  '@llamaindex/anthropic': 'anthropic',
  '@google/generative-ai': 'google',
  '@google/genai': 'google',
  '@ai-sdk/google': 'google',
  '@langchain/google-genai': 'google',
  '@ai-sdk/gateway': 'vercel-ai-gateway',
  '@mistralai/mistralai': 'mistral',
  '@ai-sdk/mistral': 'mistral',
  'groq-sdk': 'groq',
  '@ai-sdk/groq': 'groq',
  'cohere-ai': 'cohere',
  '@neondatabase/serverless': 'neon',
  '@aws-sdk/client-s3': 's3',
  '@vercel/blob': 'vercel-blob',
  '@google-cloud/storage': 'gcs',
  '@azure/storage-blob': 'azure-blob',
  '@pinecone-database/pinecone': 'pinecone',
  '@upstash/redis': 'upstash',
};

const PY_DEPS: Record<string, KnownExternal> = {
  openai: 'openai',
  'langchain-openai': 'openai',
  'llama-index-llms-openai': 'openai',
  anthropic: 'anthropic',
  'langchain-anthropic': 'anthropic',
  'llama-index-llms-anthropic': 'anthropic',
  'google-generativeai': 'google',
  'google-genai': 'google',
  'langchain-google-genai': 'google',
  mistralai: 'mistral',
  groq: 'groq',
  cohere: 'cohere',
  'google-cloud-storage': 'gcs',
  'azure-storage-blob': 'azure-blob',
  pinecone: 'pinecone',
  'pinecone-client': 'pinecone',
  'upstash-redis': 'upstash',
};

/** Orchestration frameworks: an external service only when no concrete provider is found beside them. */
const FRAMEWORK_DEPS: Record<string, KnownExternal> = {
  langchain: 'langchain',
  '@langchain/core': 'langchain',
  'langchain-core': 'langchain',
  llamaindex: 'llamaindex',
  'llama-index': 'llamaindex',
  'llama-index-core': 'llamaindex',
};

const ENV_NAMES: Array<[RegExp, KnownExternal]> = [
  [/^OPENAI_API_KEY$/, 'openai'],
  [/^ANTHROPIC_API_KEY$/, 'anthropic'],
  [/^(GOOGLE_API_KEY|GEMINI_API_KEY|GOOGLE_GENERATIVE_AI_API_KEY)$/, 'google'],
  [/^AI_GATEWAY_API_KEY$/, 'vercel-ai-gateway'],
  [/^MISTRAL_API_KEY$/, 'mistral'],
  [/^GROQ_API_KEY$/, 'groq'],
  [/^(COHERE_API_KEY|CO_API_KEY)$/, 'cohere'],
  [/^PINECONE_API_KEY$/, 'pinecone'],
  [/^BLOB_READ_WRITE_TOKEN$/, 'vercel-blob'],
  [/^UPSTASH_REDIS_REST_(URL|TOKEN)$/, 'upstash'],
];

/** The external service an env var name is the key of (`OPENAI_API_KEY` → openai). */
export function externalFromEnvName(name: string): ExternalDef | undefined {
  const id = ENV_NAMES.find(([re]) => re.test(name))?.[1];
  return id ? EXTERNALS[id] : undefined;
}

const HOST_SUFFIXES: Array<[string, KnownExternal]> = [
  ['.neon.tech', 'neon'],
  ['.supabase.co', 'supabase'],
  ['.supabase.com', 'supabase'],
  ['.rds.amazonaws.com', 'aws-rds'],
  ['.upstash.io', 'upstash'],
  ['.cloudamqp.com', 'cloudamqp'],
  ['.mongodb.net', 'mongodb-atlas'],
  ['api.openai.com', 'openai'],
  ['api.anthropic.com', 'anthropic'],
  ['generativelanguage.googleapis.com', 'google'],
  ['ai-gateway.vercel.sh', 'vercel-ai-gateway'],
  ['api.mistral.ai', 'mistral'],
  ['api.groq.com', 'groq'],
  ['api.cohere.com', 'cohere'],
  ['api.cohere.ai', 'cohere'],
  ['.amazonaws.com', 's3'],
  ['.blob.vercel-storage.com', 'vercel-blob'],
  ['storage.googleapis.com', 'gcs'],
  ['.blob.core.windows.net', 'azure-blob'],
  ['.pinecone.io', 'pinecone'],
];

/** The known service a hostname belongs to (`ep-x.eu-central-1.aws.neon.tech` → neon). */
export function externalFromHost(host: string): ExternalDef | undefined {
  const h = host.toLowerCase();
  for (const [suffix, id] of HOST_SUFFIXES) {
    const match = suffix.startsWith('.')
      ? h.endsWith(suffix)
      : h === suffix || h.endsWith(`.${suffix}`);
    if (!match) continue;
    // Only S3 endpoints among amazonaws.com hosts are blob storage.
    if (id === 's3' && !/(^|\.)s3[.-]/.test(h)) continue;
    return EXTERNALS[id];
  }
  return undefined;
}

/** Unit detector: SDK dependencies and known API hosts in code. */
export function detectExternalServices(ctx: UnitContext): void {
  const { unit, draft, repo } = ctx;
  const found = new Set<string>();
  const use = (def: ExternalDef, loc: Loc): void => {
    found.add(def.id);
    draft.uses.push({ type: 'external', service: def, loc });
  };
  const frameworks: Array<[KnownExternal, Loc]> = [];
  const scan = (
    deps: Iterable<{ name: string; dev: boolean; file: string; line?: number }>,
    table: Record<string, KnownExternal>,
  ): void => {
    for (const dep of deps) {
      if (dep.dev) continue;
      const loc = { file: dep.file, line: dep.line, note: `dependency ${dep.name}` };
      const id = table[dep.name];
      if (id) use(EXTERNALS[id], loc);
      const fw = FRAMEWORK_DEPS[dep.name];
      if (fw) frameworks.push([fw, loc]);
    }
  };
  scan(unit.npmDeps.values(), NPM_DEPS);
  scan(unit.pyDeps.values(), PY_DEPS);

  // boto3 is all of AWS: it means S3 only where the code asks for an S3 client.
  if (unit.pyDeps.has('boto3'))
    for (const path of unit.codeFiles) {
      const src = repo.source(path);
      const m = src && /\b(client|resource)\(\s*['"]s3['"]/.exec(src.text);
      if (src && m) {
        use(EXTERNALS.s3, { file: path, line: src.lineAt(m.index), note: 'boto3 S3 client' });
        break;
      }
    }

  // Raw HTTP calls to known APIs.
  for (const path of unit.codeFiles) {
    if (!isCodeFile(path)) continue;
    const src = repo.source(path);
    if (!src) continue;
    for (const m of src.text.matchAll(/https?:\/\/([a-z0-9.-]+\.[a-z]{2,})/gi)) {
      const def = externalFromHost(m[1]!);
      if (def && def.kind === 'llm')
        use(def, { file: path, line: src.lineAt(m.index), note: `calls ${m[1]!.toLowerCase()}` });
    }
  }

  const hasLlm = [...found].some(
    (id) => (EXTERNALS as Record<string, ExternalDef>)[id]?.kind === 'llm',
  );
  // The Vercel AI SDK without a provider package routes plain model ids through the AI Gateway.
  const ai = unit.npmDeps.get('ai');
  if (ai && !ai.dev && !hasLlm)
    use(EXTERNALS['vercel-ai-gateway'], {
      file: ai.file,
      line: ai.line,
      note: 'dependency ai (Vercel AI SDK) without a provider package: AI Gateway',
    });
  if (!hasLlm && !(ai && !ai.dev))
    for (const [id, loc] of frameworks)
      use(EXTERNALS[id], { ...loc, note: `${loc.note}; provider not identified` });
}
