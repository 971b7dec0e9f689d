// ESLint flat config: neostandard (the style fastify uses) with TypeScript support.
// It lives in .ci/ because the repository's top level is fixed; `npm run lint` points at it.
import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['dist/**', 'node_modules/**', 'data/**'] }),
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      // `void promise` marks a deliberately detached promise that handles its own errors.
      'no-void': ['error', { allowAsStatement: true }]
    }
  },
  {
    // The web console's page scripts run in the browser, as plain ES modules.
    files: ['src/console/assets/**/*.js'],
    languageOptions: {
      globals: Object.fromEntries(['window', 'document', 'location', 'localStorage', 'Node', 'EventSource', 'DOMParser', 'fetch', 'URLSearchParams', 'TextDecoder', 'atob', 'crypto'].map((name) => [name, 'readonly']))
    },
    rules: { 'no-void': ['error', { allowAsStatement: true }] }
  }
]
