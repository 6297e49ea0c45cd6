/**
 * Eject: a plan as a standalone Pulumi TypeScript project that a team can read and own. The
 * project registers the same resources — classes, names, inputs and `dependsOn` — as the inline
 * program, because both are made from the same declarations (`declare.ts`).
 */
import type { Target } from '../model/environment';
import type { DeploymentPlan } from '../model/plan';
import { SecretValue, type Value } from './decl';
import { declareResources } from './declare';
import { indexSource } from './ejected/index-source';
import {
  gitignore,
  packageJson,
  pulumiYaml,
  stackYaml,
  tsconfigJson,
} from './ejected/project-files';
import { providerArgs } from './provider';

export { writeEjectedProject } from './ejected/write';

/** Which stack the ejected project is for. */
export interface EjectOptions {
  /** Environment (stack) name, e.g. `dev`: names `Pulumi.<env>.yaml`. */
  env: string;
  /**
   * Where it deploys. A render target writes to its `directory`, relative to the ejected
   * project (default `rendered/<env>`).
   */
  target: Target;
}

/**
 * The files of the ejected project, relative path → contents: `package.json`, `tsconfig.json`,
 * `Pulumi.yaml`, `Pulumi.<env>.yaml`, `index.ts` and `.gitignore`. Deterministic (the same plan
 * gives the same bytes) and free of secret values. Throws InputError as `createProgram` does.
 */
export function ejectProject(plan: DeploymentPlan, options: EjectOptions): Record<string, string> {
  const { target, env } = options;
  const decls = declareResources(plan, target);
  const renderDir = target.kind === 'render' ? (target.directory ?? `rendered/${env}`) : '';
  const secretKeys = new Set<string>();
  const visit = (v: Value): void => {
    if (v instanceof SecretValue) {
      for (const p of v.parts) if ('config' in p) secretKeys.add(p.config);
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (typeof v === 'object') Object.values(v).forEach((x) => visit(x as Value));
  };
  decls.forEach((d) => visit(d.args));
  return {
    '.gitignore': gitignore(),
    'package.json': packageJson(plan),
    'tsconfig.json': tsconfigJson(),
    'Pulumi.yaml': pulumiYaml(plan),
    [`Pulumi.${env}.yaml`]: stackYaml(plan, env, [...secretKeys].sort()),
    'index.ts': indexSource(plan, decls, providerArgs(target, plan.namespace, renderDir)),
  };
}
