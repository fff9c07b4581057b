// ESLint flat config: typescript-eslint's type-checked rules over src/, test/, tools/ and scripts/*.ts (types from the
// per-package tsconfig.json files through the project service), plain JS rules for the .mjs scripts, and the import
// walls between the packages under src/ (eslint-rules/boundaries.mjs).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import boundaries from './eslint-rules/boundaries.mjs';

/** The Node globals the plain JS files use (the `globals` package is not a dependency). */
const nodeGlobals = Object.fromEntries(
  ['process', 'console', 'URL', 'Buffer', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'].map((g) => [g, 'readonly']),
);

export default defineConfig(
  { ignores: ['dist/', 'out/', 'node_modules/', '.test-artifacts/', '**/*.vsix'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { boundaries },
    rules: {
      'boundaries/packages': 'error',
      // node:test's test()/describe()/it() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] }] },
      ],
      // Noise here: fakes implement async interfaces without awaiting, and async turns a throw into a rejection.
      '@typescript-eslint/require-await': 'off',
      // Regexes match indented YAML and CLI output literally: `{4}` would hide the shape of the text.
      'no-regex-spaces': 'off',
      // The convention tsc's noUnusedParameters already follows: a leading underscore marks a deliberately unused name.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests require modules after installing the `vscode` stand-in, time a bundle's require, and load untyped `ws`.
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: nodeGlobals },
  },
);
