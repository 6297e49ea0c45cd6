/**
 * The ejected project's `index.ts`: one `const` per resource with literal inputs and an explicit
 * `dependsOn` naming the earlier consts, in the same order, with the same classes, names and
 * inputs as the inline program (both come from the same declarations).
 */
import type { DeploymentPlan, SecretPart } from '../../model/plan';
import { SecretValue, splitConfigKey, type ResourceDecl, type Value } from '../decl';
import { PROVIDER_NAME } from '../names';
import { lit, printStatement, quote, raw, type Expr, type Prop } from './printer';

/** The helper the generated module defines for Secret `data` values. */
const SECRET_DATA = 'secretData';
const SECRET_DATA_SOURCE = [
  '/** A Secret `data` value: the base64 of `value`, kept secret. */',
  `function ${SECRET_DATA}(value: pulumi.Input<string>): pulumi.Output<string> {`,
  '  return pulumi.secret(',
  "    pulumi.output(value).apply((v) => Buffer.from(v, 'utf8').toString('base64')),",
  '  );',
  '}',
  '',
];

/** Names the generated module exports as stack outputs, or uses itself. */
const RESERVED = new Set([
  'pulumi',
  'k8s',
  'random',
  'provider',
  SECRET_DATA,
  'namespace',
  'publicUrls',
  'addresses',
  'planHash',
]);

/** The source of `index.ts` for the declarations of `plan`. */
export function indexSource(
  plan: DeploymentPlan,
  decls: readonly ResourceDecl[],
  providerArgs: Record<string, string | boolean>,
): string {
  const consts = constNames(decls);
  const configs = configNamespaces(decls);
  const usesRandom = decls.some((d) => d.cls.startsWith('random.'));
  const out: string[] = [
    `// ${plan.app} / ${plan.environment}: ejected by stackpilot from plan ${plan.hash}.`,
    '// One resource per plan node; `dependsOn` is exactly the plan graph. Secret values are read',
    '// from stack config and generated passwords at deploy time and never written here.',
    "import * as pulumi from '@pulumi/pulumi';",
    "import * as k8s from '@pulumi/kubernetes';",
    ...(usesRandom ? ["import * as random from '@pulumi/random';"] : []),
    '',
  ];
  for (const [ns, name] of configs) {
    out.push(
      printStatement(`const ${name} = `, call('pulumi.Config', ns === '' ? [] : [lit(ns)], true)),
    );
  }
  if (configs.size) out.push('');
  if (decls.some((d) => d.cls === 'k8s.core.v1.Secret')) out.push(...SECRET_DATA_SOURCE);
  out.push("// The stack's explicit Kubernetes provider.");
  out.push(
    printStatement(
      'const provider = ',
      call('k8s.Provider', [lit(PROVIDER_NAME), toExpr(providerArgs, consts, configs)], true),
    ),
  );
  for (const d of decls) {
    const opts: Prop[] = [];
    if (!d.cls.startsWith('random.')) opts.push({ shorthand: 'provider' });
    if (d.dependsOn.length) {
      opts.push({
        key: 'dependsOn',
        value: { t: 'arr', items: d.dependsOn.map((id) => raw(constOf(consts, id))) },
      });
    }
    const args: Expr[] = [lit(d.name), toExpr(d.args, consts, configs)];
    if (opts.length) args.push({ t: 'obj', props: opts });
    out.push('');
    out.push(`// ${d.nodeId}: ${describe(d)}`);
    out.push(printStatement(`const ${constOf(consts, d.nodeId)} = `, call(d.cls, args, true)));
  }
  out.push('');
  out.push('// Stack outputs: plain plan values, never a secret.');
  out.push(printStatement('export const namespace = ', lit(plan.namespace)));
  out.push(
    printStatement('export const publicUrls = ', toExpr(plan.outputs.publicUrls, consts, configs)),
  );
  out.push(
    printStatement('export const addresses = ', toExpr(plan.outputs.addresses, consts, configs)),
  );
  out.push(printStatement('export const planHash = ', lit(plan.hash)));
  return `${out.join('\n')}\n`;
}

