// House rules, enforced: `npm run lint` (part of `npm test`). See ARCHITECTURE.md for why the folders
// depend on each other the way they do.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** Import paths that reach into a top-level folder, however many `../` precede it. */
const into = (...folders) => `(^|/)(${folders.join('|')})/`;

export default tseslint.config(
  {
    ignores: ['node_modules/', '**/dist/', 'coverage/', 'eval/reports/', 'bench/results/', 'artifacts/', 'tmp/', '.test-results/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    plugins: { 'import-x': importX },
    settings: {
      // Without the TypeScript extensions and parser the rule cannot follow an import into a .ts file, and
      // no-cycle would pass silently.
      'import-x/extensions': importX.flatConfigs.typescript.settings['import-x/extensions'],
      'import-x/parsers': importX.flatConfigs.typescript.settings['import-x/parsers'],
      'import-x/resolver-next': [
        createTypeScriptImportResolver({ project: ['tsconfig.json', 'bot/miniprogram/tsconfig.json'], noWarnOnMultipleProjects: true }),
      ],
    },
    rules: {
      // A cycle between modules makes the load order matter and usually means a concept is in the wrong place.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-control-regex': 'off',
    },
  },
  {
    // Knowledge bases are data and the code that reads them: usable by any service, dependent on none.
    files: ['knowledge/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: into('server', 'bot', 'eval', 'bench'), message: 'knowledge/ never imports server/, bot/, eval/ or bench/.' },
          ],
        },
      ],
    },
  },
  {
    // The WeChat channels reach the service over HTTP only; the contract's types may be shared.
    files: ['bot/**/*.ts'],
    ignores: ['bot/**/*.test.ts', 'bot/testing/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: into('server', 'knowledge'),
              allowTypeImports: true,
              message: 'bot/ reaches the service only over HTTP (types excepted).',
            },
          ],
        },
      ],
    },
  },
  {
    // The console runs in the browser: it sees the service through the generated API types only.
    files: ['server/console/src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./\\.\\.|^\\.\\./\\.\\./\\.\\.',
              message: 'The console page imports its own modules and the generated API types (./api-types.gen.js) only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    files: ['**/*.test.ts', '**/testing/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
  prettier,
);
