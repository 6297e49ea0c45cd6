import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeGlobals = {
  require: 'readonly',
  module: 'writable',
  process: 'readonly',
  __dirname: 'readonly',
  console: 'readonly',
};

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
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '@pulumi/*',
            '**/engine/*',
            '**/program/*',
            '**/server/*',
            '**/cli/*',
            '**/store/*',
            '**/images/*',
            '**/cluster/*',
            '**/ci/*',
          ],
        },
      ],
    },
  },
  {
    // Images and CI workflows sit beside the engine: they read plans, and never drive Pulumi
    // or reach up to the front doors.
    files: ['src/images/**/*.ts', 'src/ci/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '@pulumi/*',
            '**/engine/*',
            '**/program/*',
            '**/server/*',
            '**/cli/*',
            '**/store/*',
          ],
        },
      ],
    },
  },
);
