// ESLint flat config: typescript-eslint's strict type-checked rules over all TypeScript.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test/testcloud/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/consistent-type-definitions': 'off',
      'max-params': ['error', 4],

      // @kubernetes/client-node models are classes that are plain data; object literals are how the API is used.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      'no-restricted-imports': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      // f(...xs) passes every item as an argument, on the stack: past ~125k items (a big
      // EndpointSlice, a long List, a listing page) it throws RangeError.
      'no-restricted-syntax': [
        'error',
        {
          selector: 'CallExpression > SpreadElement, NewExpression > SpreadElement',
          message:
            'Spreading into call arguments overflows the stack on large arrays: use a loop or concat (or disable here, saying why the array is small).',
        },
      ],
    },
  },
  {
    // Lint budgets in the spirit of pepr's (docs/adr/0009): small, flat functions in the product.
    files: ['src/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      complexity: ['error', 12],
      'max-depth': ['error', 3],
      'max-statements': ['error', 20],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      // The core is pure: no I/O, no clock, no environment, no logging.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', '!node:crypto', 'fs', 'http', 'https', 'net', 'child_process'],
              message: 'src/core is pure: no I/O modules.',
            },
            {
              group: ['engine', 'kube', 'openstack', 'services', 'app'].flatMap((layer) => [
                `../${layer}/*`,
                `../../${layer}/*`,
                `../../../${layer}/*`,
              ]),
              message: 'src/core imports nothing outside src/core.',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'process', 'fetch', 'setTimeout', 'setInterval', 'Date', 'console'],
    },
  },
  {
    files: ['src/kube/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../openstack/*', '../../openstack/*'],
              message: 'kube and openstack never import each other.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/openstack/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../kube/*', '../../kube/*', '../../../kube/*'],
              message: 'kube and openstack never import each other.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
