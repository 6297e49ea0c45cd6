import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeGlobals = {
  require: 'readonly',
  module: 'writable',
  process: 'readonly',
  __dirname: 'readonly',
  console: 'readonly',
};

/**
 * Import patterns of our top-level folders, reached by going up: the folder's index
 * (`../plan`) and any file in it (`../../plan/environment`), never a file of the same name in
 * another folder (`../model/plan`).
 */
const folders = (...names) => [{ regex: `^(\\.\\./)+(${names.join('|')})(/.*)?$` }];

/** What nothing beside or below the engine may import: Pulumi, the engine and the front doors. */
const ABOVE_THE_PIPELINE = [
  { group: ['@pulumi/*'] },
  ...folders('engine', 'program', 'server', 'cli', 'store'),
];
const importsOnly = (patterns) => ({
  'no-restricted-imports': ['error', { patterns }],
});

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'test/fixtures/**', 'examples/**', '.stackpilot/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'error',
    },
  },
  {
    files: ['**/*.cjs', '**/*.mjs'],
    languageOptions: { globals: nodeGlobals },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: [
      'src/cli/**/*.ts',
      'scripts/**',
      'bench/**/*.ts',
      'test/**/*.ts',
      'src/program/main.ts',
    ],
    rules: { 'no-console': 'off' },
  },
  {
    // The pipeline runs one way: model ← analyze/plan ← program ← engine ← cli/server.
    files: ['src/analyze/**/*.ts', 'src/plan/**/*.ts', 'src/model/**/*.ts'],
    rules: importsOnly([...ABOVE_THE_PIPELINE, ...folders('images', 'cluster', 'ci')]),
  },
  {
    // Images and CI workflows sit beside the engine: they read plans, and never drive Pulumi
    // or reach up to the front doors.
    files: ['src/images/**/*.ts', 'src/ci/**/*.ts'],
    rules: importsOnly(ABOVE_THE_PIPELINE),
  },
  {
    // A chart is a second backend beside the program: it templates the program's own pure
    // declarations (src/program/declare.ts, which imports Pulumi types only) and reads the
    // model; it never runs Pulumi, the engine or a cluster.
    files: ['src/chart/**/*.ts'],
    rules: importsOnly([
      { group: ['@pulumi/*'] },
      ...folders('engine', 'server', 'cli', 'store', 'images', 'cluster', 'ci', 'analyze', 'plan'),
    ]),
  },
  {
    // A diagnosis is a pure function of a plan and a snapshot: it reads the model only, and
    // the cluster reads that feed it live below the engine.
    files: ['src/diagnose/**/*.ts'],
    rules: importsOnly([
      ...ABOVE_THE_PIPELINE,
      ...folders('images', 'cluster', 'ci', 'analyze', 'plan'),
    ]),
  },
);
