// Lint: typescript-eslint (type-aware where it matters) plus eslint-plugin-lit for templates;
// lit-analyzer (run by `npm run lint`) type-checks the templates themselves.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import lit from 'eslint-plugin-lit';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'docs/api/', 'coverage/', '.tmp/', '.cache/', 'bench/results/', '**/*.min.js', 'sdk/mrz/weights*.ts', 'sdk/model/regions-data/', 'custom-elements.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  lit.configs['flat/recommended'],
  {
    languageOptions: {
      globals: { ...globals.browser, ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-expressions': 'off', // chai's `expect(x).to.be.true`
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
