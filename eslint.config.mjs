// ESLint (flat config): typescript-eslint's strictTypeChecked over the TypeScript code and the tool
// config, type-aware through the project service (tsconfig.json); the browser scripts in
// src/web/public/ get the JavaScript rules with browser globals. Runs in `npm test`.
import eslint from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['node_modules/', 'dist/', 'var/', 'coverage/', 'test-output/', '.test-build-*/'] },
  {
    files: ['**/*.ts', '**/*.mts', '**/*.mjs'],
    extends: [eslint.configs.recommended, tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Counts and durations in messages and logs are numbers; `${n}` formats them as intended.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // Callbacks such as `(error) => logger.warn(error)` are the ordinary shorthand, not a confused value.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // `async` on interface methods without an await keeps a synchronous throw a rejection, as callers expect.
      '@typescript-eslint/require-await': 'off',
      // natural's own files (its index loads storage back ends) and nlp.js ship no types: required with a declared shape.
      '@typescript-eslint/no-require-imports': ['error', { allow: ['^natural/', '^@nlpjs/'] }],
      // The SDKs' types call fields always present that channels leave out (botbuilder's Activity.text, from,
      // conversation; restify's req.header()), so the checks this rule calls unnecessary are needed at run time.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // A leading underscore marks a parameter an interface requires, or a field left out of a rest copy.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // A test dereferences what it expects to exist; if it is missing the TypeError fails the test, as it should.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // vitest's asymmetric matchers (expect.stringContaining, expect.any…) are typed `any`.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  {
    files: ['src/web/public/**/*.js'],
    extends: [eslint.configs.recommended],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
);