/** `Deployment api`, `ServiceMonitor api`, `RandomPassword`: what a const holds, for its comment. */
function describe(d: ResourceDecl): string {
  const kind = typeof d.args.kind === 'string' ? d.args.kind : (d.cls.split('.').pop() ?? d.cls);
  const meta = d.args.metadata as { name?: unknown } | undefined;
  return typeof meta?.name === 'string' ? `${kind} ${meta.name}` : kind;
}

function call(callee: string, args: Expr[], isNew = false): Expr {
  return { t: 'call', callee, args, isNew };
}

/** A declaration value as an expression; secret values become the expression that builds them. */
function toExpr(
  v: Value,
  consts: ReadonlyMap<string, string>,
  configs: ReadonlyMap<string, string>,
): Expr {
  if (v instanceof SecretValue) return secretExpr(v.parts, consts, configs);
  if (Array.isArray(v)) return { t: 'arr', items: v.map((x: Value) => toExpr(x, consts, configs)) };
  if (typeof v === 'object') {
    return {
      t: 'obj',
      props: Object.entries(v).map(([k, x]) => ({
        key: k,
        value: toExpr(x as Value, consts, configs),
      })),
    };
  }
  return lit(v as string | number | boolean);
}

/**
 * A Secret entry's `data` value: `secretData(…)` of the one config read or generated password,
 * or of the parts joined with `pulumi.interpolate`.
 */
function secretExpr(
  parts: readonly SecretPart[],
  consts: ReadonlyMap<string, string>,
  configs: ReadonlyMap<string, string>,
): Expr {
  const code = (p: SecretPart): string => {
    if ('text' in p) return '';
    if ('generated' in p) return `${constOf(consts, p.generated)}.result`;
    const { namespace, key } = splitConfigKey(p.config);
    return `${configs.get(namespace ?? '')}.requireSecret(${quote(key)})`;
  };
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only && !('text' in only)) return call(SECRET_DATA, [raw(code(only))]);
  const template = parts
    .map((p) => ('text' in p ? p.text.replace(/[\\`]|\$\{/g, (m) => `\\${m}`) : `\${${code(p)}}`))
    .join('');
  return call(SECRET_DATA, [raw(`pulumi.interpolate\`${template}\``)]);
}

/** Config namespace → the const holding its `pulumi.Config`, e.g. `secrets` → `secretsConfig`. */
function configNamespaces(decls: readonly ResourceDecl[]): Map<string, string> {
  const namespaces = new Set<string>();
  const visit = (v: Value): void => {
    if (v instanceof SecretValue) {
      for (const p of v.parts)
        if ('config' in p) namespaces.add(splitConfigKey(p.config).namespace ?? '');
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (typeof v === 'object') Object.values(v).forEach((x) => visit(x as Value));
  };
  decls.forEach((d) => visit(d.args));
  return new Map([...namespaces].sort().map((ns) => [ns, `${camel(ns || 'project')}Config`]));
}

/** Node id → a unique, readable const name: `workload/api` → `workloadApi`. */
function constNames(decls: readonly ResourceDecl[]): Map<string, string> {
  const taken = new Set(RESERVED);
  const names = new Map<string, string>();
  for (const d of decls) {
    let name = camel(d.name);
    if (taken.has(name) || name.endsWith('Config')) name += 'Resource';
    for (let i = 2; taken.has(name); i++) name = `${camel(d.name)}${i}`;
    taken.add(name);
    names.set(d.nodeId, name);
  }
  return names;
}

function constOf(consts: ReadonlyMap<string, string>, id: string): string {
  return consts.get(id) ?? id;
}

function camel(s: string): string {
  const words = s.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const joined = words.map((w, i) => (i ? w[0]!.toUpperCase() + w.slice(1) : w)).join('');
  return /^[0-9]/.test(joined) ? `_${joined}` : joined;
}
