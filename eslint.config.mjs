// The lint step of `npm test`: typescript-eslint's recommended rules (the tree's eslint-disable
// comments already name some of them) and a few core rules for mistakes the type-checker lets
// through. Rules that need type information (no-floating-promises, no-misused-promises) are left
// out: they make ESLint build the whole TypeScript program again, which `tsc --noEmit` has just
// done, for several times the lint's cost. no-control-regex is off: the tree strips control characters
// on purpose (escaping for terminals and XML), and the rule would only ever be silenced there.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/**', 'build/**', 'node_modules/**', 'prebuilds/**', '__tests__/consumers/*/**', 'fixtures/c/bin/**'],
  },
  {
    files: ['**/*.ts', '**/*.mts', '**/*.cts'],
    extends: [tseslint.configs.recommended],
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `==` coerces; `== null` (null or undefined) is the one idiom worth keeping
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-var': 'error',
      'prefer-const': 'error',
      'no-debugger': 'error',
      'no-fallthrough': 'error',
      'no-self-compare': 'error',
      'no-template-curly-in-string': 'off',
      // an import used only as a type says so: the bundles never load a module for its types
      '@typescript-eslint/consistent-type-imports': ['error', { disallowTypeAnnotations: false, fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
);
