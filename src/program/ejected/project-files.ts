/**
 * The ejected project's fixed files: package.json (the same pinned SDK versions stackpilot
 * runs), tsconfig.json, Pulumi.yaml and the stack's config file (secret keys listed, never set).
 */
import type { DeploymentPlan } from '../../model/plan';

/** The SDK versions stackpilot itself is built and tested with. */
export const SDK_VERSIONS = {
  '@pulumi/kubernetes': '4.34.2',
  '@pulumi/pulumi': '3.248.0',
  '@pulumi/random': '4.21.2',
} as const;
export const TYPESCRIPT_VERSION = '~5.9.3';
export const NODE_TYPES_VERSION = '^20.19.0';

export function packageJson(plan: DeploymentPlan): string {
  return json({
    name: `${plan.app}-infrastructure`,
    version: '0.1.0',
    private: true,
    main: 'index.ts',
    dependencies: { ...SDK_VERSIONS },
    devDependencies: { '@types/node': NODE_TYPES_VERSION, typescript: TYPESCRIPT_VERSION },
  });
}

export function tsconfigJson(): string {
  return json({
    compilerOptions: {
      strict: true,
      outDir: 'bin',
      target: 'es2020',
      module: 'commonjs',
      moduleResolution: 'node',
      sourceMap: true,
      noFallthroughCasesInSwitch: true,
      noImplicitReturns: true,
      forceConsistentCasingInFileNames: true,
      skipLibCheck: true,
    },
    files: ['index.ts'],
  });
}

export function pulumiYaml(plan: DeploymentPlan): string {
  return [
    `name: ${plan.app}`,
    `description: Kubernetes resources of ${plan.app}, ejected by stackpilot`,
    'runtime:',
    '  name: nodejs',
    '  options:',
    '    packagemanager: npm',
    '',
  ].join('\n');
}

/** `Pulumi.<env>.yaml`: no values, only the secret config keys to set before the first `up`. */
export function stackYaml(
  plan: DeploymentPlan,
  env: string,
  secretKeys: readonly string[],
): string {
  const lines = [`# Stack ${env} of ${plan.app}, ejected by stackpilot from plan ${plan.hash}.`];
  if (secretKeys.length) {
    lines.push(
      '# Set these secret values before `pulumi up` (they are never written into this project):',
    );
    for (const k of secretKeys) lines.push(`#   pulumi config set --secret ${k} --stack ${env}`);
  } else {
    lines.push('# This stack reads no secret config values.');
  }
  lines.push('config: {}', '');
  return lines.join('\n');
}

export function gitignore(): string {
  return ['node_modules/', 'bin/', ''].join('\n');
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
