import { builtinModules } from 'node:module';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The dashboard's code that the browser runs (client/) or that Node and the browser share
 * (shared/) must never reach for Node: a `node:` import there would break the bundle, or worse,
 * bundle a stub that fails only when a reader opens the page.
 */
const browserSafe = {
  patterns: [
    { group: ['node:*'], message: 'client/ and shared/ run in the browser: no Node modules.' },
    {
      regex: `^(${builtinModules.filter((m) => !m.startsWith('_')).join('|')})(/.*)?$`,
      message: 'client/ and shared/ run in the browser: no Node modules.',
    },
    {
      regex: '(^|/)(queries|sql|snapshot|server|report|html|bundle)\\.js$',
      message: 'Node-side dashboard modules stay out of the browser bundle; share through shared/.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'test-output/', 'bench-output/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/dashboard/client/**', 'src/dashboard/shared/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'no-restricted-imports': ['error', browserSafe] },
  },
  {
    // Benchmarks may use the tests' helpers, never the other way round: a test must not depend
    // on what a benchmark happens to build.
    files: ['test/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/bench/**'], message: 'Tests never import bench/.' }] },
      ],
    },
  },
);
