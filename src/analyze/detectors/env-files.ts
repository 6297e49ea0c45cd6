/**
 * The env vars a unit reads: `.env*` files in its directory, and references in its code and
 * settings classes. Values are kept on the reference for classification only.
 */
import { baseOf, dirOf } from '../paths';
import { parseDotenv } from '../parse/dotenv';
import { scanEnvRefs } from '../env-refs';
import type { EnvSource } from '../../model/app';
import type { UnitContext } from './context';

const EXAMPLE =
  /^(\.env\.(example|sample|template|dist|defaults)|\.env\.[\w.-]*\.example|example\.env|env\.example)$/;
const DOTENV = /^\.env(\.[\w.-]+)?$/;
const SETTINGS = /(^|\/)(settings(\/[^/]+)?|config|conf)\.py$/;

/** `dotenv-example` for example files, `dotenv` for real env files, `undefined` for neither. */
export function dotenvSource(path: string): EnvSource | undefined {
  const name = baseOf(path);
  if (EXAMPLE.test(name)) return 'dotenv-example';
  if (DOTENV.test(name)) return 'dotenv';
  return undefined;
}

/** Unit detector: env files and env references in code. */
export function detectEnvFiles(ctx: UnitContext): void {
  const { unit, draft, repo } = ctx;
  for (const f of unit.files) {
    if (dirOf(f.path) !== unit.dir) continue;
    const source = dotenvSource(f.path);
    const src = source && repo.source(f.path);
    if (!source || !src) continue;
    for (const e of parseDotenv(src.text))
      draft.env.push({ name: e.name, source, value: e.value, loc: { file: f.path, line: e.line } });
  }
  for (const path of unit.codeFiles) {
    const src = repo.source(path);
    if (src) draft.env.push(...scanEnvRefs(src, SETTINGS.test(path)));
  }
}
